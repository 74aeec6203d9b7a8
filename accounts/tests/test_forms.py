"""No form anywhere asks for a full card number or a security code; every field has a label."""

import re

import pytest

from accounts import forms
from accounts.tests.factories import AddressFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db

CARD_SECRETS = re.compile(r"card.?num|\bpan\b|cvc|cvv|cvn|csc|security.?code|cc-number|cc-csc|cc-exp\b", re.I)


def rendered_pages(client, user):
    address = AddressFactory(user=user)
    method = PaymentMethodFactory(user=user, payment_type="cash" if user.market == "KG" else "card")
    pages = {}
    for path in ("/accounts/login/",):
        pages[path] = client.get(path).content.decode()
    client.force_login(user)
    for path in (
        "/accounts/profile/",
        "/accounts/addresses/new/",
        f"/accounts/addresses/{address.pk}/",
        "/accounts/payment-methods/new/",
        f"/accounts/payment-methods/{method.pk}/delete/",
        "/accounts/notifications/",
        "/accounts/logout/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


def inputs(page):
    main = page.split('<main id="main"', 1)[1]
    return re.findall(r"<(?:input|select|textarea)\b[^>]*>", main)


@pytest.mark.parametrize("shopper", ["kg_shopper", "us_shopper"])
def test_no_rendered_form_has_a_card_number_or_security_code_field(client, request, shopper, settings):
    settings.STRIPE_SECRET_KEY = ""
    pages = rendered_pages(client, request.getfixturevalue(shopper))
    for path, page in pages.items():
        for tag in inputs(page):
            # What names the field (not its value, such as a random CSRF token).
            naming = " ".join(re.findall(r'\b(?:name|id|autocomplete|placeholder)="([^"]*)"', tag))
            assert not CARD_SECRETS.search(naming), f"{path}: {tag}"
    card_page = pages["/accounts/payment-methods/new/"]
    if shopper == "us_shopper":  # KG checkout takes no cards, so the KG page asks for none
        last4 = re.search(r'<input[^>]*name="last4"[^>]*>', card_page).group(0)
        assert 'maxlength="4"' in last4


def test_no_form_class_declares_a_card_number_or_security_code_field():
    for form_class in (
        forms.PhoneForm,
        forms.CodeForm,
        forms.ProfileForm,
        forms.AddressForm,
        forms.PaymentMethodForm,
    ):
        for name in form_class.base_fields:
            assert not CARD_SECRETS.search(name), f"{form_class.__name__}.{name}"


@pytest.mark.parametrize("shopper", ["kg_shopper", "us_shopper"])
def test_every_visible_field_has_a_label(client, request, shopper):
    pages = rendered_pages(client, request.getfixturevalue(shopper))
    for path, page in pages.items():
        main = page.split('<main id="main"', 1)[1]
        for tag in inputs(page):
            if 'type="hidden"' in tag or 'type="radio"' in tag:
                continue
            field_id = re.search(r'id="([^"]+)"', tag).group(1)
            assert re.search(rf'<label[^>]*for="{field_id}"', main), f"{path}: {tag}"
