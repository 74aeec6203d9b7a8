"""A shopper's cart in Chromium: two variants in, a quantity changed, a line removed, a heart toggled."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import KGUserFactory
from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory

# serialized_rollback: the live server needs committed rows, and the rows migrations create (roles,
# exchange rates) must be back for the next test on this worker.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def court_sneakers():
    # Self-sufficient even after another browser test flushed the migrations' rows.
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    shoes = CategoryFactory(name="Shoes", slug="shoes", market="ALL")
    court = ProductFactory(
        name="Court Sneakers",
        slug="court-sneakers",
        brand="Nomad Row",
        market="KG",
        category=shoes,
        price=Decimal("4990"),
    )
    SKUFactory(product=court, size="40", color="White", price=Decimal("4990"), stock=4)
    SKUFactory(product=court, size="41", color="Black", price=Decimal("5490"), stock=2)
    return court


def _mark_page(page):
    page.evaluate("window.__noReload = true")


def _still_same_page(page):
    return page.evaluate("window.__noReload === true")


def test_shopper_fills_and_edits_the_cart_without_reloads(page, live_server, court_sneakers):
    badge = page.locator("#cart-badge")
    page.goto(live_server.url + "/kg/p/court-sneakers/?size=40&color=White")
    expect(badge).to_have_attribute("data-count", "0")

    _mark_page(page)
    page.get_by_role("button", name="Add to cart").click()
    expect(badge).to_have_attribute("data-count", "1")
    expect(page.locator("#cart-notice")).to_contain_text("Added Court Sneakers")

    assert _still_same_page(page), "adding to the cart reloaded the page"

    page.goto(live_server.url + "/kg/p/court-sneakers/?size=41&color=Black")
    expect(page.locator("#product-price")).to_contain_text("5 490 som")
    expect(badge).to_have_attribute("data-count", "1")
    page.get_by_role("button", name="Add to cart").click()
    expect(badge).to_have_attribute("data-count", "2")

    page.get_by_role("link", name=re.compile("^Cart")).click()
    expect(page).to_have_url(re.compile(r"/kg/cart/$"))
    lines = page.get_by_test_id("cart-line")
    expect(lines).to_have_count(2)
    expect(page.get_by_test_id("cart-subtotal")).to_have_text("10 480 som")

    _mark_page(page)
    lines.first.get_by_role("button", name="One more").click()
    expect(badge).to_have_attribute("data-count", "3")
    expect(page.get_by_test_id("cart-subtotal")).to_have_text("15 470 som")
    expect(page.get_by_test_id("cart-shipping")).to_have_text("Free")

    page.get_by_role("button", name=re.compile("Remove Court Sneakers")).last.click()
    expect(lines).to_have_count(1)
    expect(badge).to_have_attribute("data-count", "2")
    expect(page.get_by_test_id("cart-subtotal")).to_have_text("9 980 som")
    assert _still_same_page(page), "changing the cart reloaded the page"


def test_signed_in_shopper_toggles_a_wishlist_heart(page, live_server, browser_sign_in, court_sneakers):
    browser_sign_in(KGUserFactory())

    page.goto(live_server.url + "/kg/p/court-sneakers/")
    _mark_page(page)
    heart = page.get_by_role("button", name="Save Court Sneakers to wishlist")
    heart.click()
    unheart = page.get_by_role("button", name="Remove Court Sneakers from wishlist")
    expect(unheart).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#wishlist-badge")).to_have_attribute("data-count", "1")
    unheart.click()
    expect(page.get_by_role("button", name="Save Court Sneakers to wishlist")).to_be_visible()
    expect(page.locator("#wishlist-badge")).to_have_attribute("data-count", "0")
    assert _still_same_page(page), "the heart reloaded the page"


def _focused(page):
    """What keyboard focus is on: the element's id, or its text, or BODY when focus was dropped."""
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el === document.body ? 'BODY' : (el.id || el.textContent.trim()); }"
    )


def test_a_keyboard_shopper_keeps_focus_while_editing_the_cart(page, live_server, court_sneakers):
    page.goto(live_server.url + "/kg/p/court-sneakers/?size=40&color=White")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "1")
    page.goto(live_server.url + "/kg/p/court-sneakers/?size=41&color=Black")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "2")
    page.goto(live_server.url + "/kg/cart/")
    lines = page.get_by_test_id("cart-line")

    more = lines.first.get_by_role("button", name="One more")
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "3")
    assert _focused(page) == more.get_attribute("id"), "the same line's button keeps focus"

    lines.last.get_by_role("button", name=re.compile("^Remove")).focus()
    page.keyboard.press("Enter")
    expect(lines).to_have_count(1)
    notice = page.locator('#cart-contents [role="status"]')
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("Court Sneakers")
