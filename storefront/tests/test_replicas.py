"""Catalog reads go to the read replica when one is configured, except where they must see a write."""

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from catalog.models import Product
from checkout.models import Order
from storefront.replicas import PIN_COOKIE, ReplicaRouter, primary

pytestmark = [
    pytest.mark.django_db,
    # The router only asks whether a `replica` alias is configured; no connection is opened to it.
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning"),
]

router = ReplicaRouter()


@pytest.fixture
def with_replica(settings):
    """A `replica` alias in the settings (the router only asks whether there is one)."""
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    settings.REPLICA_PIN_SECONDS = 5


def test_without_a_replica_everything_reads_the_primary():
    assert router.db_for_read(Product) == "default"
    assert router.db_for_read(User) == "default"


def test_catalog_reads_go_to_the_replica_and_everything_else_to_the_primary(with_replica):
    assert router.db_for_read(Product) == "replica"
    assert router.db_for_read(User) == router.db_for_read(Order) == "default"
    assert router.db_for_write(Product) == "default"
    assert router.allow_migrate("default", "catalog") and not router.allow_migrate("replica", "catalog")


def test_reads_inside_a_transaction_or_pinned_stay_on_the_primary(with_replica):
    with transaction.atomic():
        assert router.db_for_read(Product) == "default"
    with primary():
        assert router.db_for_read(Product) == "default"
    assert router.db_for_read(Product) == "replica"


@override_settings(ROOT_URLCONF="storefront.tests.replica_urls")
def test_a_write_pins_that_request_and_the_shoppers_next_reads_to_the_primary(client, with_replica):
    response = client.get("/read/")
    assert response.text == "replica" and PIN_COOKIE not in response.cookies

    response = client.post("/read/")
    assert response.text == "default"
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]

    assert client.get("/read/").text == "default"  # the cookie comes back with the next request
    client.cookies.pop(PIN_COOKIE)
    assert client.get("/read/").text == "replica"
    assert client.get("/admin/read/").text == "default"
