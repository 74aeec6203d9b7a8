"""In Chromium: a KG visitor reading Russian switches to Kyrgyz and orders in it, from the first page
to the order confirmation; a signed-in shopper's language comes back after signing out."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """A browser set to Russian, as most KG shoppers' are."""
    return {**browser_context_args, "locale": "ru-RU"}


def say(language, text, **values):
    """`text` as the shop writes it in `language`; never the English (the catalog must have it)."""
    with translation.override(language):
        written = translation.gettext(text)
    assert written != text, f"{text!r} has no {language} translation"
    return written % values if values else written


def expect_language(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_a_kg_visitor_switches_to_kyrgyz_and_orders_in_it(page, live_server, sms_outbox):
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    category = CategoryFactory(name="Men", name_ru="Мужчинам", name_ky="Эркектерге", slug="men", market="ALL")
    product = ProductFactory(
        name="Linen Shirt", name_ky="Зыгыр көйнөк", slug="linen-shirt", market="KG", price=Decimal("2990"),
        category=category,
    )  # fmt: skip
    SKUFactory(product=product, size="M", color="Sand", price=Decimal("2990"), stock=4)

    page.goto(live_server.url + "/kg/")
    expect_language(page, "ru")  # the browser's language, which the market speaks
    page.locator("#locale-menu > summary").click()  # the market and language menu
    page.get_by_label(say("ru", "Language")).select_option("ky")
    page.get_by_role("button", name=say("ru", "Change language")).click()
    expect_language(page, "ky")
    expect(page.get_by_role("link", name="Эркектерге").first).to_be_visible()

    page.goto(live_server.url + "/kg/p/linen-shirt/")
    expect(page.get_by_role("heading", name="Зыгыр көйнөк")).to_be_visible()
    page.get_by_role("button", name=say("ky", "Add to cart")).click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "1")
    page.goto(live_server.url + "/kg/cart/")
    expect_language(page, "ky")
    page.get_by_role("link", name=say("ky", "Go to checkout")).click()

    # Signing in asks in Kyrgyz, and the SMS comes in Kyrgyz.
    page.get_by_label(say("ky", "Phone number")).fill("+996 700 555 111")
    page.get_by_role("button", name=say("ky", "Send code")).click()
    text = sms_outbox[-1].text
    assert (
        text.split(":")[0]
        == say("ky", "MARQUE code: %(code)s. It expires in %(minutes)d minutes. Never share it.").split(":")[0]
    )
    page.get_by_label(say("ky", "6-digit code from the SMS")).fill(re.search(r"\b(\d{6})\b", text).group(1))
    page.get_by_role("button", name=say("ky", "Sign in")).click()

    expect(page).to_have_url(re.compile(r"/kg/checkout/$"))
    expect_language(page, "ky")
    assert User.objects.get(phone="+996700555111").language == "ky"
    expect(page.get_by_text(say("ky", "Add a new address"))).to_be_visible()  # open: no address yet
    page.get_by_label(say("ky", "Street")).fill("Chui Avenue")
    page.get_by_label(say("ky", "Building")).fill("120")
    page.get_by_label(say("ky", "City")).select_option(label="Бишкек")
    page.get_by_role("button", name=say("ky", "Save address")).click()
    expect(page.get_by_label(say("ky", "Cash on delivery"))).to_be_checked()
    page.get_by_role("button", name=say("ky", "Place order")).click()

    expect(page).to_have_url(re.compile(r"/kg/orders/MQ-[A-Z0-9]+/confirmation/$"))
    order = Order.objects.get(user__phone="+996700555111")
    expect(
        page.get_by_text(say("ky", "Thank you! Your order %(number)s is placed.", number=order.order_number))
    ).to_be_visible()
    expect_language(page, "ky")
    assert "Бишкек" in order.delivery_address

    # Signed out, the shop stays in the language the shopper chose.
    page.get_by_role("link", name=say("ky", "Account")).click()
    page.get_by_role("button", name=say("ky", "Sign out")).click()
    expect(page.get_by_role("link", name=say("ky", "Sign in"), exact=True)).to_be_visible()
    expect_language(page, "ky")
