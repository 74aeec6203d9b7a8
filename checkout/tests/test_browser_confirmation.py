"""A KG shopper on a 390 px phone: Place order in view from the start (a bar fixed to the bottom of
the screen), a cash order placed, and the confirmation that says what happens next, with cancelling
one plain link away behind a confirm step."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Cart, Order
from help.tests.factories import HelpPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def shopper_with_a_full_cart():
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    category = CategoryFactory(name="Outerwear", slug="outerwear", market="ALL")
    user = KGUserFactory(full_name="Aigerim Toktogulova")
    AddressFactory(user=user, title="Home", street="Chui Avenue", building="120", city="Bishkek", is_default=True)
    AddressFactory(user=user, title="Work", street="Manas Avenue", building="7", city="Osh")
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": user.market})
    # Enough lines that the summary, and with it a Place order button at its end, would be far below.
    for n, name in enumerate(("Linen Shirt", "Wool Scarf", "Quilted Jacket", "Denim Jeans")):
        product = ProductFactory(name=name, brand="Atelier Nord", market="KG", category=category,
                                 price=Decimal("2990") + n * 1000)  # fmt: skip
        cart.items.create(sku=SKUFactory(product=product, size="M", color="Sand", stock=5), quantity=1)
    HelpPageFactory(
        kind="contact", market="KG", title="Contact us", title_ky="Биз менен байланышуу",
        body="Call +996 555 010 203.", body_ky="Чалыңыз: +996 555 010 203.",
    )  # fmt: skip
    return user


def _in_view(locator, viewport):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_kg_cash_order_at_390px_with_place_order_in_view_and_a_clear_confirmation(
    page, live_server, browser_sign_in, shopper_with_a_full_cart
):
    user = shopper_with_a_full_cart
    browser_sign_in(user)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/kg/checkout/?lang=en")

    # A focused page: the logo and the way back to the cart, no category menu or search.
    expect(page.get_by_test_id("back-to-cart")).to_be_visible()
    expect(page.get_by_role("navigation", name="Categories")).to_have_count(0)
    expect(page.locator("#site-search")).to_have_count(0)
    assert page.evaluate(OVERFLOW) <= 0

    place = page.get_by_role("button", name="Place order")
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("document.documentElement.scrollHeight") > PHONE["height"] * 1.5, "the page is short"
    assert _in_view(place, PHONE), "Place order is not in view before scrolling"
    assert place.bounding_box()["height"] >= 44
    # It stays in view halfway down the page, and leaves the footer readable at the end.
    page.evaluate("window.scrollTo(0, 900)")
    assert page.evaluate("window.scrollY") > 0
    assert _in_view(place, PHONE)
    # The address choice and a new address come in Delivery, before Payment.
    add_address = page.get_by_text("Add a new address")
    assert add_address.bounding_box()["y"] < page.get_by_role("heading", name="Payment").bounding_box()["y"]

    page.get_by_label("Notes for the courier").fill("Call at the gate")
    place.click()

    expect(page).to_have_url(re.compile(r"/kg/orders/MQ-[A-Z0-9]+/confirmation/$"))
    order = Order.objects.get(user=user)
    expect(page.get_by_role("heading", name="Thank you! Your order is placed")).to_be_visible()
    expect(page.get_by_test_id("order-item")).to_have_count(4)
    expect(page.get_by_test_id("next-steps")).to_contain_text("in cash when it arrives")
    expect(page.get_by_test_id("delivery-estimate")).to_contain_text("1–2 days")
    expect(page.get_by_test_id("bank-details")).to_have_count(0)
    assert page.evaluate(OVERFLOW) <= 0
    # Going on shopping is the main action; cancelling is a plain link to a confirm step.
    expect(page.get_by_role("link", name="Continue shopping")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    page.get_by_role("link", name="Cancel order").click()
    expect(page).to_have_url(re.compile(rf"/kg/orders/{order.order_number}/cancel/confirm/$"))
    page.get_by_role("link", name="Keep my order").click()
    expect(page).to_have_url(re.compile(r"/confirmation/$"))
    order.refresh_from_db()
    assert (order.status, order.payment_method, order.delivery_notes) == ("pending", "cash", "Call at the gate")


def test_the_help_page_and_footer_in_kyrgyz_fit_a_phone(page, live_server, shopper_with_a_full_cart):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/kg/?lang=ky")
    footer = page.get_by_test_id("footer-help")
    footer.get_by_role("link", name="Биз менен байланышуу").click()
    expect(page).to_have_url(re.compile(r"/kg/help/contact/"))
    expect(page.get_by_test_id("help-page")).to_contain_text("+996 555 010 203")
    assert page.evaluate(OVERFLOW) <= 0
