"""Orders: placing (payment steps, idempotency, stock conflicts, bad input), listing, detail, ownership, budgets."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AddressFactory, KGUserFactory
from api.tests.conftest import authed, error_code
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import CartItem, Order, SalesTaxRate
from checkout.orders import place_order
from checkout.status import change_status
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory
from checkout.tests.stripe_fakes import install_fake_stripe, session_json
from storefront import sms
from storefront.pagination import BoundedCountPaginator

pytestmark = pytest.mark.django_db

CREATE, LIST = "/api/v1/orders/create", "/api/v1/orders"


@pytest.fixture(autouse=True)
def _offline(settings):
    """No Stripe keys (the US market offers the test payment) and SMS texts to the console."""
    settings.STRIPE_SECRET_KEY = ""
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    sms.outbox.clear()


def fill_cart(user, sku, quantity=2):
    return CartItemFactory(cart=CartFactory(user=user), sku=sku, quantity=quantity)


@pytest.fixture
def home(kg_shopper):
    return AddressFactory(user=kg_shopper, street="Chui Avenue", building="120", city="Bishkek", is_default=True)


@pytest.fixture
def cart_line(kg_shopper, sku):
    return fill_cart(kg_shopper, sku)


@pytest.fixture
def us(us_shopper):
    """A US shopper with a California address (7.25%) and two $29.95 shirts in the cart."""
    SalesTaxRate.objects.update_or_create(state="CA", defaults={"rate": Decimal("0.0725"), "taxes_shipping": False})
    address = AddressFactory(
        user=us_shopper, street="Market Street", building="1", city="San Francisco", state="CA", postal_code="94105"
    )
    sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("29.95")), stock=5)
    fill_cart(us_shopper, sku)
    return us_shopper, address


# --- placing --------------------------------------------------------------------------------------


def test_placing_needs_a_token(api_client):
    response = api_client.post(CREATE, {}, format="json")
    assert response.status_code == 401


def test_a_cash_order_is_placed_from_the_cart(api, kg_shopper, home, cart_line, sku):
    response = api.post(CREATE, {"address_id": home.pk, "payment_method": "cash", "notes": " Ring twice "},
                        format="json", headers={"Idempotency-Key": "order-key-0001"})  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert body["number"] == order.order_number and re.fullmatch(r"MQ-[0-9A-Z]{8}", body["number"])
    assert order.user == kg_shopper and order.checkout_key == "order-key-0001"
    assert body["status"] == "pending" and body["status_display"] == "Pending"
    assert body["payment_method"] == "cash" and body["payment_status"] == "pending"
    assert body["payment"] == {"provider": "cash"}
    assert body["currency"] == "KGS" and body["market"] == "KG"
    assert body["subtotal"] == {"amount": "5980.00", "currency": "KGS", "display": "5 980 som"}
    assert body["shipping"]["amount"] == "0.00" and body["total"]["amount"] == "5980.00"
    assert body["tax_included"] is True and body["tax"]["amount"] == "641.00"
    [item] = body["items"]
    assert item["sku_id"] == sku.pk and item["sku_code"] == sku.sku_code and item["product_slug"] == sku.product.slug
    assert (item["name"], item["brand"], item["size"], item["color"]) == ("Linen Shirt", "Atelier Nord", "M", "Sand")
    assert (
        item["unit_price"]["amount"] == "2990.00"
        and item["quantity"] == 2
        and item["line_total"]["amount"] == "5980.00"
    )
    assert body["delivery"]["address"] == "Chui Avenue, 120, Bishkek" and body["delivery"]["notes"] == "Ring twice"
    assert body["delivery"]["phone"] == kg_shopper.phone
    assert [change["status"] for change in body["timeline"]] == ["pending"]
    assert body["can_cancel"] is True and body["awaiting_payment"] is False and body["bank_details"] is None
    assert not CartItem.objects.exists()
    sku.refresh_from_db()
    assert sku.stock == 3


def test_a_bank_transfer_order_answers_with_the_bank_details(api, home, cart_line, settings):
    body = api.post(CREATE, {"address_id": home.pk, "payment_method": "bank_transfer"}, format="json").json()
    assert body["payment"] == {"provider": "bank_transfer", "bank_details": settings.KG_BANK_DETAILS}
    assert body["bank_details"] == settings.KG_BANK_DETAILS


def test_a_us_order_without_stripe_gets_the_test_payment_page(us):
    user, address = us
    response = authed(user).post(CREATE, {"address_id": address.pk, "payment_method": "test"}, format="json")
    assert response.status_code == 201
    body = response.json()
    number = body["number"]
    assert body["payment"] == {"provider": "test", "pay_url": f"http://testserver/us/orders/{number}/pay/test/"}
    assert body["awaiting_payment"] is True and body["pay_by"]
    assert body["currency"] == "USD" and body["tax_included"] is False
    assert (body["subtotal"]["amount"], body["shipping"]["amount"], body["tax"]["amount"], body["total"]["amount"]) == (
        "59.90", "7.95", "4.34", "72.19"
    )  # fmt: skip


def test_a_us_card_order_with_stripe_gets_a_checkout_url(us, settings, monkeypatch):
    stripe_api = install_fake_stripe(settings, monkeypatch)
    stripe_api.reply("post", "/v1/checkout/sessions", session_json("cs_test_api"))
    user, address = us
    response = authed(user).post(CREATE, {"address_id": address.pk, "payment_method": "card"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["payment"] == {"provider": "stripe", "checkout_url": "https://checkout.stripe.com/c/pay/cs_test_api"}
    [call] = stripe_api.requests
    number = body["number"]
    assert (
        call.params["success_url"] == f"http://testserver/us/orders/{number}/paid/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert call.params["cancel_url"] == f"http://testserver/us/orders/{number}/"
    assert call.params["line_items[0][price_data][unit_amount]"] == "7219"
    assert Order.objects.get().stripe_checkout_session == "cs_test_api"


def test_a_stripe_outage_still_answers_with_the_placed_order(us, settings, monkeypatch):
    stripe_api = install_fake_stripe(settings, monkeypatch)
    stripe_api.reply_error("post", "/v1/checkout/sessions", status=500, type="api_error", message="down")
    user, address = us
    response = authed(user).post(CREATE, {"address_id": address.pk, "payment_method": "card"}, format="json")
    assert response.status_code == 201
    payment = response.json()["payment"]
    assert payment == {
        "provider": "stripe",
        "message": "Payment is not available right now, your order is saved — try again from the order page.",
    }
    assert Order.objects.get().awaiting_online_payment


def test_the_same_idempotency_key_twice_places_one_order(api, home, cart_line, sku):
    data, key = {"address_id": home.pk, "payment_method": "cash"}, {"Idempotency-Key": "4b8f7e52-retry-key"}
    first = api.post(CREATE, data, format="json", headers=key)
    CartItemFactory(cart=cart_line.cart, sku=sku, quantity=1)  # even with a new cart, the key finds the first order
    second = api.post(CREATE, data, format="json", headers=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Order.objects.count() == 1
    assert CartItem.objects.count() == 1


def test_without_a_key_a_second_request_finds_the_cart_empty(api, home, cart_line):
    data = {"address_id": home.pk, "payment_method": "cash"}
    assert api.post(CREATE, data, format="json").status_code == 201
    response = api.post(CREATE, data, format="json")
    assert response.status_code == 400 and error_code(response) == "empty_cart"
    assert Order.objects.count() == 1


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space in it", "ключ-ключ-ключ"])
def test_a_malformed_idempotency_key_is_a_400(api, home, cart_line, key):
    response = api.post(CREATE, {"address_id": home.pk, "payment_method": "cash"}, format="json",
                        headers={"Idempotency-Key": key.encode().decode("latin-1")})  # fmt: skip
    assert response.status_code == 400 and error_code(response) == "invalid_idempotency_key"
    assert not Order.objects.exists()


def test_another_users_address_is_a_404_and_nothing_is_placed(api, cart_line):
    strangers = AddressFactory(user=KGUserFactory())
    response = api.post(CREATE, {"address_id": strangers.pk, "payment_method": "cash"}, format="json")
    assert response.status_code == 404 and error_code(response) == "address_not_found"
    assert not Order.objects.exists() and CartItem.objects.filter(pk=cart_line.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"payment_method": "cash"}, "address_id"),
        ({"address_id": "abc", "payment_method": "cash"}, "address_id"),
        ({"address_id": 1}, "payment_method"),
        ({"address_id": 1, "payment_method": "cash", "notes": "x" * 501}, "notes"),
        ({"address_id": 1, "payment_method": "cash", "notes": "nul \u0000 byte"}, "notes"),
        ({"address_id": 1, "payment_method": "ca\u0000sh"}, "payment_method"),
    ],
)
def test_bad_input_is_a_400_with_field_details(api, cart_line, data, field):
    response = api.post(CREATE, data, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["details"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("method", ["card", "test", "bitcoin", ""])
def test_a_payment_method_the_market_does_not_offer_is_refused(api, home, cart_line, method):
    response = api.post(CREATE, {"address_id": home.pk, "payment_method": method}, format="json")
    assert response.status_code == 400
    assert error_code(response) in ("payment_method", "invalid")
    assert not Order.objects.exists()


def test_an_empty_cart_is_refused(api, home):
    response = api.post(CREATE, {"address_id": home.pk, "payment_method": "cash"}, format="json")
    assert response.status_code == 400 and error_code(response) == "empty_cart"


def test_stock_bought_by_someone_else_first_is_a_409_and_nothing_changes(api, home, cart_line, sku):
    SKU.objects.filter(pk=sku.pk).update(stock=1)
    response = api.post(CREATE, {"address_id": home.pk, "payment_method": "cash"}, format="json")
    assert response.status_code == 409
    assert error_code(response) == "sold_out"
    assert "only 1 of Linen Shirt (M / Sand) is left" in response.json()["error"]["message"]
    assert not Order.objects.exists()
    assert CartItem.objects.get().quantity == 2
    sku.refresh_from_db()
    assert sku.stock == 1


def test_an_item_no_longer_sold_is_a_400(api, home, cart_line, sku):
    SKU.objects.filter(pk=sku.pk).update(is_active=False)
    response = api.post(CREATE, {"address_id": home.pk, "payment_method": "cash"}, format="json")
    assert response.status_code == 400 and error_code(response) == "unavailable"
    assert not Order.objects.exists()


def test_the_web_checkout_and_the_api_place_the_same_order(sku):
    web_user, api_user = KGUserFactory(), KGUserFactory()
    other = SKUFactory(product=ProductFactory(market="ALL", price=Decimal("12.00")), stock=5)
    orders = []
    for user in (web_user, api_user):
        address = AddressFactory(user=user, street="Chui Avenue", building="120", city="Bishkek", is_default=True)
        fill_cart(user, sku, 1)
        CartItemFactory(cart=user.cart, sku=other, quantity=2)
        if user == web_user:
            browser = Client()
            browser.force_login(user)
            response = browser.post(
                "/kg/checkout/", {"address": address.pk, "payment_method": "cash", "checkout_key": "web-key-000001"}
            )
            assert response.status_code == 302
        else:
            response = authed(user).post(CREATE, {"address_id": address.pk, "payment_method": "cash"}, format="json")
            assert response.status_code == 201
        orders.append(Order.objects.get(user=user))
    web, api_order = orders
    fields = ("subtotal", "shipping_cost", "tax", "tax_rate", "tax_included", "total_amount", "currency", "status")
    assert [getattr(web, f) for f in fields] == [getattr(api_order, f) for f in fields]
    snapshot = ("product_name", "size", "color", "quantity", "subtotal")
    assert list(web.items.values_list(*snapshot)) == list(api_order.items.values_list(*snapshot))


# --- listing and detail ---------------------------------------------------------------------------


def test_the_list_holds_only_the_callers_orders_newest_first(api, kg_shopper):
    older, newer = OrderFactory(user=kg_shopper), OrderFactory(user=kg_shopper)
    OrderFactory(user=KGUserFactory())
    OrderItemFactory(order=newer, quantity=3)
    response = api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["number"] for row in body["results"]] == [newer.order_number, older.order_number]
    row = body["results"][0]
    assert row["items_count"] == 3 and row["total"] == {"amount": "3240.00", "currency": "KGS", "display": "3 240 som"}
    assert row["status"] == "pending" and row["payment_method"] == "cash"


def test_the_list_is_paged(api, kg_shopper):
    OrderFactory.create_batch(3, user=kg_shopper)
    body = api.get(LIST, {"page_size": 2}).json()
    assert list(body) == ["count", "count_capped", "next", "previous", "results"]
    assert body["count"] == 3 and body["count_capped"] is False and len(body["results"]) == 2 and body["next"]
    assert body["previous"] is None
    last = api.get(LIST, {"page_size": 2, "page": 2}).json()
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]


@pytest.mark.parametrize("url", [LIST, "/api/v1/profile/orders"])
def test_past_its_bound_the_count_is_capped_and_the_pages_end_there(api, kg_shopper, monkeypatch, url):
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 3)
    orders = OrderFactory.create_batch(5, user=kg_shopper)
    newest = [order.order_number for order in reversed(orders)]

    first = api.get(url, {"page_size": 2}).json()
    assert (first["count"], first["count_capped"]) == (3, True)
    assert [row["number"] for row in first["results"]] == newest[:2]
    last = api.get(url, {"page_size": 2, "page": 2}).json()
    assert [row["number"] for row in last["results"]] == newest[2:3] and last["next"] is None
    response = api.get(url, {"page_size": 2, "page": 3})
    assert response.status_code == 400 and error_code(response) == "invalid_page"


def test_the_list_never_counts_all_of_the_callers_orders(kg_shopper):
    OrderFactory.create_batch(2, user=kg_shopper)
    with CaptureQueriesContext(connection) as captured:
        assert authed(kg_shopper).get(LIST).json()["count"] == 2
    [counting] = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"]]
    assert "LIMIT 5001" in counting


def test_the_list_is_read_through_the_callers_newest_first_index(kg_shopper, index_plan):
    OrderFactory.create_batch(3, user=kg_shopper)
    OrderFactory.create_batch(3)
    assert "using order_user_created_idx" in index_plan(kg_shopper.orders.order_by("-created_at", "-pk")[:20])


def test_the_list_needs_a_token(api_client):
    assert api_client.get(LIST).status_code == 401


def test_the_detail_is_found_by_order_number_with_its_timeline(api, home, cart_line, kg_shopper):
    order = place_order(user=kg_shopper, address=home, payment_method="cash").order
    change_status(order=order, to=Order.Status.CONFIRMED)
    response = api.get(f"{LIST}/{order.order_number}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.order_number and body["status"] == "confirmed"
    assert [(c["status"], c["status_display"]) for c in body["timeline"]] == [
        ("pending", "Pending"), ("confirmed", "Confirmed")
    ]  # fmt: skip
    assert body["items"][0]["image"] == ""


def test_a_snapshot_outlives_the_product(api, kg_shopper):
    item = OrderItemFactory(order=OrderFactory(user=kg_shopper), product_name="Old Name")
    item.sku.product.delete()
    [row] = api.get(f"{LIST}/{item.order.order_number}").json()["items"]
    assert row["name"] == "Old Name" and row["sku_id"] is None and row["product_slug"] is None


def test_another_users_order_is_a_404_and_so_is_an_unknown_number(api):
    strangers = OrderFactory(user=KGUserFactory())
    for number in (strangers.order_number, "MQ-NOSUCH00", "1", "%00", "MQ-%00", "x" * 300, "%D1%8F"):
        response = api.get(f"{LIST}/{number}")
        assert response.status_code == 404, number
        assert response.json()["error"]["code"] in ("order_not_found", "not_found")


def test_order_detail_is_read_only(api, kg_shopper):
    order = OrderFactory(user=kg_shopper)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api, method)(f"{LIST}/{order.order_number}").status_code == 405
    assert api.get(CREATE).status_code == 405


def queries_for(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_one_order_and_many(kg_shopper):
    client = authed(kg_shopper)
    OrderItemFactory(order=OrderFactory(user=kg_shopper))
    one = queries_for(client, LIST)
    for _ in range(6):
        OrderItemFactory.create_batch(2, order=OrderFactory(user=kg_shopper))
    assert queries_for(client, LIST) == one


def test_the_detail_costs_the_same_queries_for_one_item_and_many(kg_shopper):
    client = authed(kg_shopper)
    order = OrderFactory(user=kg_shopper)
    OrderItemFactory(order=order)
    one = queries_for(client, f"{LIST}/{order.order_number}")
    OrderItemFactory.create_batch(6, order=order)
    change_status(order=order, to=Order.Status.CONFIRMED)
    assert queries_for(client, f"{LIST}/{order.order_number}") == one


def test_the_us_caller_sees_dollars(us):
    user, address = us
    order = place_order(user=user, address=address, payment_method="test").order
    body = authed(user).get(f"{LIST}/{order.order_number}").json()
    assert body["total"]["display"] == "$72.19" and body["delivery"]["state"] == "CA"


# --- the same key at the same time ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_key_sent_twice_at_once_places_one_order():
    """Two requests with one key racing (a retry after a timeout): one 201, one 200, one order, stock taken once."""
    user = KGUserFactory()
    address = AddressFactory(user=user)
    sku = SKUFactory(product=ProductFactory(market="KG", price=Decimal("2990")), stock=5)
    fill_cart(user, sku)
    token = str(RefreshToken.for_user(user).access_token)
    barrier = threading.Barrier(2, timeout=20)

    def submit():
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            if connection.vendor == "postgresql":
                connection.ensure_connection()
                barrier.wait()
            response = client.post(CREATE, {"address_id": address.pk, "payment_method": "cash"}, format="json",
                                   headers={"Idempotency-Key": "same-key-at-once"})  # fmt: skip
            return response.status_code, response.json()["number"]
        finally:
            if connection.vendor == "postgresql":
                connection.close()

    if connection.vendor == "postgresql":
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = [future.result() for future in [pool.submit(submit) for _ in range(2)]]
    else:  # SQLite's writers take turns: the same requests, one after the other
        results = [submit(), submit()]
    assert sorted(code for code, _number in results) == [200, 201]
    assert len({number for _code, number in results}) == 1
    assert Order.objects.count() == 1
    sku.refresh_from_db()
    assert sku.stock == 3
