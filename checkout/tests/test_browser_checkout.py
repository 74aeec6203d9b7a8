"""Checking out in Chromium: KG cash on delivery, US test card payment, a customer cancelling an order."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AddressFactory, KGUserFactory, USUserFactory
from catalog.models import SKU, ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Cart, Order, SalesTaxRate
from checkout.orders import place_order

# serialized_rollback: the live server needs committed rows, and the rows migrations create (roles,
# exchange rates, tax rates) must be back for the next test on this worker.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


def shirt(market, price, stock=4):
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    category = CategoryFactory(market="ALL")
    product = ProductFactory(name="Linen Shirt", brand="Atelier Nord", market=market, price=price, category=category)
    return SKUFactory(product=product, size="M", color="Sand", price=price, stock=stock)


def in_cart(user, sku, quantity=1):
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": user.market})
    cart.items.create(sku=sku, quantity=quantity)


def test_kg_shopper_checks_out_with_cash_on_delivery(page, live_server, browser_sign_in):
    sku = shirt("KG", Decimal("2990"))
    user = KGUserFactory()
    AddressFactory(user=user, street="Chui Avenue", building="120", city="Bishkek", is_default=True)
    in_cart(user, sku, quantity=2)
    browser_sign_in(user)

    page.goto(live_server.url + "/kg/cart/")
    page.get_by_role("link", name="Go to checkout").click()
    expect(page).to_have_url(re.compile(r"/kg/checkout/$"))
    expect(page.get_by_label("Chui Avenue, 120, Bishkek")).to_be_checked()
    expect(page.get_by_label("Cash on delivery")).to_be_checked()
    expect(page.get_by_test_id("total")).to_have_text("5 980 som")
    page.get_by_label("Notes for the courier").fill("Call at the gate")
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/kg/orders/MQ-[A-Z0-9]+/confirmation/$"))
    order = Order.objects.get(user=user)
    expect(page.get_by_text(f"Thank you! Your order {order.order_number} is placed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Thank you! Your order is placed")).to_be_visible()
    expect(page.get_by_test_id("order-item")).to_have_count(1)
    page.get_by_role("link", name="Track this order").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Pending")
    assert (order.payment_method, order.delivery_notes, order.total_amount) == ("cash", "Call at the gate", 5980)
    assert SKU.objects.get(pk=sku.pk).stock == 2


def test_us_shopper_pays_with_the_test_method_and_sees_the_confirmation(page, live_server, browser_sign_in):
    SalesTaxRate.objects.update_or_create(state="IL", defaults={"rate": Decimal("0.0625"), "taxes_shipping": False})
    SalesTaxRate.objects.update_or_create(state="CA", defaults={"rate": Decimal("0.0725"), "taxes_shipping": False})
    sku = shirt("US", Decimal("40"))
    user = USUserFactory()
    AddressFactory(user=user, street="Wacker Drive", building="233", city="Chicago", state="IL", postal_code="60606",
                   is_default=True)  # fmt: skip
    AddressFactory(user=user, street="Market Street", building="1", city="San Francisco", state="CA",
                   postal_code="94105")  # fmt: skip
    in_cart(user, sku)
    browser_sign_in(user)

    page.goto(live_server.url + "/us/checkout/")
    expect(page.get_by_test_id("tax")).to_have_text("$2.50")
    expect(page.get_by_label("Test card payment")).to_be_checked()
    # Another address: the summary follows its state's sales tax without a reload.
    page.get_by_label("Market Street, 1, San Francisco, CA 94105").check()
    expect(page.get_by_test_id("tax")).to_have_text("$2.90")
    expect(page.get_by_test_id("total")).to_have_text("$50.85")
    page.get_by_role("button", name="Place order and pay").click()

    expect(page).to_have_url(re.compile(r"/us/orders/MQ-[A-Z0-9]+/pay/test/$"))
    expect(page.get_by_text("Test mode")).to_be_visible()
    page.get_by_role("button", name="Pay $50.85 (test)").click()

    expect(page).to_have_url(re.compile(r"/us/orders/MQ-[A-Z0-9]+/paid/$"))
    expect(page.get_by_role("heading", name="Thank you, your payment went through")).to_be_visible()
    order = Order.objects.get(user=user)
    assert (order.status, order.payment_status, order.delivery_state) == ("confirmed", "paid", "CA")
    assert order.total_amount == Decimal("50.85")
    page.get_by_role("link", name="See what happens next").click()
    expect(page).to_have_url(re.compile(r"/us/orders/MQ-[A-Z0-9]+/confirmation/$"))
    expect(page.get_by_test_id("payment-status")).to_have_text("Paid")
    expect(page.get_by_test_id("payment-link")).to_have_count(0)


def test_customer_cancels_a_pending_order_and_the_stock_returns(page, live_server, browser_sign_in):
    sku = shirt("KG", Decimal("2990"), stock=5)
    user = KGUserFactory()
    address = AddressFactory(user=user, city="Bishkek", is_default=True)
    in_cart(user, sku, quantity=2)
    order = place_order(user=user, address=address, payment_method="cash").order
    assert SKU.objects.get(pk=sku.pk).stock == 3
    browser_sign_in(user)

    page.goto(live_server.url + "/kg/orders/")
    page.get_by_role("link", name=f"Order {order.order_number}").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Pending")
    page.get_by_role("button", name="Cancel order").click()

    expect(page.get_by_text(f"Order {order.order_number} is cancelled.")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert SKU.objects.get(pk=sku.pk).stock == 5
