"""A shopper's journey in Chromium: home → category → filter → product → size and color."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory

# serialized_rollback: the live server needs committed rows, and the rows migrations create (roles,
# exchange rates) must be back for the next test on this worker.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def sneakers_catalog():
    shoes = CategoryFactory(name="Shoes", slug="shoes", market="ALL")
    sneakers = SubcategoryFactory(category=shoes, name="Sneakers", slug="sneakers")
    court = ProductFactory(
        name="Court Sneakers",
        slug="court-sneakers",
        brand="Nomad Row",
        market="KG",
        category=shoes,
        subcategory=sneakers,
        price=Decimal("4990"),
        image="products/court.jpg",
    )
    SKUFactory(product=court, size="40", color="White", price=Decimal("4990"), stock=4, variant_image="v/white.jpg")
    SKUFactory(product=court, size="41", color="Black", price=Decimal("5490"), stock=2, variant_image="v/black.jpg")
    SKUFactory(product=court, size="42", color="Black", price=Decimal("5490"), stock=0)
    other = ProductFactory(
        name="Trail Runner", slug="trail-runner", brand="Altyn Step", market="KG", category=shoes, subcategory=sneakers
    )
    SKUFactory(product=other, size="41", color="Grey", stock=5)
    return court


def _mark_page(page):
    """A flag that only survives while no full page load happens."""
    page.evaluate("window.__noReload = true")


def _still_same_page(page):
    return page.evaluate("window.__noReload === true")


def test_shopper_filters_a_category_and_picks_a_variant_without_reloading(page, live_server, sneakers_catalog):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/kg/$"))

    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Shoes").click()
    expect(page).to_have_url(re.compile(r"/kg/c/shoes/$"))
    expect(page.get_by_role("heading", name="2 products")).to_be_visible()

    _mark_page(page)
    page.get_by_role("checkbox", name=re.compile("Nomad Row")).check()
    expect(page.get_by_role("heading", name="1 product")).to_be_visible()
    expect(page).to_have_url(re.compile(r"brand=Nomad(\+|%20)Row"))
    assert "min=" not in page.url, "empty filters should stay out of the shared URL"
    assert _still_same_page(page), "filtering reloaded the page"

    page.get_by_role("link", name=re.compile("Court Sneakers")).first.click()
    expect(page).to_have_url(re.compile(r"/kg/p/court-sneakers/$"))
    expect(page.locator("#product-stock")).to_have_text("In stock")
    expect(page.locator("#buy-button")).to_have_text("Select a size")

    _mark_page(page)
    page.locator("label:has(#size-41)").click()
    expect(page.locator("legend", has_text="Size: 41")).to_be_visible()
    # Only black exists in 41: white is offered but disabled.
    expect(page.locator("#color-white")).to_be_disabled()
    page.locator("label:has(#color-black)").click()

    expect(page.locator("#product-price")).to_contain_text("5 490 som")
    expect(page.locator("#product-stock")).to_have_text("Only 2 left")
    expect(page.locator("#product-main-image")).to_have_attribute("src", re.compile(r"v/black\.jpg$"))
    expect(page).to_have_url(re.compile(r"size=41.*color=Black"))
    assert _still_same_page(page), "choosing a variant reloaded the page"

    # 42 in black is sold out: visibly disabled.
    expect(page.locator("#size-42")).to_be_disabled()


def test_a_keyboard_shopper_filters_and_unfilters_without_losing_their_place(page, live_server, sneakers_catalog):
    page.goto(live_server.url + "/kg/c/shoes/")
    brand = page.get_by_role("checkbox", name=re.compile("Nomad Row"))
    brand.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="1 product")).to_be_visible()
    expect(brand).to_be_focused()  # the same filter, redrawn

    page.get_by_role("list", name="Active filters").get_by_role("link").first.focus()
    page.keyboard.press("Enter")  # the chip goes away with the filter
    expect(page.get_by_role("heading", name="2 products")).to_be_focused()
