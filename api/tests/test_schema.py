"""Schemathesis against the API's own OpenAPI schema, inside the test suite.

Every operation gets at least 50 generated requests (a fixed seed, so a run is repeatable), as an
anonymous caller and as a signed-in shopper, against a catalog with products, banners and an
order. No response may be a server error, and every response must match the schema: its status
code documented, its content type and its body as described.
"""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, seed, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.tests.factories import SKUFactory
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 50


# The schema view reads no database, so the schema loads when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _one_connection(wsgi_keeps_the_test_connection):
    """Requests go through the real WSGI handler (see the root conftest)."""


@pytest.fixture
def shopper(db, product_factory):
    """A KG shopper with an address, a cart line and an order, in a catalog of a few products."""
    user = KGUserFactory(full_name="Aida Toktogulova")
    AddressFactory(user=user, is_default=True)
    skus = [SKUFactory(product=product_factory(market=market), stock=5) for market in ("KG", "ALL", "US")]
    CartItemFactory(cart=CartFactory(user=user), sku=skus[0], quantity=1)
    OrderItemFactory(order=OrderFactory(user=user), sku=skus[0])
    return user


def bearer(user):
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


CONFIG = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# One test per operation and caller, with node ids such as
# `test_the_api_answers_every_generated_request_as_documented[POST /api/v1/cart/add][shopper]`; re-run one
# with `-k "cart/add and shopper"`. Schemathesis puts the operation in the test's name; pytest builds the
# node id from the function's name and its parametrisation, and only with the caller parametrised does
# that name carry the operation (without it every operation's node id would be the same).
@pytest.mark.django_db
@schema.parametrize()
@pytest.mark.parametrize("caller", ["visitor", "shopper"])
@seed(20261127)
@CONFIG
def test_the_api_answers_every_generated_request_as_documented(case, caller, shopper):
    # Schemathesis calls the WSGI app directly and reads the body as sent: ask for it uncompressed
    # (large responses are gzipped for clients that accept it; test_compression.py covers that).
    headers = {"Accept-Encoding": "identity", **(bearer(shopper) if caller == "shopper" else {})}
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_schema_generates_without_a_warning_and_documents_bearer_tokens(tmp_path):
    """`manage.py spectacular --fail-on-warn`, as the deployment check runs it; signed-in
    operations name the JWT bearer scheme."""
    target = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))

    document = json.loads(target.read_text())
    assert document["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert {"jwtAuth": []} in document["paths"]["/api/v1/profile"]["get"]["security"]
