"""Input that used to break a page: unicode digits, lone surrogates and NUL bytes get a 4xx, never a 500."""

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AddressFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import CartItem
from storefront.input import whole_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def sku():
    return SKUFactory(product=ProductFactory(market="KG", price=Decimal("2990")), stock=5)


def api_as(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.mark.parametrize("raw", ["²", "٣", "①", "-²", " 12 ", "1e3", "", None, "9" * 19])
def test_whole_numbers_are_ascii_digits_only(raw):
    expected = 12 if raw == " 12 " else None
    assert whole_number(raw) == expected


@pytest.mark.parametrize("field", ["quantity", "sku", "product"])
def test_cart_add_with_unicode_digits_is_refused_not_a_server_error(client, sku, field):
    data = {"sku": str(sku.pk), "quantity": "1", field: "²"}

    response = client.post("/kg/cart/add/", data)

    assert response.status_code < 500
    assert not CartItem.objects.filter(quantity=2).exists()


def test_cart_line_update_with_unicode_digits_is_refused(client, signed_in, sku):
    client.post("/kg/cart/add/", {"sku": str(sku.pk), "quantity": "1"})
    line = CartItem.objects.get()

    response = client.post(f"/kg/cart/lines/{line.pk}/update/", {"set": "²"})

    assert response.status_code < 500
    assert CartItem.objects.get().quantity == 1


def test_marking_notifications_read_with_a_unicode_page_number_lands_on_the_list(client, signed_in):
    response = client.post("/accounts/notifications/read-all/", {"page": "²"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/notifications/"


def test_api_cart_add_with_unicode_digits_is_a_400(kg_shopper, sku):
    response = api_as(kg_shopper).post("/api/v1/cart/add", {"sku_id": sku.pk, "quantity": "²"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_quantity"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("put", "/api/v1/profile", {"full_name": "\ud800", "language": "en"}, "full_name"),
        ("put", "/api/v1/profile", {"full_name": "Aida", "language": "\ud800"}, "language"),
        ("post", "/api/v1/profile/addresses", {"street": "\ud800", "city": "Bishkek"}, "street"),
        ("post", "/api/v1/profile/addresses", {"street": "Chui\x00", "city": "Bishkek"}, "street"),
    ],
)
def test_api_refuses_surrogates_and_nul_bytes_naming_the_field(kg_shopper, method, path, body, field):
    raw = json.dumps(body)  # "\ud800" travels escaped, as a client would send it

    response = getattr(api_as(kg_shopper), method)(path, raw, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["details"]
    assert field in error["message"]


def test_a_web_form_with_a_nul_byte_is_a_400_naming_the_field(client, signed_in):
    AddressFactory(user=signed_in)

    response = client.post("/accounts/profile/", {"full_name": "Aida\x00", "email": ""})

    assert response.status_code == 400
    assert "full_name" in response.text


def test_a_listing_link_with_a_nul_byte_still_shows_the_listing(client):
    assert client.get("/kg/search/", {"q": "shirt\x00"}).status_code == 200
    assert client.get("/api/v1/products/search", {"q": "shirt\x00", "market": "KG"}).status_code == 200
