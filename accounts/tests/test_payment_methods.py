"""Payment methods: the market's ways to pay, card display copies only, MIR only in KG, expired marked."""

import datetime
import html
import re
from unittest import mock

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import PaymentMethod
from accounts.tests.factories import PaymentMethodFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


def text(response):
    return html.unescape(response.content.decode())


def card(**overrides):
    return {
        "payment_type": "card",
        "card_type": "visa",
        "last4": "4242",
        "expiry_month": "12",
        "expiry_year": str(NEXT_YEAR),
        "card_holder_name": "Aida Toktogulova",
        **overrides,
    }


def test_kg_shoppers_save_only_what_kg_checkout_takes_and_are_told_why_no_cards(kg_client):
    page = kg_client.get("/accounts/payment-methods/new/")
    form = page.context["form"]
    assert [value for value, _ in form.fields["payment_type"].choices] == ["cash", "bank_transfer"]
    assert "there is no card to save here" in text(page)
    assert 'name="last4"' not in text(page)


def test_cash_on_delivery_is_saved_and_becomes_the_first_default(kg_client, kg_shopper):
    response = kg_client.post("/accounts/payment-methods/new/", {"payment_type": "cash"})
    assert response.status_code == 302 and response["Location"] == "/accounts/payment-methods/"
    method = kg_shopper.payment_methods.get()
    assert (method.payment_type, method.market, method.is_default) == ("cash", "KG", True)


def test_the_same_way_to_pay_is_not_saved_twice(kg_client, kg_shopper):
    kg_client.post("/accounts/payment-methods/new/", {"payment_type": "bank_transfer"})
    response = kg_client.post("/accounts/payment-methods/new/", {"payment_type": "bank_transfer"})
    assert response.status_code == 200
    assert "You have already saved this way to pay." in text(response)
    assert kg_shopper.payment_methods.count() == 1


def test_a_card_is_refused_in_kg_where_no_checkout_could_use_it(kg_client, kg_shopper):
    response = kg_client.post("/accounts/payment-methods/new/", card(card_type="mir", last4="1234"))
    assert response.status_code == 200
    assert response.context["form"].errors["payment_type"]
    assert not kg_shopper.payment_methods.exists()


def test_us_shoppers_save_cards_only_and_without_stripe_keys_a_labelled_test_card(us_client, us_shopper, settings):
    settings.STRIPE_SECRET_KEY = ""
    page = us_client.get("/accounts/payment-methods/new/")
    form = page.context["form"]
    assert [value for value, _ in form.fields["payment_type"].choices] == ["card"]
    assert [value for value, _ in form.fields["card_type"].widget.choices if value] == ["visa", "mastercard", "amex"]
    assert "Test card" in text(page) and "no real payment is taken" in text(page)
    assert us_client.post("/accounts/payment-methods/new/", card()).status_code == 302
    method = us_shopper.payment_methods.get()
    assert method.gateway_reference == services.TEST_CARD_PREFIX
    listing = text(us_client.get("/accounts/payment-methods/"))
    assert "Visa •••• 4242" in listing and "Test card" in listing


def test_mir_is_refused_in_the_us_with_a_clear_message(us_client, us_shopper):
    response = us_client.post("/accounts/payment-methods/new/", card(card_type="mir"))
    assert response.status_code == 200
    assert response.context["form"].errors["card_type"] == ["MIR cards are accepted in Kyrgyzstan only."]
    assert not PaymentMethod.objects.exists()


def test_the_service_refuses_mir_in_the_us_too(us_shopper):
    with pytest.raises(services.ValidationError):
        services.add_payment_method(
            user=us_shopper,
            payment_type="card",
            card_type="mir",
            last4="1234",
            expiry_month=1,
            expiry_year=NEXT_YEAR,
            card_holder_name="John Doe",
        )


def test_cash_is_not_offered_in_the_us(us_client):
    response = us_client.post("/accounts/payment-methods/new/", {"payment_type": "cash"})
    assert response.status_code == 200
    assert response.context["form"].errors["payment_type"]
    assert not PaymentMethod.objects.exists()


def test_with_stripe_keys_us_cards_are_saved_through_stripe_not_typed(us_client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    page = us_client.get("/accounts/payment-methods/new/")
    assert page.context["form"] is None
    assert "Stripe's secure page" in text(page) and "Add a card with Stripe" in text(page)
    assert 'name="last4"' not in text(page) and 'name="card_type"' not in text(page)
    us_client.post("/accounts/payment-methods/new/", card())
    assert not PaymentMethod.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last4": "4242424242424242"}, "last4", "Ensure this value has at most 4 characters"),
        ({"last4": "42a2"}, "last4", "Enter the last 4 digits of the card, never the whole number."),
        ({"last4": "٤٢٤٢"}, "last4", "Enter the last 4 digits of the card, never the whole number."),
        ({"last4": ""}, "last4", "Enter the last 4 digits of the card, never the whole number."),
        ({"expiry_month": "", "expiry_year": str(NEXT_YEAR)}, "expiry_month", "Choose the month the card expires."),
        ({"card_holder_name": ""}, "card_holder_name", "Enter the name on the card."),
        ({"card_type": ""}, "card_type", "Choose the card brand."),
    ],
)
def test_card_copies_get_clear_field_errors(us_client, overrides, field, message, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = us_client.post("/accounts/payment-methods/new/", card(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not PaymentMethod.objects.exists()


def test_a_card_that_expired_last_month_is_not_added(us_client, settings):
    settings.STRIPE_SECRET_KEY = ""
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2030, 6, 15)):
        response = us_client.post("/accounts/payment-methods/new/", card(expiry_month="5", expiry_year="2030"))
    assert response.context["form"].errors["expiry_month"] == ["This card has expired."]
    assert not PaymentMethod.objects.exists()


def test_the_service_refuses_an_expired_card(us_shopper):
    with pytest.raises(services.ValidationError) as e:
        services.add_payment_method(
            user=us_shopper,
            payment_type="card",
            card_type="visa",
            last4="4242",
            expiry_month=1,
            expiry_year=timezone.localdate().year - 1,
            card_holder_name="A",
        )
    assert "expiry_year" in e.value.message_dict


def test_a_full_card_number_or_cvc_posted_anyway_is_never_stored(us_client, us_shopper, settings):
    settings.STRIPE_SECRET_KEY = ""
    us_client.post(
        "/accounts/payment-methods/new/",
        card(card_number="4242424242424242", cvc="123", cvv="123", card_number_masked="4242424242424242"),
    )
    method = us_shopper.payment_methods.get()
    # Keys left out: a row or user id may happen to read "123".
    fields = [f for f in PaymentMethod._meta.concrete_fields if not f.primary_key and not f.is_relation]
    stored = " ".join(str(getattr(method, f.attname)) for f in fields)
    assert "424242424242" not in stored and "123" not in stored


def test_expired_saved_cards_are_marked(kg_client, kg_shopper):
    PaymentMethodFactory(
        user=kg_shopper,
        payment_type="card",
        card_type="visa",
        card_number_masked="•••• 1111",
        expiry_month=1,
        expiry_year=2020,
        card_holder_name="Old Card",
    )
    PaymentMethodFactory(
        user=kg_shopper,
        payment_type="card",
        card_type="mastercard",
        card_number_masked="•••• 2222",
        expiry_month=12,
        expiry_year=NEXT_YEAR,
        card_holder_name="New Card",
    )
    page = text(kg_client.get("/accounts/payment-methods/"))
    old, new = page.split("•••• 1111")[1].split("</li>")[0], page.split("•••• 2222")[1].split("</li>")[0]
    assert "Expired" in old and "Expired" not in new
    assert "expires 01/2020" in page


def test_set_default_and_remove_keep_one_default(kg_client, kg_shopper):
    cash = PaymentMethodFactory(user=kg_shopper, payment_type="cash", is_default=True)
    transfer = PaymentMethodFactory(user=kg_shopper, payment_type="bank_transfer")
    assert kg_client.post(f"/accounts/payment-methods/{transfer.pk}/default/").status_code == 302
    assert list(kg_shopper.payment_methods.filter(is_default=True)) == [transfer]
    page = kg_client.get(f"/accounts/payment-methods/{transfer.pk}/delete/")
    assert page.status_code == 200 and re.search(r">Remove payment method</button>", text(page))
    kg_client.post(f"/accounts/payment-methods/{transfer.pk}/delete/")
    cash.refresh_from_db()
    assert cash.is_default and not PaymentMethod.objects.filter(pk=transfer.pk).exists()


@pytest.mark.parametrize("path", ["/accounts/payment-methods/", "/accounts/payment-methods/new/"])
def test_payment_pages_stay_within_the_query_budget(kg_client, kg_shopper, django_assert_max_num_queries, path):
    PaymentMethodFactory(user=kg_shopper, payment_type="cash", is_default=True)
    PaymentMethodFactory(user=kg_shopper, payment_type="bank_transfer")
    with django_assert_max_num_queries(10):
        assert kg_client.get(path).status_code == 200
