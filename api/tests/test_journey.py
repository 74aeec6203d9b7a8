"""A mobile app's whole journey through the API alone: sign in by SMS code, browse, fill a cart,
add an address, place an order, read it back, and sign out."""

import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Order
from storefront import sms

pytestmark = pytest.mark.django_db

API = "/api/v1/"


@pytest.fixture(autouse=True)
def _console_sms(sms_outbox):
    return sms_outbox


def test_a_kg_shopper_signs_in_browses_fills_a_cart_and_orders_through_the_api(django_capture_on_commit_callbacks):
    sku = SKUFactory(product=ProductFactory(market="KG", name="Linen Shirt", price=Decimal("2990")), stock=3)
    app = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    with django_capture_on_commit_callbacks(execute=True):
        sent = app.post(API + "auth/send-verification", {"phone": "+996 555 123 456"}, format="json")
    assert sent.status_code == 200
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    signed_in = app.post(
        API + "auth/verify-code",
        {"phone": "+996555123456", "code": code, "verification_token": sent.json()["verification_token"]},
        format="json",
    )
    assert signed_in.status_code == 200
    tokens = signed_in.json()
    assert tokens["user"]["market"] == "KG"
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    products = app.get(API + "products").json()["results"]
    assert [p["slug"] for p in products] == [sku.product.slug]
    detail = app.get(API + f"products/{sku.product.slug}").json()
    assert [s["id"] for s in detail["skus"]] == [sku.pk]

    cart = app.post(API + "cart/add", {"sku_id": sku.pk, "quantity": 1}, format="json").json()
    assert cart["total"]["display"] == "3 240 som"  # 2 990 + 250 shipping

    address = app.post(
        API + "profile/addresses", {"street": "Chui Avenue", "building": "120", "city": "Bishkek"}, format="json"
    )
    assert address.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        placed = app.post(
            API + "orders/create",
            {"address_id": address.json()["id"], "payment_method": "cash", "notes": "Ring twice"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="app-checkout-0001",
        )
    assert placed.status_code == 201
    number = placed.json()["number"]
    assert placed.json()["payment"]["provider"] == "cash"

    order = app.get(API + f"orders/{number}").json()
    assert (order["status"], order["total"]["display"]) == ("pending", "3 240 som")
    assert [o["number"] for o in app.get(API + "orders").json()["results"]] == [number]
    assert SKU.objects.get(pk=sku.pk).stock == 2
    assert Order.objects.get(order_number=number).user.phone == "+996555123456"
    assert app.post(API + "cart/get", format="json").json()["lines"] == []

    out = app.post(API + "auth/logout", {"refresh": tokens["refresh"]}, format="json")
    assert out.status_code == 204
    assert app.post(API + "auth/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401
