"""The shop on a phone, in Chromium: no page wider than the screen (360 and 390 px, every language,
signed in or out), the header's controls reachable, the listing's "Filter & sort" drawer with and
without JavaScript, one answer to an add to cart (toast, badge, mini-cart) without a layout shift,
and the search's combobox.

Set MARQUE_SCREENSHOTS to a directory to keep a screenshot of every page checked at 390 px.
"""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AddressFactory, KGUserFactory, NotificationFactory
from catalog.models import ExchangeRate, Wishlist
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory
from help.tests.factories import HelpPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ("en", "ru", "ky")
PHONE_WIDTHS = (360, 390)
VISITOR_PAGES = [
    "/kg/",
    "/kg/c/outerwear/",
    "/kg/c/outerwear/jackets/",
    "/kg/p/quilted-jacket/",
    "/kg/search/?q=jacket",
    "/kg/cart/",
    "/kg/help/",
    "/kg/help/delivery/",
    "/accounts/login/",
]
SHOPPER_PAGES = [
    "/kg/",
    "/kg/c/outerwear/",
    "/kg/p/quilted-jacket/",
    "/kg/cart/",
    "/kg/wishlist/",
    "/kg/orders/",
    "/kg/checkout/",
    "/accounts/profile/",
    "/accounts/addresses/",
    "/accounts/notifications/",
]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The innermost elements reaching past the right edge, to say what overflows.
CULPRITS = """() => Array.from(document.body.querySelectorAll("*"))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest(".overflow-x-auto, [hidden]")
    && getComputedStyle(el).visibility !== "hidden" && !Array.from(el.children).some(
      child => child.getBoundingClientRect().right > window.innerWidth + 0.5))
  .slice(0, 3).map(el => el.tagName.toLowerCase() + "." + String(el.className).split(" ").slice(0, 4).join(".")
    + " «" + el.textContent.trim().slice(0, 30) + "»")"""


@pytest.fixture
def outerwear():
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    category = CategoryFactory(
        name="Outerwear", name_ru="Верхняя одежда", name_ky="Сырткы кийим", slug="outerwear", market="ALL"
    )
    jackets = SubcategoryFactory(
        category=category, name="Jackets", name_ru="Куртки", name_ky="Курткалар", slug="jackets"
    )
    for n, name in enumerate(("Footwear and accessories", "Knitwear", "Kids")):
        CategoryFactory(name=name, slug=f"more-{n}", market="ALL")
    quilted = ProductFactory(
        name="Quilted Jacket", name_ru="Стёганая куртка", name_ky="Сырылган куртка", slug="quilted-jacket",
        brand="Nomad Row", market="KG", category=category, subcategory=jackets, price=Decimal("8990"),
    )  # fmt: skip
    for size in ("S", "M", "L"):
        SKUFactory(product=quilted, size=size, color="Olive", price=Decimal("8990"), stock=5)
    scarf = ProductFactory(
        name="Wool Scarf", slug="wool-scarf", brand="Altyn Step", market="KG", category=category, price=Decimal("1990")
    )
    SKUFactory(product=scarf, size="", color="Grey", price=Decimal("1990"), stock=9)
    HelpPageFactory(
        kind="delivery", market="KG", title="Delivery", body="Bishkek in 1–2 days; the regions in 3–5 days.\n\n" * 3
    )
    return quilted


@pytest.fixture
def shopper(outerwear):
    user = KGUserFactory(full_name="Aigerim Sadyrbekovna Toktogulova")
    AddressFactory(user=user)
    NotificationFactory.create_batch(3, user=user)
    OrderFactory(user=user)
    CartItemFactory(cart=CartFactory(user=user), sku=outerwear.skus.first(), quantity=2)
    # Three sizes: the wishlist offers a select of them beside "Move to cart".
    Wishlist.objects.create(user=user).items.create(product=outerwear)
    return user


def _overflowing_pages(page, base, pages, label):
    """Every (page, language, width) wider than the viewport, with how many pixels it overflows."""
    wide = []
    shots = os.environ.get("MARQUE_SCREENSHOTS")
    for language in LANGUAGES:
        for path in pages:
            page.set_viewport_size({"width": PHONE_WIDTHS[0], "height": 800})
            joiner = "&" if "?" in path else "?"
            page.goto(f"{base}{path}{joiner}lang={language}")
            for width in PHONE_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                overflow = page.evaluate(OVERFLOW)
                if overflow > 0:
                    culprits = ", ".join(page.evaluate(CULPRITS))
                    wide.append(f"{path} [{language}, {label}] at {width}px: {overflow}px too wide: {culprits}")
            if shots:
                name = re.sub(r"\W+", "-", path).strip("-") or "home"
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{label}-{name}-{language}-390.png", full_page=True)
    return wide


def _expect_header_reachable(page, width):
    """Logo, search, account and cart inside the screen, each at least 44 px square to tap; the
    logo and the icons on one row."""
    header = page.locator("header").first
    logo, cart = header.locator("a", has_text="MARQUE").bounding_box(), header.locator("#cart-link").bounding_box()
    assert abs((logo["y"] + logo["height"] / 2) - (cart["y"] + cart["height"] / 2)) < 2, "the header row wrapped"
    for target in (
        header.locator("a", has_text="MARQUE"),
        header.locator("#site-search"),
        header.locator("#cart-link"),
        header.locator('a[href^="/accounts/"]').last,
        header.locator("#locale-menu > summary"),
    ):
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{target} is off-screen: {box}"
        assert box["height"] >= 44, f"{target} is {box['height']}px tall"


def test_no_page_is_wider_than_a_phone_for_a_visitor(page, live_server, outerwear):
    assert _overflowing_pages(page, live_server.url, VISITOR_PAGES, "visitor") == []
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/kg/?lang=ky")
    _expect_header_reachable(page, 360)
    # Categories scroll sideways in a bar with 44 px tall links.
    category = page.get_by_role("navigation", name="Категориялар").get_by_role("link", name="Сырткы кийим")
    assert category.bounding_box()["height"] >= 44


def test_no_page_is_wider_than_a_phone_for_a_signed_in_shopper(page, live_server, shopper, browser_sign_in):
    browser_sign_in(shopper)
    assert _overflowing_pages(page, live_server.url, SHOPPER_PAGES, "shopper") == []
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/kg/?lang=ru")
    _expect_header_reachable(page, 360)
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "2")


def test_market_and_language_share_one_menu_that_works_without_javascript(browser, live_server, outerwear):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/kg/")
    page.locator("#locale-menu > summary").click()
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.evaluate(OVERFLOW) <= 0
    page.locator("#locale-menu > summary").click()
    menu = page.locator("#locale-menu > div").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= 360, f"the menu leaves the screen: {menu}"
    context.close()


def test_filter_drawer_on_a_phone_filters_in_place_and_chips_remove_filters(page, live_server, outerwear):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/kg/c/outerwear/")
    # The products come first: the filters wait behind one button.
    expect(page.get_by_role("checkbox", name=re.compile("Nomad Row"))).to_be_hidden()
    first_card = page.get_by_role("link", name=re.compile("Quilted Jacket|Wool Scarf")).first
    assert first_card.bounding_box()["y"] < 500
    page.evaluate("window.__noReload = true")

    page.get_by_text("Filter & sort").click()
    page.get_by_role("checkbox", name=re.compile("Nomad Row")).check()
    expect(page.get_by_role("heading", name="1 product")).to_be_attached()
    # The drawer stays open while the listing changes underneath; the status region says the count.
    expect(page.get_by_role("checkbox", name=re.compile("Altyn Step"))).to_be_visible()
    expect(page.locator("#listing-status")).to_have_text("1 product")
    assert "min=" not in page.url and "brand=Nomad" in page.url
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("checkbox", name=re.compile("Altyn Step"))).to_be_hidden()

    chip = page.get_by_role("list", name="Active filters").get_by_role("link", name=re.compile("Nomad Row"))
    chip.click()
    expect(page.get_by_role("heading", name="2 products")).to_be_visible()
    expect(page.locator("#listing-status")).to_have_text("2 products")
    assert page.evaluate("window.__noReload === true"), "filtering reloaded the page"
    assert page.evaluate(OVERFLOW) <= 0


def test_filter_drawer_without_javascript_sends_a_clean_url(browser, live_server, outerwear):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/kg/c/outerwear/")
    page.get_by_text("Filter & sort").click()
    page.get_by_role("checkbox", name=re.compile("Altyn Step")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 product")).to_be_visible()
    assert re.search(r"/kg/c/outerwear/\?sort=best&brand=Altyn\+Step$", page.url), page.url
    page.get_by_role("list", name="Active filters").get_by_role("link", name=re.compile("Altyn Step")).click()
    expect(page.get_by_role("heading", name="2 products")).to_be_visible()
    context.close()


def test_add_to_cart_answers_once_without_moving_the_page(page, live_server, outerwear):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/kg/c/outerwear/")
    page.evaluate("document.getElementById('cart-notice').__kept = true")
    main_top = page.locator("main").bounding_box()["y"]
    cart_requests = []
    page.on("request", lambda request: "/cart/" in request.url and cart_requests.append(request.url))

    # A product of one size goes straight in.
    page.get_by_role("button", name="Quick add Wool Scarf").click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "1")
    toast = page.locator("#cart-notice")
    expect(toast).to_contain_text("Added Wool Scarf")
    assert toast.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert page.evaluate("document.getElementById('cart-notice').__kept === true"), "the live region was replaced"
    assert page.locator("main").bounding_box()["y"] == main_top, "the page moved"
    assert [url for url in cart_requests if "/cart/add/" not in url] == [], "the add needed follow-up requests"

    # A product of several sizes offers them in its card.
    page.get_by_role("button", name="Quick add Quilted Jacket").click()
    picker = page.locator("article", has_text="Quilted Jacket").locator("[data-quick-add]")
    picker.get_by_role("button", name=re.compile("^M")).click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "2")
    expect(toast).to_contain_text("Added Quilted Jacket")
    expect(picker.get_by_role("button")).to_have_count(0)
    assert page.locator("main").bounding_box()["y"] == main_top
    assert len(cart_requests) == 3, cart_requests  # add, pick a size, add
    # The mini-cart came with the answer.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("#mini-cart-menu > summary").click()
    expect(page.locator("#mini-cart")).to_contain_text("1 × Quilted Jacket")


def test_search_suggestions_are_a_combobox(page, live_server, outerwear):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/kg/")
    box = page.get_by_role("combobox", name="Search products")
    box.fill("jacket")
    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options.first).to_contain_text("Quilted Jacket")
    expect(options.first).to_contain_text("8 990")
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "search-option-1")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()

    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/kg/p/quilted-jacket/$"))
