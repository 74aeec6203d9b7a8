"""Another shopper's address, payment method or notification is a 404 for every method, and stays unchanged."""

import pytest
from django.forms.models import model_to_dict

from accounts.tests.factories import AddressFactory, KGUserFactory, NotificationFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db

OBJECTS = {
    "address": lambda user: AddressFactory(user=user, is_default=True),
    "payment_method": lambda user: PaymentMethodFactory(user=user, payment_type="cash", is_default=True),
    "notification": lambda user: NotificationFactory(user=user),
}
URLS = [
    ("address", "/accounts/addresses/{pk}/"),
    ("address", "/accounts/addresses/{pk}/delete/"),
    ("address", "/accounts/addresses/{pk}/default/"),
    ("payment_method", "/accounts/payment-methods/{pk}/delete/"),
    ("payment_method", "/accounts/payment-methods/{pk}/default/"),
    ("notification", "/accounts/notifications/{pk}/read/"),
]
REQUESTS = [
    ("get", {}),
    ("head", {}),
    ("post", {}),
    ("post", {"HTTP_HX_REQUEST": "true"}),
    ("put", {}),
    ("patch", {}),
    ("delete", {}),
]
POSTED = {"street": "Stolen Street", "city": "Osh", "title": "Mine now", "make_default": "on", "page": "1"}


def snapshot(obj):
    return model_to_dict(obj.__class__.objects.get(pk=obj.pk))


@pytest.mark.parametrize(("kind", "url"), URLS)
@pytest.mark.parametrize(("method", "headers"), REQUESTS)
def test_another_shoppers_record_is_a_404_and_stays_unchanged(client, kg_shopper, kind, url, method, headers):
    other = OBJECTS[kind](KGUserFactory())  # a shopper of the same market, even
    before = snapshot(other)
    client.force_login(kg_shopper)
    path = url.format(pk=other.pk)
    data = POSTED if method == "post" else None
    response = getattr(client, method)(path, data, **headers)
    assert response.status_code == 404
    assert snapshot(other) == before


@pytest.mark.parametrize(("kind", "url"), URLS)
def test_the_owner_reaches_the_same_urls(client, kg_shopper, kind, url):
    own = OBJECTS[kind](kg_shopper)
    client.force_login(kg_shopper)
    response = client.post(url.format(pk=own.pk), POSTED)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(("kind", "url"), [u for u in URLS if u[1].endswith("default/")])
def test_a_wrong_method_on_ones_own_record_is_405(client, kg_shopper, kind, url):
    own = OBJECTS[kind](kg_shopper)
    client.force_login(kg_shopper)
    assert client.get(url.format(pk=own.pk)).status_code == 405


def test_lists_show_only_ones_own_records(client, kg_shopper):
    stranger = KGUserFactory()
    AddressFactory(user=stranger, street="Stranger Street")
    PaymentMethodFactory(user=stranger, payment_type="bank_transfer")
    NotificationFactory(user=stranger, title="Stranger's parcel")
    client.force_login(kg_shopper)
    # The page's own content: the footer names every way to pay in the market, whoever reads it.
    pages = "".join(
        client.get(path).content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
        for path in ("/accounts/addresses/", "/accounts/payment-methods/", "/accounts/notifications/")
    )
    assert "Stranger" not in pages and "Bank transfer" not in pages
