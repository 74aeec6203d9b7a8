"""Cart pages and actions: full-page POST/redirect/GET and HTMX partials, ownership, bad input, budgets."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Cart, CartItem
from checkout.tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
CART = "/kg/cart/"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def sku():
    return SKUFactory(product=ProductFactory(name="Linen Shirt", brand="Atelier Nord"), size="M", color="Sand", stock=5)


@pytest.fixture
def line(signed_in, sku):
    return CartItemFactory(cart=CartFactory(user=signed_in), sku=sku, quantity=2)


# --- add ----------------------------------------------------------------------------------------


def test_visitor_adds_to_a_session_cart_and_is_redirected_back(client, sku):
    response = client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": "2", "next": "/kg/p/x/"})
    assert response.status_code == 302 and response["Location"] == "/kg/p/x/"
    cart = Cart.objects.get()
    assert cart.user is None and cart.session_key == client.session.session_key and cart.market == "KG"
    assert cart.items.get().quantity == 2
    assert "Added" in messages_of(response)[0]


def test_add_without_next_or_with_external_next_goes_to_the_cart(client, sku):
    response = client.post("/kg/cart/add/", {"sku": sku.pk, "next": "https://evil.example/"})
    assert response["Location"] == CART


def test_htmx_add_answers_once_with_toast_badge_and_mini_cart(client, sku):
    response = client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": "1"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    # Whatever form posted, the answer fills the toast region's content; the region itself stays.
    assert response["HX-Retarget"] == "#cart-notice" and response["HX-Reswap"] == "innerHTML"
    assert body.strip().startswith("<p ") and "Added Linen Shirt" in body and "<html" not in body
    assert 'id="cart-notice"' not in body
    assert re.search(r'<span id="cart-badge" hx-swap-oob="true"[^>]*data-count="1"', body)
    assert re.search(r'<div id="mini-cart" hx-swap-oob="true"', body) and "1 × Linen Shirt" in body
    # No follow-up requests: nothing asks the badge or the mini-cart to fetch themselves.
    assert "HX-Trigger" not in response


def test_double_clicked_add_gives_one_line_capped_at_stock(client, sku):
    for _ in range(4):
        client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": "2"}, headers=HTMX)
    assert list(CartItem.objects.values_list("quantity", flat=True)) == [5]


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", "1.5", ""])
def test_bad_quantities_never_500(client, sku, quantity):
    response = client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": quantity})
    assert response.status_code == 302
    if quantity == "":
        assert CartItem.objects.get().quantity == 1
    else:
        assert not CartItem.objects.exists()
        assert messages_of(response)


def test_huge_quantity_is_capped_at_stock_with_a_message(client, sku):
    response = client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": "9" * 40}, headers=HTMX)
    assert CartItem.objects.get().quantity == 5
    assert "Only 5" in response.content.decode()


@pytest.mark.parametrize("sku_id", ["0", "999999", "abc", "' OR 1=1"])
def test_unknown_sku_gets_a_clear_message(client, sku_id):
    response = client.post("/kg/cart/add/", {"sku": sku_id}, headers=HTMX)
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()
    assert "HX-Trigger" not in response


def test_sku_of_another_market_gets_a_clear_message(client):
    us_sku = SKUFactory(product=ProductFactory(market="US"))
    response = client.post("/kg/cart/add/", {"sku": us_sku.pk})
    assert response.status_code == 302
    assert "not sold in your market" in messages_of(response)[0]
    assert not CartItem.objects.exists()


def test_quick_add_of_a_single_sku_product_adds_it(client, sku):
    client.post("/kg/cart/add/", {"product": sku.product.pk}, headers=HTMX)
    assert CartItem.objects.get().sku == sku


def test_quick_add_of_a_product_with_several_skus_offers_its_sizes_in_the_card(client, sku):
    SKUFactory(product=sku.product, size="L", color="Sand")
    SKUFactory(product=sku.product, size="S", color="Sand")
    SKUFactory(product=sku.product, size="XL", color="Sand", stock=0)
    response = client.post("/kg/cart/add/", {"product": sku.product.pk, "next": "/kg/c/shirts/"}, headers=HTMX)
    assert response.status_code == 200
    # Into the slot after the card's own form (a product may have two cards on a page).
    assert response["HX-Retarget"] == "next [data-quick-add]" and response["HX-Reswap"] == "innerHTML"
    body = response.content.decode()
    assert re.findall(r'name="sku" value="\d+"[^>]*>(\w+)', body) == ["S", "M", "L"]  # in stock, in size order
    assert 'name="next" value="/kg/c/shirts/"' in body
    assert not CartItem.objects.exists()


def test_quick_add_without_javascript_opens_the_product_page_without_an_error(client, sku):
    SKUFactory(product=sku.product, size="L", color="Sand")
    response = client.post("/kg/cart/add/", {"product": sku.product.pk})
    assert response["Location"] == f"/kg/p/{sku.product.slug}/"
    assert messages_of(response) == []
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("product", ["abc", "999999"])
def test_quick_add_of_an_unknown_product_gets_a_clear_message(client, product):
    response = client.post("/kg/cart/add/", {"product": product}, headers=HTMX)
    assert response.status_code == 200 and "no longer available" in response.content.decode()
    response = client.post("/kg/cart/add/", {"product": product})
    assert response["Location"] == CART and "no longer available" in messages_of(response)[0]


def test_quick_add_of_another_markets_product_is_not_offered(client):
    us_product = ProductFactory(market="US")
    SKUFactory(product=us_product, size="S")
    SKUFactory(product=us_product, size="M")
    response = client.post("/kg/cart/add/", {"product": us_product.pk}, headers=HTMX)
    assert "no longer available" in response.content.decode() and "quick-add" not in response["HX-Retarget"]


# --- cart page ----------------------------------------------------------------------------------


def test_cart_page_shows_lines_and_totals_in_the_market(client, line):
    response = client.get(CART)
    text = response.content.decode()
    for expected in ("Linen Shirt", "Atelier Nord", "Size: M", "Color: Sand", "2 990 som", "5 980 som"):
        assert expected in text
    assert "VAT included" in text and "Go to checkout" in text
    assert 'id="cart-badge"' in text and re.search(r'data-count="2"', text)


def test_us_cart_page_says_sales_tax_at_checkout(client, us_shopper):
    client.force_login(us_shopper)
    sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("40")), price=Decimal("40"))
    CartItemFactory(cart=CartFactory(user=us_shopper), sku=sku, quantity=1)
    text = client.get("/us/cart/").content.decode()
    assert "Sales tax calculated at checkout" in text and "$40.00" in text and "$7.95" in text


def test_empty_cart_page(client):
    assert "Your cart is empty." in client.get(CART).content.decode()


def test_cart_page_htmx_gets_only_the_fragment(client, line):
    response = client.get(CART, headers=HTMX)
    body = response.content.decode()
    assert body.strip().startswith('<div id="cart-contents"') and "<html" not in body


def test_visitor_switching_market_sees_lines_not_sold_there_flagged_not_dropped(client):
    kg_only = SKUFactory(product=ProductFactory(market="KG", name="Felt Slippers"))
    everywhere = SKUFactory(product=ProductFactory(market="ALL", name="Wool Scarf", price=Decimal("30")))
    client.post("/kg/cart/add/", {"sku": kg_only.pk})
    client.post("/kg/cart/add/", {"sku": everywhere.pk})
    text = client.get("/us/cart/").content.decode()
    assert "Felt Slippers" in text and "Not sold in United States" in text
    assert "Wool Scarf" in text and "$" in text
    assert CartItem.objects.count() == 2


# --- update, remove, clear ----------------------------------------------------------------------


def test_update_full_page_redirects_to_the_cart(client, line):
    response = client.post(f"/kg/cart/lines/{line.pk}/update/", {"quantity": "3"})
    assert response.status_code == 302 and response["Location"] == CART
    assert CartItem.objects.get(pk=line.pk).quantity == 3


def test_update_htmx_swaps_the_cart_and_triggers_cart_updated(client, line):
    response = client.post(f"/kg/cart/lines/{line.pk}/update/", {"quantity": "1", "set": "3"}, headers=HTMX)
    body = response.content.decode()
    assert body.strip().startswith('<div id="cart-contents"') and "cart-updated" in response["HX-Trigger"]
    assert CartItem.objects.get(pk=line.pk).quantity == 3


def test_update_above_stock_caps_with_a_message(client, line):
    response = client.post(f"/kg/cart/lines/{line.pk}/update/", {"quantity": "80"}, headers=HTMX)
    assert CartItem.objects.get(pk=line.pk).quantity == 5
    assert "Only 5" in response.content.decode()


@pytest.mark.parametrize("quantity", ["-1", "x", "2.5"])
def test_update_with_bad_quantity_keeps_the_line(client, line, quantity):
    response = client.post(f"/kg/cart/lines/{line.pk}/update/", {"quantity": quantity}, headers=HTMX)
    assert response.status_code == 200
    assert CartItem.objects.get(pk=line.pk).quantity == 2


def test_update_to_zero_removes_the_line(client, line):
    client.post(f"/kg/cart/lines/{line.pk}/update/", {"quantity": "0"})
    assert not CartItem.objects.filter(pk=line.pk).exists()


def test_remove_full_page_and_htmx(client, line, sku):
    response = client.post(f"/kg/cart/lines/{line.pk}/remove/")
    assert response.status_code == 302 and not CartItem.objects.exists()
    other = CartItemFactory(cart=line.cart, sku=SKUFactory())
    response = client.post(f"/kg/cart/lines/{other.pk}/remove/", headers=HTMX)
    assert response.content.decode().strip().startswith('<div id="cart-contents"')
    assert "cart-updated" in response["HX-Trigger"] and not CartItem.objects.exists()


def test_clear_full_page_and_htmx(client, line):
    response = client.post("/kg/cart/clear/")
    assert response.status_code == 302 and not CartItem.objects.exists()
    CartItemFactory(cart=line.cart)
    response = client.post("/kg/cart/clear/", headers=HTMX)
    assert "Your cart is empty." in response.content.decode() and "cart-updated" in response["HX-Trigger"]
    assert not CartItem.objects.exists()


def test_get_is_not_allowed_on_actions(client, line):
    assert client.get(f"/kg/cart/lines/{line.pk}/remove/").status_code == 405
    assert client.get("/kg/cart/add/").status_code == 405


# --- ownership ----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["update", "remove"])
def test_another_users_line_is_a_404(client, signed_in, action):
    someone_else = CartItemFactory()
    response = client.post(f"/kg/cart/lines/{someone_else.pk}/{action}/", {"quantity": "1"})
    assert response.status_code == 404
    assert CartItem.objects.get(pk=someone_else.pk).quantity == 1


@pytest.mark.parametrize("action", ["update", "remove"])
def test_another_sessions_line_is_a_404_for_a_visitor(client, action):
    guest = Cart.objects.create(session_key="someone-elses-session")
    line = CartItemFactory(cart=guest)
    assert client.post(f"/kg/cart/lines/{line.pk}/{action}/", {"quantity": "1"}).status_code == 404
    client.post("/kg/cart/add/", {"sku": SKUFactory().pk})  # now with a cart of its own
    assert client.post(f"/kg/cart/lines/{line.pk}/{action}/", {"quantity": "1"}).status_code == 404
    client.post("/kg/cart/clear/")
    assert CartItem.objects.filter(pk=line.pk).exists()


def test_a_visitor_never_sees_a_users_cart(client, line):
    client.logout()
    assert "Linen Shirt" not in client.get(CART).content.decode()


# --- badges and mini-cart -----------------------------------------------------------------------


def test_cart_badge_and_mini_cart_fragments(client, line):
    badge = client.get("/kg/cart/badge/").content.decode()
    assert badge.startswith('<span id="cart-badge"') and 'data-count="2"' in badge
    mini = client.get("/kg/cart/mini/").content.decode()
    assert mini.startswith('<div id="mini-cart"') and "Linen Shirt" in mini


# --- query budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", [1, 30])
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", CART, None),
        ("get", "/kg/cart/mini/", None),
        ("get", "/kg/cart/badge/", None),
        ("post", "/kg/cart/add/", "sku"),
        ("post", "/kg/cart/add/", "picker"),
        ("post", "/kg/cart/lines/{line}/update/", {"quantity": "2"}),
        ("post", "/kg/cart/lines/{line}/remove/", {}),
        ("post", "/kg/cart/clear/", {}),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_query_budget_is_the_same_for_1_or_30_lines(
    client, signed_in, django_assert_max_num_queries, lines, method, url, data, htmx
):
    cart = CartFactory(user=signed_in)
    items = [CartItemFactory(cart=cart, sku=SKUFactory(stock=50), quantity=1) for _ in range(lines)]
    client.get(CART)  # warm the exchange-rate and menu caches, as a running shop has them
    url = url.format(line=items[-1].pk)
    if data == "sku":
        data = {"sku": items[0].sku_id}
    if data == "picker":  # a quick add of a product of several sizes: its sizes to pick from
        product = items[0].sku.product
        SKUFactory.create_batch(lines, product=product, stock=3)
        data = {"product": product.pk}
    with django_assert_max_num_queries(10):
        response = getattr(client, method)(url, data, headers=HTMX if htmx else {})
    assert response.status_code in (200, 302)


# --- merge on sign-in ---------------------------------------------------------------------------


@pytest.fixture
def console_sms(sms_outbox):
    return sms_outbox


def sign_in(client, phone, outbox, capture, next_url="/kg/cart/"):
    with capture(execute=True):
        client.post("/accounts/login/", {"phone": phone, "next": next_url})
    code = re.search(r"\b(\d{6})\b", outbox[-1].text).group(1)
    return client.post("/accounts/login/code/", {"code": code})


def test_sign_in_merges_the_visitor_cart_capped_at_stock_with_a_notice(
    client, kg_shopper, console_sms, django_capture_on_commit_callbacks
):
    shared = SKUFactory(stock=3, product=ProductFactory(name="Denim Jacket"))
    guest_only = SKUFactory(stock=9)
    CartItemFactory(cart=CartFactory(user=kg_shopper), sku=shared, quantity=2)
    client.post("/kg/cart/add/", {"sku": shared.pk, "quantity": "2"})
    client.post("/kg/cart/add/", {"sku": guest_only.pk, "quantity": "4"})

    response = sign_in(client, kg_shopper.phone, console_sms, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == "/kg/cart/"
    cart = Cart.objects.get()
    assert cart.user == kg_shopper
    assert dict(cart.items.values_list("sku_id", "quantity")) == {shared.pk: 3, guest_only.pk: 4}
    assert any("Only 3 of Denim Jacket" in m for m in messages_of(response))


def test_sign_in_without_a_user_cart_adopts_the_visitor_cart(
    client, kg_shopper, console_sms, django_capture_on_commit_callbacks
):
    sku = SKUFactory(stock=9)
    client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": "2"})
    guest = Cart.objects.get()
    sign_in(client, kg_shopper.phone, console_sms, django_capture_on_commit_callbacks)
    guest.refresh_from_db()
    assert guest.user == kg_shopper and guest.session_key is None
    assert 'data-count="2"' in client.get(CART).content.decode()
