"""profile/payment-methods: listing, saving (the web's rules: no card number or CVC ever), removing and
picking the default; US cards through Stripe (mocked at its HTTP transport); anyone else's is a 404."""

import pytest
from django.utils import timezone

from accounts.models import PaymentMethod
from accounts.tests.factories import KGUserFactory, PaymentMethodFactory
from api.tests.conftest import authed, error, error_code
from checkout.tests.stripe_fakes import install_fake_stripe

pytestmark = pytest.mark.django_db

METHODS = "/api/v1/profile/payment-methods"
NEXT_YEAR = timezone.localdate().year + 1


def url(method, action=""):
    return f"{METHODS}/{method.pk}{action}"


def stripe_card(pm_id="pm_card_1", *, customer=None, brand="visa"):
    return {
        "id": pm_id,
        "object": "payment_method",
        "type": "card",
        "customer": customer,
        "billing_details": {"name": "Jane Doe"},
        "card": {"brand": brand, "last4": "4242", "exp_month": 4, "exp_year": NEXT_YEAR},
    }


@pytest.fixture
def no_stripe(settings, monkeypatch):
    return install_fake_stripe(settings, monkeypatch, configured=False)


@pytest.fixture
def stripe(settings, monkeypatch):
    return install_fake_stripe(settings, monkeypatch)


@pytest.fixture
def us_api(us_shopper):
    return authed(us_shopper)


def test_every_payment_method_action_needs_a_token(api_client):
    method = PaymentMethodFactory()
    assert api_client.get(METHODS).status_code == 401
    assert api_client.post(METHODS, {"payment_type": "cash"}, format="json").status_code == 401
    assert api_client.delete(url(method)).status_code == 401
    assert api_client.post(url(method, "/default")).status_code == 401


def test_a_kg_shopper_saves_cash_then_a_bank_transfer(api, kg_shopper, no_stripe):
    cash = api.post(METHODS, {"payment_type": "cash"}, format="json")
    assert cash.status_code == 201
    assert cash.json()["payment_type"] == "cash" and cash.json()["is_default"] is True
    bank = api.post(METHODS, {"payment_type": "bank_transfer", "make_default": True}, format="json")
    assert bank.status_code == 201 and bank.json()["is_default"] is True
    listed = api.get(METHODS).json()
    assert [(m["payment_type"], m["is_default"]) for m in listed] == [("bank_transfer", True), ("cash", False)]


def test_a_kg_shopper_saves_no_card_and_no_way_to_pay_twice(api, kg_shopper, no_stripe):
    card = {"payment_type": "card", "card_type": "mir", "last4": "1234", "expiry_month": 4, "expiry_year": NEXT_YEAR}
    response = api.post(METHODS, card, format="json")
    assert response.status_code == 400
    assert "payment_type" in error(response)["details"]
    api.post(METHODS, {"payment_type": "cash"}, format="json")
    again = api.post(METHODS, {"payment_type": "cash"}, format="json")
    assert again.status_code == 400
    assert error(again)["details"] == {"payment_type": ["You have already saved this way to pay."]}
    assert PaymentMethod.objects.filter(user=kg_shopper).count() == 1


def test_a_us_test_card_keeps_only_its_display_copy(us_api, us_shopper, no_stripe):
    card = {
        "payment_type": "card",
        "card_type": "visa",
        "last4": "4242",
        "expiry_month": 4,
        "expiry_year": NEXT_YEAR,
        "card_holder_name": "Jane Doe",
    }
    response = us_api.post(METHODS, card, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["card_number_masked"] == "•••• 4242" and body["is_test_card"] is True
    assert body["via_stripe"] is False
    assert "gateway_reference" not in body
    assert not no_stripe.requests


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"last4": "4242424242424242"}, "last4"),
        ({"card_type": "mir"}, "card_type"),
        ({"expiry_month": 13}, "expiry_month"),
        ({"card_holder_name": ""}, "card_holder_name"),
    ],
)
def test_a_bad_test_card_is_a_400_naming_the_field(us_api, us_shopper, no_stripe, change, field):
    card = {
        "payment_type": "card",
        "card_type": "visa",
        "last4": "4242",
        "expiry_month": 4,
        "expiry_year": NEXT_YEAR,
        "card_holder_name": "Jane Doe",
        **change,
    }
    response = us_api.post(METHODS, card, format="json")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert field in error(response)["details"]
    assert not PaymentMethod.objects.filter(user=us_shopper).exists()


def test_with_stripe_a_card_is_only_a_stripe_payment_method_read_back_from_stripe(us_api, us_shopper, stripe):
    stripe.reply("get", "/v1/payment_methods/pm_card_1", stripe_card())
    stripe.reply("post", "/v1/customers", {"id": "cus_new", "object": "customer"})
    stripe.reply("post", "/v1/payment_methods/pm_card_1/attach", stripe_card(customer="cus_new"))

    response = us_api.post(METHODS, {"payment_type": "card", "stripe_payment_method": "pm_card_1"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["card_type"], body["card_number_masked"], body["expiry_year"]) == ("visa", "•••• 4242", NEXT_YEAR)
    assert body["via_stripe"] is True and body["card_holder_name"] == "Jane Doe"
    assert stripe.to("post", "/v1/payment_methods/pm_card_1/attach")[0].params == {"customer": "cus_new"}
    us_shopper.refresh_from_db()
    assert us_shopper.stripe_customer_id == "cus_new"
    # Sending it again keeps one copy and asks Stripe nothing more.
    asked = len(stripe.requests)
    assert (
        us_api.post(METHODS, {"payment_type": "card", "stripe_payment_method": "pm_card_1"}, format="json").json()["id"]
        == body["id"]
    )
    assert len(stripe.requests) == asked


def test_with_stripe_card_fields_without_a_stripe_payment_method_are_refused(us_api, us_shopper, stripe):
    card = {"payment_type": "card", "card_type": "visa", "last4": "4242", "expiry_month": 4, "expiry_year": NEXT_YEAR}
    response = us_api.post(METHODS, card, format="json")
    assert response.status_code == 400
    assert "stripe_payment_method" in error(response)["details"]
    assert not stripe.requests


@pytest.mark.parametrize(
    ("pm_id", "card", "status"),
    [
        ("pm_theirs", stripe_card("pm_theirs", customer="cus_someone_else"), 200),
        ("pm_discover", stripe_card("pm_discover", customer="cus_mine", brand="discover"), 200),
        ("pm_missing", {"error": {"type": "invalid_request_error", "message": "No such PaymentMethod"}}, 404),
    ],
)
def test_a_stripe_card_of_someone_else_of_a_refused_brand_or_unknown_saves_nothing(
    us_api, us_shopper, stripe, pm_id, card, status
):
    us_shopper.stripe_customer_id = "cus_mine"
    us_shopper.save(update_fields=["stripe_customer_id"])
    stripe.reply("get", f"/v1/payment_methods/{pm_id}", card, status=status)
    response = us_api.post(METHODS, {"payment_type": "card", "stripe_payment_method": pm_id}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "card_not_saved"
    assert "stripe_payment_method" in error(response)["details"]
    assert not PaymentMethod.objects.filter(user=us_shopper).exists()
    assert not stripe.to("post", f"/v1/payment_methods/{pm_id}/attach")


def test_something_that_is_no_stripe_id_asks_nothing_of_stripe(us_api, stripe):
    response = us_api.post(
        METHODS, {"payment_type": "card", "stripe_payment_method": "4242424242424242"}, format="json"
    )
    assert response.status_code == 400
    assert not stripe.requests


def test_removing_a_stripe_card_detaches_it_and_hands_on_the_default(us_api, us_shopper, stripe):
    older = PaymentMethodFactory(user=us_shopper, payment_type="card", card_type="visa", gateway_reference="pm_old")
    card = PaymentMethodFactory(
        user=us_shopper, payment_type="card", card_type="visa", gateway_reference="pm_card_1", is_default=True
    )
    stripe.reply("post", "/v1/payment_methods/pm_card_1/detach", stripe_card())
    response = us_api.delete(url(card))
    assert response.status_code == 204
    assert not PaymentMethod.objects.filter(pk=card.pk).exists()
    assert len(stripe.to("post", "/v1/payment_methods/pm_card_1/detach")) == 1
    older.refresh_from_db()
    assert older.is_default is True


def test_set_default_answers_every_way_to_pay(api, kg_shopper):
    cash = PaymentMethodFactory(user=kg_shopper, payment_type="cash", is_default=True)
    bank = PaymentMethodFactory(user=kg_shopper, payment_type="bank_transfer")
    response = api.post(url(bank, "/default"))
    assert response.status_code == 200
    assert [(m["id"], m["is_default"]) for m in response.json()] == [(bank.pk, True), (cash.pk, False)]


@pytest.mark.parametrize("action", ["delete", "default"])
def test_another_shoppers_way_to_pay_is_a_404_and_stays(api, action, no_stripe):
    theirs = PaymentMethodFactory(user=KGUserFactory(), is_default=True)
    response = api.delete(url(theirs)) if action == "delete" else api.post(url(theirs, "/default"))
    assert response.status_code == 404
    assert error_code(response) == "payment_method_not_found"
    theirs.refresh_from_db()
    assert theirs.is_default is True


def test_a_body_that_is_not_an_object_is_a_400(api):
    response = api.post(METHODS, ["cash"], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in error(response)["details"]


def test_the_list_query_budget_does_not_grow_with_ways_to_pay(api, kg_shopper, django_assert_max_num_queries):
    PaymentMethodFactory(user=kg_shopper)
    with django_assert_max_num_queries(3) as one:
        api.get(METHODS)
    PaymentMethodFactory.create_batch(10, user=kg_shopper, payment_type="bank_transfer")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(METHODS).json()) == 11
