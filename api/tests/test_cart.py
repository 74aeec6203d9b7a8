"""The cart endpoints: the summary, adding, changing, removing, bad input, ownership, parity with the web, budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import KGUserFactory
from api.tests.conftest import authed, error_code
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.cart import summarize_cart
from checkout.models import Cart, CartItem
from checkout.tests.factories import CartFactory, CartItemFactory
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

GET, ADD, UPDATE, REMOVE, CLEAR = (f"/api/v1/cart/{name}" for name in ("get", "add", "update", "remove", "clear"))


@pytest.fixture
def line(kg_shopper, sku):
    return CartItemFactory(cart=CartFactory(user=kg_shopper), sku=sku, quantity=2)


@pytest.fixture
def other_line():
    """A line in somebody else's cart."""
    return CartItemFactory(cart=CartFactory(user=KGUserFactory()), quantity=2)


# --- reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [GET, ADD, UPDATE, REMOVE, CLEAR])
def test_every_cart_endpoint_needs_a_token(api_client, url):
    response = api_client.post(url, {}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


@pytest.mark.parametrize("url", [GET, ADD, CLEAR])
def test_cart_endpoints_are_post_only(api, url):
    response = api.get(url)
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"


def test_an_empty_cart_reads_as_zero_and_creates_nothing(api):
    response = api.post(GET)
    assert response.status_code == 200
    body = response.json()
    assert body["lines"] == [] and body["count"] == 0 and body["can_checkout"] is False
    assert body["total"] == {"amount": "0.00", "currency": "KGS", "display": "0 som"}
    assert body["market"] == "KG" and body["notice"] == "" and body["capped"] is False
    assert not Cart.objects.exists()


def test_the_summary_has_lines_prices_and_totals_as_strings_with_currency(api, line, sku):
    body = api.post(GET).json()
    [row] = body["lines"]
    assert row["id"] == line.pk and row["quantity"] == 2 and row["problem"] == ""
    assert row["sku"] == {
        "id": sku.pk,
        "code": sku.sku_code,
        "size": "M",
        "size_label": "M",
        "color": "Sand",
        "color_label": "Sand",
    }
    assert row["product"] == {"id": sku.product.pk, "slug": sku.product.slug, "name": "Linen Shirt",
                              "brand": "Atelier Nord"}  # fmt: skip
    assert row["unit_price"] == {"amount": "2990.00", "currency": "KGS", "display": "2 990 som"}
    assert row["line_total"] == {"amount": "5980.00", "currency": "KGS", "display": "5 980 som"}
    assert body["subtotal"]["amount"] == "5980.00"
    assert body["shipping"]["amount"] == "0.00"  # free from 5 000 som
    assert body["total"]["amount"] == "5980.00"
    assert body["tax_included"] is True and body["tax_pending"] is False
    assert body["tax"]["amount"] == "641.00"  # the VAT inside the total, in whole som
    assert body["count"] == 2 and body["can_checkout"] is True


def test_a_us_cart_is_in_dollars_and_its_sales_tax_waits_for_a_state(us_shopper):
    product = ProductFactory(market="US", price=Decimal("29.95"))
    CartItemFactory(cart=CartFactory(user=us_shopper), sku=SKUFactory(product=product, stock=3), quantity=1)
    body = authed(us_shopper).post(GET).json()
    assert body["currency"] == "USD" and body["market"] == "US"
    assert body["lines"][0]["unit_price"] == {"amount": "29.95", "currency": "USD", "display": "$29.95"}
    assert body["shipping"]["display"] == "$7.95"
    assert body["tax_included"] is False and body["tax_pending"] is True
    assert body["total"]["amount"] == "37.90"


def test_a_line_over_stock_is_flagged_and_blocks_checkout(api, line, sku):
    sku.stock = 1
    sku.save()
    body = api.post(GET).json()
    assert body["lines"][0]["problem"] == "Only 1 left: lower the quantity"
    assert body["can_checkout"] is False


def test_a_line_not_sold_in_the_market_is_flagged_not_dropped(api, kg_shopper):
    us_sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("20")))
    CartItemFactory(cart=CartFactory(user=kg_shopper, market="US"), sku=us_sku)
    body = api.post(GET).json()
    [row] = body["lines"]
    assert row["problem"] == "Not sold in Kyrgyzstan" and row["unit_price"] is None and row["line_total"] is None
    assert body["can_checkout"] is False


# --- adding ---------------------------------------------------------------------------------------


def test_add_puts_the_sku_in_the_callers_own_cart(api, kg_shopper, sku):
    response = api.post(ADD, {"sku_id": sku.pk, "quantity": 2}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["notice"] == "Added Linen Shirt (M / Sand) to your cart." and body["capped"] is False
    assert body["lines"][0]["quantity"] == 2 and body["lines"][0]["sku"]["id"] == sku.pk
    cart = Cart.objects.get()
    assert cart.user == kg_shopper and cart.market == "KG" and cart.items.get().quantity == 2


def test_add_without_a_quantity_adds_one_and_a_string_quantity_is_accepted(api, sku):
    assert api.post(ADD, {"sku_id": sku.pk}, format="json").json()["count"] == 1
    assert api.post(ADD, {"sku_id": str(sku.pk), "quantity": "2"}, format="json").json()["count"] == 3


def test_adding_again_grows_the_line_and_caps_it_at_stock_with_a_notice(api, sku):
    api.post(ADD, {"sku_id": sku.pk, "quantity": 3}, format="json")
    response = api.post(ADD, {"sku_id": sku.pk, "quantity": 4}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["capped"] is True
    assert body["notice"] == "Only 5 of Linen Shirt (M / Sand) are in stock, so your cart holds 5."
    assert [row["quantity"] for row in body["lines"]] == [5]
    assert CartItem.objects.count() == 1


def test_a_huge_quantity_is_capped_at_stock(api, sku):
    body = api.post(ADD, {"sku_id": sku.pk, "quantity": "9" * 40}, format="json").json()
    assert body["capped"] is True and body["lines"][0]["quantity"] == 5


@pytest.mark.parametrize("quantity", [0, -1, "abc", "1.5", 1.5, True, [], {"n": 1}, "-0"])
def test_a_bad_quantity_is_a_400_and_changes_nothing(api, sku, quantity):
    response = api.post(ADD, {"sku_id": sku.pk, "quantity": quantity}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "invalid_quantity"
    assert response.json()["error"]["message"]
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("sku_id", ["abc", -1, 0, 2**70, None, ""])
def test_a_malformed_sku_id_is_a_400_with_field_details(api, sku_id):
    response = api.post(ADD, {"sku_id": sku_id}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "invalid" and "sku_id" in response.json()["error"]["details"]


def test_a_missing_sku_id_is_a_400(api):
    response = api.post(ADD, {"quantity": 1}, format="json")
    assert response.status_code == 400 and "sku_id" in response.json()["error"]["details"]


def test_an_unknown_sku_is_a_404(api):
    response = api.post(ADD, {"sku_id": 987654321}, format="json")
    assert response.status_code == 404 and error_code(response) == "unavailable"


@pytest.mark.parametrize("what", ["sku", "product"])
def test_an_inactive_sku_or_product_is_a_404(api, sku, what):
    target = sku if what == "sku" else sku.product
    target.is_active = False
    target.save()
    response = api.post(ADD, {"sku_id": sku.pk}, format="json")
    assert response.status_code == 404 and error_code(response) == "unavailable"
    assert not CartItem.objects.exists()


def test_a_sku_of_the_other_market_is_refused(api):
    us_sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("20")))
    response = api.post(ADD, {"sku_id": us_sku.pk}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "not_sold_in_market"
    assert response.json()["error"]["message"] == "This item is not sold in your market."
    assert not CartItem.objects.exists()


def test_a_product_sold_in_all_markets_is_priced_in_the_callers_market(us_shopper):
    sku = SKUFactory(product=ProductFactory(market="ALL", price=Decimal("25.00")))
    body = authed(us_shopper).post(ADD, {"sku_id": sku.pk}, format="json").json()
    assert body["lines"][0]["unit_price"]["currency"] == "USD"


def test_an_out_of_stock_sku_is_a_409(api, sku):
    sku.stock = 0
    sku.save()
    response = api.post(ADD, {"sku_id": sku.pk}, format="json")
    assert response.status_code == 409
    assert error_code(response) == "out_of_stock"
    assert not CartItem.objects.exists()


def test_a_cart_left_in_the_other_market_follows_the_caller(api, kg_shopper, sku):
    CartFactory(user=kg_shopper, market="US")
    api.post(ADD, {"sku_id": sku.pk}, format="json")
    assert Cart.objects.get().market == "KG"


# --- changing and removing ------------------------------------------------------------------------


def test_update_sets_the_quantity(api, line):
    response = api.post(UPDATE, {"line_id": line.pk, "quantity": 3}, format="json")
    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 3 and response.json()["notice"].startswith("Updated")
    line.refresh_from_db()
    assert line.quantity == 3


def test_update_to_zero_removes_the_line(api, line):
    body = api.post(UPDATE, {"line_id": line.pk, "quantity": 0}, format="json").json()
    assert body["lines"] == [] and body["notice"] == "Removed Linen Shirt (M / Sand) from your cart."
    assert not CartItem.objects.exists()


def test_update_past_stock_is_capped(api, line):
    body = api.post(UPDATE, {"line_id": line.pk, "quantity": 50}, format="json").json()
    assert body["capped"] is True and body["lines"][0]["quantity"] == 5


@pytest.mark.parametrize("quantity", [-1, "abc", "2.5", None])
def test_update_with_a_bad_quantity_is_a_400_and_keeps_the_line(api, line, quantity):
    response = api.post(UPDATE, {"line_id": line.pk, "quantity": quantity}, format="json")
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.quantity == 2


def test_update_without_a_quantity_is_a_400(api, line):
    response = api.post(UPDATE, {"line_id": line.pk}, format="json")
    assert response.status_code == 400 and "quantity" in response.json()["error"]["details"]


def test_update_of_a_sold_out_line_is_a_409(api, line, sku):
    sku.stock = 0
    sku.save()
    response = api.post(UPDATE, {"line_id": line.pk, "quantity": 1}, format="json")
    assert response.status_code == 409 and error_code(response) == "out_of_stock"


def test_remove_takes_the_line_out(api, line):
    response = api.post(REMOVE, {"line_id": line.pk}, format="json")
    assert response.status_code == 200 and response.json()["lines"] == []
    assert not CartItem.objects.exists()


def test_clear_empties_only_the_callers_cart(api, line, other_line):
    response = api.post(CLEAR)
    assert response.status_code == 200
    assert response.json()["lines"] == [] and response.json()["notice"] == "Your cart is empty now."
    assert list(CartItem.objects.all()) == [other_line]


def test_clear_without_a_cart_is_fine(api):
    assert api.post(CLEAR).status_code == 200
    assert not Cart.objects.exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [(UPDATE, {"quantity": 5}), (UPDATE, {"quantity": 0}), (REMOVE, {})],
)
def test_another_users_line_is_a_404_and_stays_as_it_was(api, line, other_line, url, data):
    response = api.post(url, {"line_id": other_line.pk, **data}, format="json")
    assert response.status_code == 404 and error_code(response) == "line_not_found"
    other_line.refresh_from_db()
    assert other_line.quantity == 2
    line.refresh_from_db()
    assert line.quantity == 2


def test_a_line_id_without_a_cart_of_ones_own_is_a_404(api, other_line):
    response = api.post(REMOVE, {"line_id": other_line.pk}, format="json")
    assert response.status_code == 404
    assert CartItem.objects.filter(pk=other_line.pk).exists()


@pytest.mark.parametrize("line_id", ["abc", -5, 0, 2**70, None])
def test_a_tampered_line_id_is_a_400(api, line, line_id):
    response = api.post(REMOVE, {"line_id": line_id}, format="json")
    assert response.status_code == 400 and "line_id" in response.json()["error"]["details"]
    assert CartItem.objects.filter(pk=line.pk).exists()


def test_an_unknown_line_id_is_a_404(api, line):
    response = api.post(UPDATE, {"line_id": line.pk + 1000, "quantity": 1}, format="json")
    assert response.status_code == 404


def test_a_form_encoded_body_is_refused(api, sku):
    response = api.post(ADD, {"sku_id": sku.pk}, format="multipart")
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


# --- the same as the web --------------------------------------------------------------------------


def comparable(body):
    """A cart body without what differs between two shoppers' carts (ids)."""
    return {
        **{key: value for key, value in body.items() if key not in ("lines", "notice", "capped")},
        "lines": [{k: v for k, v in row.items() if k != "id"} for row in body["lines"]],
    }


def test_adding_through_the_web_and_the_api_gives_the_same_cart(sku):
    other = SKUFactory(product=ProductFactory(market="ALL", price=Decimal("12.00")), stock=2)
    web_user, api_user = KGUserFactory(), KGUserFactory()
    browser = Client()
    browser.force_login(web_user)
    for sku_id, quantity in [(sku.pk, "2"), (other.pk, "5"), (sku.pk, "9")]:
        browser.post("/kg/cart/add/", {"sku": sku_id, "quantity": quantity})
        authed(api_user).post(ADD, {"sku_id": sku_id, "quantity": quantity}, format="json")

    web_body = authed(web_user).post(GET).json()
    api_body = authed(api_user).post(GET).json()
    assert comparable(web_body) == comparable(api_body)
    assert [row["quantity"] for row in api_body["lines"]] == [5, 2]
    summary = summarize_cart(cart=Cart.objects.get(user=api_user), market=MARKETS["KG"])
    assert Decimal(api_body["total"]["amount"]) == summary.total


def test_the_web_and_the_api_refuse_the_same_bad_input_with_the_same_message(sku, kg_shopper):
    browser = Client()
    browser.force_login(kg_shopper)
    response = browser.post("/kg/cart/add/", {"sku": sku.pk, "quantity": "-1"}, follow=True)
    web_messages = [str(m) for m in response.context["messages"]]
    api_message = authed(kg_shopper).post(ADD, {"sku_id": sku.pk, "quantity": -1}, format="json").json()["error"]
    assert web_messages == [api_message["message"]]


# --- query budgets --------------------------------------------------------------------------------


def queries_for(client, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data or {}, format="json")
    assert response.status_code == 200
    return len(captured)


def test_reading_the_cart_costs_the_same_queries_for_one_line_and_many(kg_shopper):
    cart = CartFactory(user=kg_shopper)
    CartItemFactory(cart=cart)
    client = authed(kg_shopper)
    queries_for(client, GET)  # the market's exchange rate is cached from now on
    one = queries_for(client, GET)
    for _ in range(9):
        CartItemFactory(cart=cart)
    assert queries_for(client, GET) == one
    assert one <= 5


def test_adding_costs_the_same_queries_for_a_small_cart_and_a_big_one(kg_shopper, sku):
    cart = CartFactory(user=kg_shopper)
    CartItemFactory(cart=cart)
    client = authed(kg_shopper)
    queries_for(client, GET)  # the market's exchange rate is cached from now on
    first = SKUFactory(product=sku.product)
    small = queries_for(client, ADD, {"sku_id": first.pk})
    for _ in range(9):
        CartItemFactory(cart=cart)
    second = SKUFactory(product=sku.product)
    assert queries_for(client, ADD, {"sku_id": second.pk}) == small


@pytest.mark.parametrize("url", [ADD, UPDATE, REMOVE, "/api/v1/wishlist/add", "/api/v1/wishlist/remove",
                                 "/api/v1/orders/create"])  # fmt: skip
@pytest.mark.parametrize("raw", ["null", "[]", '"text"', "42", "{bad json", "[{}]"])
def test_a_body_that_is_not_an_object_is_a_400_never_a_500(api, url, raw):
    response = api.generic("POST", url, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "parse_error")
