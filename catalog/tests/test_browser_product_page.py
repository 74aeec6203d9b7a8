"""The product page in Chromium: thumbnails that switch the picture, a swipe that moves the current
thumbnail, variant picks that replace the address instead of adding history entries, the buy
button that says what to do next and stays on a phone's screen, and the add to cart over HTMX."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    SKUFactory,
    SubcategoryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
# How far a picture's left edge is from the gallery's, once its scroll settles.
PICTURE_OFFSET = """([gallery, slide]) => {
  const strip = document.getElementById(gallery), picture = document.getElementById(slide);
  return Math.abs(picture.getBoundingClientRect().left - strip.getBoundingClientRect().left);
}"""


@pytest.fixture
def cardigan():
    knitwear = CategoryFactory(name="Knitwear", slug="knitwear", market="ALL")
    cardigans = SubcategoryFactory(category=knitwear, name="Cardigans", slug="cardigans")
    product = ProductFactory(
        name="Yak Wool Cardigan",
        name_ru="Кардиган из шерсти яка",
        name_ky="Топоз жүнүнөн кардиган",
        slug="yak-cardigan",
        brand="Kiyiz Craft",
        market="KG",
        category=knitwear,
        subcategory=cardigans,
        price=Decimal("6690"),
        image="products/cardigan.jpg",
    )
    for size in ("XL", "S", "M", "L"):
        SKUFactory(product=product, size=size, color="Ivory", color_hex="#efe9dd", price=Decimal("6690"), stock=4)
    for n in range(1, 4):
        ProductImageFactory(product=product, image=f"products/cardigan-{n}.jpg", image_url="", sort_order=n)
    return product


def _wait_until_shown(page, slide):
    """Until the gallery's smooth scroll brings `slide` in (the page's CSP allows no wait_for_function)."""
    for _ in range(50):
        if page.evaluate(PICTURE_OFFSET, ["product-gallery", slide]) < 2:
            return
        page.wait_for_timeout(100)
    pytest.fail(f"{slide} never came into the gallery")


def _open(page, live_server, size, path="/kg/p/yak-cardigan/"):
    page.set_viewport_size(size)
    page.goto(live_server.url + path)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_thumbnail_switches_the_main_picture_without_leaving_the_page(page, live_server, cardigan, size):
    _open(page, live_server, size)
    thumbs = page.locator("[data-gallery-thumb]")
    expect(thumbs).to_have_count(4)
    expect(thumbs.nth(0)).to_have_attribute("aria-current", "true")
    thumbs.nth(2).scroll_into_view_if_needed()
    history = page.evaluate("history.length")
    top = page.evaluate("window.scrollY")

    thumbs.nth(2).click()

    _wait_until_shown(page, "product-photo-3")
    expect(thumbs.nth(2)).to_have_attribute("aria-current", "true")
    expect(thumbs.nth(0)).not_to_have_attribute("aria-current", "true")
    assert page.evaluate("history.length") == history, "a thumbnail added a history entry"
    assert page.evaluate("location.hash") == ""
    assert page.evaluate("window.scrollY") == top, "a thumbnail moved the page"


def test_a_swipe_through_the_gallery_moves_the_current_thumbnail(page, live_server, cardigan):
    _open(page, live_server, PHONE)
    gallery = page.locator("#product-gallery")
    assert gallery.evaluate("el => getComputedStyle(el).scrollSnapType").startswith("x")

    gallery.evaluate("el => el.scrollTo({left: el.clientWidth, behavior: 'instant'})")

    expect(page.locator("[data-gallery-thumb]").nth(1)).to_have_attribute("aria-current", "true")


def test_picking_a_size_replaces_the_address_and_the_buy_button_says_add_to_cart(page, live_server, cardigan):
    _open(page, live_server, DESKTOP)
    button = page.locator("#buy-button")
    expect(button).to_have_text("Select a size")
    expect(button).to_be_visible()
    sizes = page.locator("#size-options input")
    expect(sizes).to_have_count(4)
    assert [sizes.nth(n).get_attribute("value") for n in range(4)] == ["S", "M", "L", "XL"]
    history = page.evaluate("history.length")
    page.evaluate("window.__noReload = true")

    page.locator("label:has(#size-m)").click()

    expect(page).to_have_url(re.compile(r"\?size=M&color=Ivory$"))
    expect(button).to_have_text("Add to cart")
    expect(page.locator("#product-stock")).to_have_text("Only 4 left")
    page.locator("label:has(#size-l)").click()
    expect(page).to_have_url(re.compile(r"\?size=L&color=Ivory$"))
    assert page.evaluate("history.length") == history, "a variant pick pushed a history entry"
    assert page.evaluate("window.__noReload === true"), "a variant pick reloaded the page"

    # The HTMX add to cart still answers in place.
    button.click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "1")
    expect(page.locator("#cart-notice")).to_contain_text("Added Yak Wool Cardigan")


def test_select_a_size_takes_the_shopper_to_the_sizes(page, live_server, cardigan):
    _open(page, live_server, PHONE)

    page.locator("#buy-button").click()

    expect(page.locator("#size-s")).to_be_focused()
    assert page.evaluate("location.hash") == "", "the button followed its no-JavaScript anchor"


def test_the_buy_button_stays_at_the_bottom_of_a_phones_screen(page, live_server, cardigan):
    _open(page, live_server, PHONE)
    bar, button = page.locator("#buy-bar"), page.locator("#buy-button")
    assert bar.evaluate("el => getComputedStyle(el).position") == "sticky"

    # Above its place in the page, the bar waits at the screen's bottom; from there on it is in its place.
    for scroll, pinned in ((0, True), (250, True), (500, False)):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        box = button.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"off screen at scroll {scroll}"
        if pinned:
            assert box["y"] + box["height"] > PHONE["height"] - 80, f"not at the bottom at scroll {scroll}"
        assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.set_viewport_size(DESKTOP)
    assert bar.evaluate("el => getComputedStyle(el).position") == "static"


def test_a_sold_out_product_says_so_and_cannot_be_added(page, live_server, cardigan):
    cardigan.skus.update(stock=0)
    _open(page, live_server, PHONE)

    expect(page.locator("#product-stock")).to_have_text("Out of stock")
    expect(page.locator("#product-stock")).to_be_visible()
    expect(page.locator("#buy-button")).to_have_text("Out of stock")
    expect(page.locator("#buy-button")).to_be_disabled()


def test_the_picker_works_without_javascript(browser, live_server, cardigan):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/kg/p/yak-cardigan/")
    expect(page.locator("#buy-button")).to_have_text("Select a size")

    page.locator("label:has(#size-m)").click()
    page.get_by_role("button", name="Show this variant").click()

    expect(page).to_have_url(re.compile(r"/kg/p/yak-cardigan/\?size=M&color=Ivory$"))
    expect(page.locator("#buy-button")).to_have_text("Add to cart")
    context.close()
