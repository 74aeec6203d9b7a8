"""The order confirmation (after placing an order, or paying for it), the step before cancelling,
the focused checkout page, and the helpful empty states."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from accounts.tests.factories import AddressFactory, KGUserFactory, USUserFactory
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Cart, Order, SalesTaxRate
from checkout.orders import place_order
from checkout.tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(settings, sms_outbox):
    settings.STRIPE_SECRET_KEY = ""


def _order(user, *, payment_method, city="Bishkek", image="products/shirt.jpg"):
    if user.market == "US":
        SalesTaxRate.objects.update_or_create(state="IL", defaults={"rate": Decimal("0.0625"), "taxes_shipping": False})
        address = AddressFactory(user=user, street="Wacker Drive", building="233", city="Chicago", state="IL",
                                 postal_code="60606", is_default=True)  # fmt: skip
        product = ProductFactory(name="Oxford Shirt", market="US", price=Decimal("40"), image=image)
    else:
        address = AddressFactory(user=user, street="Chui Avenue", building="120", city=city, is_default=True)
        product = ProductFactory(name="Linen Shirt", market="KG", price=Decimal("2990"), image=image)
    sku = SKUFactory(product=product, size="M", color="Sand", stock=5)
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": user.market})
    cart.items.create(sku=sku, quantity=1)
    return place_order(user=user, address=address, payment_method=payment_method).order


def _confirmation(client, order):
    return client.get(f"/{order.market.lower()}/orders/{order.order_number}/confirmation/")


# --- the confirmation ----------------------------------------------------------------------------


def test_cash_order_confirmation_shows_items_with_pictures_next_steps_and_delivery_window(client, kg_shopper):
    client.force_login(kg_shopper)
    order = _order(kg_shopper, payment_method="cash")
    response = _confirmation(client, order)
    html = response.text

    assert response.status_code == 200
    assert re.search(r"<h1[^>]*>\s*Thank you! Your order is placed\s*</h1>", html)
    item = re.search(r'<li[^>]*data-testid="order-item".*?</li>', html, re.S).group(0)
    assert '<img src="/media/products/shirt.jpg" alt="Linen Shirt"' in item
    steps = re.search(r'data-testid="next-steps".*?</section>', html, re.S).group(0)
    assert "Pay the courier 3 240 som in cash when it arrives." in steps
    # Bishkek: 1–2 days after the order.
    placed = timezone.localdate(order.order_date)
    first, last = placed + datetime.timedelta(days=1), placed + datetime.timedelta(days=2)
    estimate = re.search(r'data-testid="delivery-estimate".*?</section>', html, re.S).group(0)
    assert f"Expected between {first:%B} {first.day} and {last:%B} {last.day}" in estimate
    assert "1–2 days after the order is confirmed" in estimate
    assert 'data-testid="bank-details"' not in html and 'data-testid="payment-link"' not in html


def test_the_russian_delivery_window_puts_the_month_in_the_genitive(client, kg_shopper):
    client.force_login(kg_shopper)
    order = _order(kg_shopper, payment_method="cash")
    html = client.get(f"/kg/orders/{order.order_number}/confirmation/?lang=ru").text
    estimate = re.search(r'data-testid="delivery-estimate".*?</section>', html, re.S).group(0)
    placed = timezone.localdate(order.order_date)
    with translation.override("ru"):
        first, last = (date_format(placed + datetime.timedelta(days=n), "j E") for n in (1, 2))
    assert first in estimate and last in estimate  # "7 декабря", not "7 Декабрь"
    assert first.split()[1].islower()


def test_an_order_to_the_regions_takes_longer(client, kg_shopper):
    client.force_login(kg_shopper)
    order = _order(kg_shopper, payment_method="cash", city="Osh")
    assert "3–5 days after the order is confirmed" in _confirmation(client, order).text


def test_cancel_is_a_plain_link_to_the_confirm_step_not_the_main_action(client, kg_shopper):
    client.force_login(kg_shopper)
    order = _order(kg_shopper, payment_method="cash")
    html = _confirmation(client, order).text

    link = re.search(r'<a[^>]*data-testid="cancel-order-link"[^>]*>', html).group(0)
    assert f'href="/kg/orders/{order.order_number}/cancel/confirm/"' in link and "bg-" not in link
    assert f'action="/kg/orders/{order.order_number}/cancel/"' not in html
    # The main action is to go on shopping, before the cancel link.
    assert html.index('data-testid="continue-shopping"') < html.index('data-testid="cancel-order-link"')

    confirm = client.get(f"/kg/orders/{order.order_number}/cancel/confirm/")
    assert confirm.status_code == 200
    assert f'action="/kg/orders/{order.order_number}/cancel/"' in confirm.text and "Keep my order" in confirm.text
    order.refresh_from_db()
    assert order.status == "pending"

    client.post(f"/kg/orders/{order.order_number}/cancel/")
    html = _confirmation(client, order).text
    assert "This order is cancelled" in html and 'data-testid="cancel-order-link"' not in html
    response = client.get(f"/kg/orders/{order.order_number}/cancel/confirm/")
    assert response.status_code == 302 and response["Location"] == f"/kg/orders/{order.order_number}/"


def test_bank_transfer_confirmation_shows_the_bank_details(client, kg_shopper, settings):
    client.force_login(kg_shopper)
    order = _order(kg_shopper, payment_method="bank_transfer")
    html = _confirmation(client, order).text
    section = re.search(r'<section[^>]*data-testid="bank-details".*?</section>', html, re.S).group(0)
    assert settings.KG_BANK_DETAILS["account"] in section and order.order_number in section
    assert "Transfer the total with your order number as the reference." in html


def test_an_unpaid_card_order_offers_its_payment(client, us_shopper):
    client.force_login(us_shopper)
    order = _order(us_shopper, payment_method="test")
    html = _confirmation(client, order).text
    assert "Your order is waiting for its payment" in html
    form = re.search(r'<section[^>]*data-testid="payment-link".*?</section>', html, re.S).group(0)
    assert f'action="/us/orders/{order.order_number}/pay/"' in form and "Pay $" in form


def test_a_paid_card_order_is_thanked_and_the_paid_page_leads_to_its_confirmation(client, us_shopper):
    client.force_login(us_shopper)
    order = _order(us_shopper, payment_method="test")
    client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "pay"})
    paid = client.get(f"/us/orders/{order.order_number}/paid/").text
    assert f'href="/us/orders/{order.order_number}/confirmation/"' in paid
    html = _confirmation(client, order).text
    assert "Thank you, your payment went through" in html and 'data-testid="payment-link"' not in html
    assert "3–7 days after the order is confirmed" in html


@pytest.mark.parametrize("path", ["confirmation/", "cancel/confirm/"])
def test_another_users_confirmation_is_a_404(client, kg_shopper, path):
    order = _order(KGUserFactory(), payment_method="cash")
    client.force_login(kg_shopper)
    response = client.get(f"/kg/orders/{order.order_number}/{path}")
    assert response.status_code == 404 and order.order_number not in response.text


def test_confirmation_needs_sign_in(client):
    order = _order(KGUserFactory(), payment_method="cash")
    response = _confirmation(client, order)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_confirmation_queries_do_not_grow_with_items(client, kg_shopper, django_assert_max_num_queries):
    client.force_login(kg_shopper)
    order = _order(kg_shopper, payment_method="bank_transfer")
    counts = []
    for extra in (0, 15):
        for n in range(extra):
            order.items.create(product_name=f"Item {n}", price=Decimal("10"), quantity=1, subtotal=Decimal("10"))
        _confirmation(client, order)  # warm the menu cache
        with django_assert_max_num_queries(8) as captured:
            assert _confirmation(client, order).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- the focused checkout ------------------------------------------------------------------------


@pytest.fixture
def kg_checkout(client, kg_shopper):
    client.force_login(kg_shopper)
    CategoryFactory(name="Outerwear", market="ALL")
    AddressFactory(user=kg_shopper, street="Chui Avenue", building="120", city="Bishkek", is_default=True)
    product = ProductFactory(name="Linen Shirt", market="KG", price=Decimal("2990"), image="products/shirt.jpg")
    CartItemFactory(cart=CartFactory(user=kg_shopper), sku=SKUFactory(product=product, stock=5), quantity=1)
    return client


def test_checkout_has_no_site_menu_only_the_logo_and_back_to_cart(kg_checkout):
    html = kg_checkout.get("/kg/checkout/").text
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    assert 'data-testid="checkout-header"' in header
    assert 'href="/kg/"' in header and 'href="/kg/cart/"' in header and "Back to cart" in header
    assert 'aria-label="Categories"' not in html and 'id="site-search"' not in html and "Outerwear" not in html


def test_checkout_asks_for_a_new_address_inside_delivery_before_payment(kg_checkout):
    html = kg_checkout.get("/kg/checkout/").text
    form = re.search(r'<form[^>]*id="checkout-form".*?</form>', html, re.S).group(0)
    assert form.index('id="delivery-heading"') < form.index('data-testid="add-address"')
    assert form.index('data-testid="add-address"') < form.index('id="payment-heading"')
    # No form inside the checkout form (the discount code keeps its own, in the summary).
    assert form.count("<form") == 1
    assert re.search(r'<form[^>]*action="/kg/cart/code/"', html)


def test_checkout_summary_shows_pictures_and_place_order_sits_in_a_bar_for_phones(kg_checkout):
    html = kg_checkout.get("/kg/checkout/").text
    line = re.search(r'<li[^>]*data-testid="summary-line".*?</li>', html, re.S).group(0)
    assert '<img src="/media/products/shirt.jpg" alt="Linen Shirt"' in line
    bar = re.search(r'<div[^>]*data-testid="place-order-bar"[^>]*>', html).group(0)
    assert "fixed" in bar and "bottom-0" in bar and "md:static" in bar


def test_checkout_budget_with_the_new_layout(kg_checkout, django_assert_max_num_queries):
    kg_checkout.get("/kg/checkout/")
    with django_assert_max_num_queries(14):
        assert kg_checkout.get("/kg/checkout/").status_code == 200


# --- empty states ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/kg/cart/", "Your cart is empty."),
        ("/kg/wishlist/", "Your wishlist is empty."),
        ("/kg/orders/", "You have not ordered anything yet."),
    ],
)
def test_empty_pages_say_so_and_offer_ways_to_shop(client, kg_shopper, url, title, django_assert_max_num_queries):
    CategoryFactory(name="Outerwear", slug="outerwear", market="ALL")
    client.force_login(kg_shopper)
    client.get(url)
    with django_assert_max_num_queries(10):
        html = client.get(url).text
    state = re.search(r'<div[^>]*data-testid="empty-state".*?</nav>\s*</div>', html, re.S).group(0)
    assert title in state
    assert 'href="/kg/products/"' in state and 'href="/kg/best-sellers/"' in state
    assert 'href="/kg/c/outerwear/"' in state


def test_a_search_without_results_offers_categories(client):
    CategoryFactory(name="Outerwear", slug="outerwear", market="ALL")
    html = client.get("/kg/search/?q=zzzzqqq").text
    assert "Nothing matches" in html
    assert 'href="/kg/products/"' in html and 'href="/kg/c/outerwear/"' in html


def test_another_markets_shopper_never_sees_a_kg_order_confirmation(client):
    order = _order(KGUserFactory(), payment_method="cash")
    client.force_login(USUserFactory())
    assert client.get(f"/us/orders/{order.order_number}/confirmation/").status_code == 404
    assert Order.objects.filter(pk=order.pk, status="pending").exists()
