"""Saving a US card through Stripe's hosted page: only Stripe's HTTP boundary is faked.

The fake answers the Stripe API the way Stripe does (JSON bodies for customers, Checkout Sessions
in setup mode, an expanded SetupIntent with its PaymentMethod) and records every request.
"""

import html
import json
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from accounts.models import PaymentMethod
from accounts.tests.factories import PaymentMethodFactory, USUserFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1
LIST = reverse("accounts:payment_method_list")


class FakeStripe(stripe.HTTPClient):
    """Stripe's API as JSON over a recorded, in-memory HTTP client."""

    name = "fake"

    def __init__(self, *, brand="visa", session_customer="cus_123", intent_status="succeeded", fail=False):
        super().__init__()
        self.requests = []
        self.brand, self.session_customer, self.intent_status, self.fail = (
            brand,
            session_customer,
            intent_status,
            fail,
        )

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = urlsplit(url).path
        self.requests.append((method, path, parse_qs(post_data or urlsplit(url).query), dict(headers or {})))
        if self.fail:
            return json.dumps({"error": {"type": "api_error", "message": "Stripe is down"}}), 500, {}
        if method == "post" and path == "/v1/customers":
            return json.dumps({"id": "cus_123", "object": "customer"}), 200, {}
        if method == "post" and path == "/v1/checkout/sessions":
            body = {
                "id": "cs_test_setup",
                "object": "checkout.session",
                "url": "https://checkout.stripe.com/c/pay/cs_1",
            }
            return json.dumps(body), 200, {}
        if method == "get" and path == "/v1/checkout/sessions/cs_test_setup":
            return json.dumps(self._completed_session()), 200, {}
        if method == "post" and path.startswith("/v1/payment_methods/") and path.endswith("/detach"):
            return json.dumps({"id": path.split("/")[3], "object": "payment_method"}), 200, {}
        return json.dumps({"error": {"type": "invalid_request_error", "message": "No such thing"}}), 404, {}

    def _completed_session(self):
        return {
            "id": "cs_test_setup",
            "object": "checkout.session",
            "mode": "setup",
            "status": "complete",
            "customer": self.session_customer,
            "setup_intent": {
                "id": "seti_1",
                "object": "setup_intent",
                "status": self.intent_status,
                "payment_method": {
                    "id": "pm_card_1",
                    "object": "payment_method",
                    "billing_details": {"name": "Jane Doe"},
                    "card": {"brand": self.brand, "last4": "4242", "exp_month": 4, "exp_year": NEXT_YEAR},
                },
            },
        }

    def request_stream(self, *args, **kwargs):  # pragma: no cover - not used by these calls
        raise NotImplementedError

    def close(self):
        pass

    def paths(self):
        return [(method, path) for method, path, _params, _headers in self.requests]


@pytest.fixture
def stripe_on(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"


def fake_stripe(monkeypatch, **kwargs):
    fake = FakeStripe(**kwargs)
    monkeypatch.setattr("accounts.stripe_client.client", lambda: stripe.StripeClient("sk_test_123", http_client=fake))
    return fake


def text(response):
    return html.unescape(response.content.decode())


def test_the_add_page_offers_stripe_and_no_card_fields_when_stripe_is_configured(stripe_on, us_client):
    page = text(us_client.get(reverse("accounts:payment_method_create")))

    assert "Add a card with Stripe" in page
    assert 'name="last4"' not in page and "cvc" not in page.lower()


def test_starting_creates_a_customer_and_a_setup_session_and_redirects_to_stripe(stripe_on, us_client, monkeypatch):
    fake = fake_stripe(monkeypatch)

    response = us_client.post(reverse("accounts:card_setup_start"))

    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_1"
    assert fake.paths() == [("post", "/v1/customers"), ("post", "/v1/checkout/sessions")]
    params = fake.requests[1][2]
    assert params["mode"] == ["setup"] and params["customer"] == ["cus_123"] and params["currency"] == ["usd"]
    return_url = "/accounts/payment-methods/stripe/return/?session_id={CHECKOUT_SESSION_ID}"
    assert params["success_url"][0].endswith(return_url)
    us_client.post(reverse("accounts:card_setup_start"))
    assert fake.paths().count(("post", "/v1/customers")) == 1  # the customer is kept


def test_returning_saves_the_display_copy_read_from_stripe(stripe_on, us_client, us_shopper, monkeypatch):
    us_shopper.stripe_customer_id = "cus_123"
    us_shopper.save(update_fields=["stripe_customer_id"])
    fake_stripe(monkeypatch)

    response = us_client.get(reverse("accounts:card_setup_return"), {"session_id": "cs_test_setup"}, follow=True)

    method = PaymentMethod.objects.get(user=us_shopper)
    assert (method.card_type, method.card_number_masked, method.expiry_month, method.expiry_year) == (
        "visa",
        "•••• 4242",
        4,
        NEXT_YEAR,
    )
    assert method.gateway_reference == "pm_card_1" and method.card_holder_name == "Jane Doe"
    assert "Card saved." in text(response)
    # Coming back again (a reload) keeps one copy.
    us_client.get(reverse("accounts:card_setup_return"), {"session_id": "cs_test_setup"})
    assert PaymentMethod.objects.filter(user=us_shopper).count() == 1


@pytest.mark.parametrize(
    ("fake_kwargs", "message"),
    [
        ({"session_customer": "cus_someone_else"}, "We couldn't find the card you added."),
        ({"intent_status": "requires_action"}, "The card was not saved."),
        ({"brand": "discover"}, "This card brand is not accepted in your market."),
    ],
)
def test_a_session_that_is_not_theirs_unfinished_or_of_a_refused_brand_saves_nothing(
    stripe_on, us_client, us_shopper, monkeypatch, fake_kwargs, message
):
    us_shopper.stripe_customer_id = "cus_123"
    us_shopper.save(update_fields=["stripe_customer_id"])
    fake_stripe(monkeypatch, **fake_kwargs)

    response = us_client.get(reverse("accounts:card_setup_return"), {"session_id": "cs_test_setup"}, follow=True)

    assert message in text(response)
    assert not PaymentMethod.objects.filter(user=us_shopper).exists()


def test_a_forged_return_without_a_stripe_customer_asks_nothing_of_stripe(stripe_on, us_client, monkeypatch):
    fake = fake_stripe(monkeypatch)

    response = us_client.get(reverse("accounts:card_setup_return"), {"session_id": "cs_test_setup"}, follow=True)

    assert "We couldn't find the card you added." in text(response)
    assert fake.requests == []


def test_stripe_being_down_is_a_clear_message(stripe_on, us_client, monkeypatch):
    fake_stripe(monkeypatch, fail=True)
    with mock.patch("stripe._http_client.HTTPClient._sleep_time_seconds", return_value=0):
        response = us_client.post(reverse("accounts:card_setup_start"), follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert "We couldn't reach the payment service." in text(response)


def test_stripe_cards_are_not_offered_in_kg_or_without_keys(client, kg_shopper, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    client.force_login(kg_shopper)
    response = client.post(reverse("accounts:card_setup_start"), follow=True)
    assert "Cards cannot be saved online in your market." in text(response)

    settings.STRIPE_SECRET_KEY = ""
    us = USUserFactory()
    client.force_login(us)
    response = client.post(reverse("accounts:card_setup_start"), follow=True)
    assert "Cards cannot be saved online in your market." in text(response)


def test_removing_a_stripe_card_detaches_it_at_stripe(stripe_on, us_client, us_shopper, monkeypatch):
    fake = fake_stripe(monkeypatch)
    method = PaymentMethodFactory(
        user=us_shopper,
        payment_type="card",
        card_type="visa",
        card_number_masked="•••• 4242",
        expiry_month=4,
        expiry_year=NEXT_YEAR,
        card_holder_name="Jane Doe",
        gateway_reference="pm_card_1",
    )

    us_client.post(reverse("accounts:payment_method_delete", args=[method.pk]))

    assert not PaymentMethod.objects.filter(pk=method.pk).exists()
    assert fake.paths() == [("post", "/v1/payment_methods/pm_card_1/detach")]
