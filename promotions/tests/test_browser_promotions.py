"""Promotions in Chromium: a KG category sale on the cards, the product page and the on-sale filter;
a US code entered at checkout changing the summary in place, with nothing the shopper typed lost."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AddressFactory, USUserFactory
from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Cart, Order, SalesTaxRate
from promotions.models import DiscountCode
from promotions.tests.factories import DiscountCodeFactory, SaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


def coat(market, price):
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    category = CategoryFactory(name="Outerwear", slug="outerwear", market="ALL")
    product = ProductFactory(name="Wool Coat", slug="wool-coat", market=market, price=price, category=category)
    SKUFactory(product=product, size="M", color="Camel", price=price, stock=5)
    return product


def test_a_kg_category_sale_shows_struck_prices_and_is_found_by_the_on_sale_filter(page, live_server):
    product = coat("KG", Decimal("2990"))
    ProductFactory(name="Plain Tee", market="KG", price=Decimal("990"))
    SaleFactory(market="KG", value=Decimal("20"), name="Winter sale").categories.add(product.category)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/kg/products/?lang=en")
    card = page.locator("article").filter(has_text="Wool Coat")
    # 2 990 less 20 % is 2 392, rounded by the som rule to 2 399.
    expect(card).to_contain_text("2 399 som")
    expect(card.locator(".line-through")).to_contain_text("2 990 som")
    expect(card).to_contain_text("−20%")

    page.goto(live_server.url + "/kg/products/?sale=1")
    expect(page.locator("article")).to_have_count(1)
    expect(page.locator("article")).to_contain_text("Wool Coat")

    page.goto(live_server.url + "/kg/p/wool-coat/")
    expect(page.get_by_test_id("sale-name")).to_have_text("Winter sale")
    expect(page.locator("main")).to_contain_text("2 399 som")


def test_a_us_code_at_checkout_changes_the_summary_in_place_and_keeps_what_was_typed(
    page, live_server, browser_sign_in
):
    SalesTaxRate.objects.update_or_create(state="IL", defaults={"rate": Decimal("0.0625"), "taxes_shipping": False})
    product = coat("US", Decimal("40"))
    DiscountCodeFactory(code="WELCOME10", market="US", kind=DiscountCode.Kind.PERCENT, percent=10)
    user = USUserFactory()
    AddressFactory(user=user, street="Wacker Drive", building="233", city="Chicago", state="IL", postal_code="60606",
                   is_default=True)  # fmt: skip
    cart = Cart.objects.create(user=user, market="US")
    cart.items.create(sku=product.skus.get(), quantity=1)
    browser_sign_in(user)

    page.goto(live_server.url + "/us/checkout/")
    expect(page.get_by_test_id("tax")).to_have_text("$2.50")
    page.get_by_label("Notes for the courier").fill("Leave with the doorman")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    page.get_by_label("Discount code").fill("nope")
    page.get_by_role("button", name="Apply code").click()
    expect(page.get_by_test_id("discount-code-error")).to_be_visible()

    page.get_by_label("Discount code").fill("welcome10")
    page.get_by_role("button", name="Apply code").click()
    expect(page.get_by_test_id("discount")).to_have_text("−$4.00")
    # US sales tax on the discounted amount: 6.25 % of $36.00.
    expect(page.get_by_test_id("tax")).to_have_text("$2.25")
    expect(page.get_by_test_id("discount-code-message")).to_be_visible()
    assert navigations == []  # the summary changed in place
    expect(page.get_by_label("Notes for the courier")).to_have_value("Leave with the doorman")

    page.get_by_role("button", name=re.compile("Place order")).click()
    expect(page).to_have_url(re.compile(r"/us/"))
    order = Order.objects.get(user=user)
    assert order.discount_code_text == "WELCOME10"
    assert order.delivery_notes == "Leave with the doorman"
    assert order.discount_code.times_used == 1
