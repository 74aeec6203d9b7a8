"""Pages from the shared cache in Chromium: a visitor adds to the cart from a cached page, with
JavaScript (a token fetched before the HTMX request) and without it (a confirmation), and the
banners they see are counted."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import CartItem
from marketing.models import BannerStat
from marketing.tests.factories import BannerFactory
from marketing.tracking import flush_banner_stats

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

URL = "/kg/p/court-sneakers/?size=40&color=White"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def cached_product_page():
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    shoes = CategoryFactory(name="Shoes", slug="shoes", market="ALL")
    court = ProductFactory(name="Court Sneakers", slug="court-sneakers", market="KG", category=shoes)
    SKUFactory(product=court, size="40", color="White", price=Decimal("4990"), stock=4)
    SKUFactory(product=court, size="41", color="Black", price=Decimal("4990"), stock=2)
    # Another visitor was here first.
    Client(HTTP_ACCEPT_LANGUAGE="en").get(URL)
    return court


def test_a_visitor_adds_to_the_cart_from_a_cached_page_with_htmx(page, live_server, cached_product_page):
    page.set_extra_http_headers({"Accept-Language": "en"})
    response = page.goto(live_server.url + URL)
    assert response.headers.get("x-page-cache") == "hit"
    badge = page.locator("#cart-badge")
    expect(badge).to_have_attribute("data-count", "0")
    page.evaluate("window.__noReload = true")

    page.get_by_role("button", name="Add to cart").click()

    expect(badge).to_have_attribute("data-count", "1")
    expect(page.locator("#cart-notice")).to_contain_text("Added Court Sneakers")
    assert page.evaluate("window.__noReload === true"), "adding to the cart reloaded the page"
    # Now the shopper has a cart: their pages are their own.
    again = page.goto(live_server.url + URL)
    assert again.headers.get("x-page-cache") is None
    expect(badge).to_have_attribute("data-count", "1")


def test_without_javascript_the_visitor_confirms_and_the_item_is_added(browser, live_server, cached_product_page):
    context = browser.new_context(java_script_enabled=False, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    response = page.goto(live_server.url + URL)
    assert response.headers.get("x-page-cache") == "hit"

    page.get_by_role("button", name="Add to cart").click()

    expect(page.get_by_role("heading", name="Please confirm")).to_be_visible()
    assert not CartItem.objects.exists()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#cart-badge")).to_have_attribute("data-count", "1")
    assert CartItem.objects.get().sku.size == "40"
    context.close()


def test_a_banner_seen_on_a_cached_home_page_is_counted(page, live_server):
    banner = BannerFactory(market="KG", title="Winter edit")
    Client(HTTP_ACCEPT_LANGUAGE="en").get("/kg/")  # another visitor was here first
    page.set_extra_http_headers({"Accept-Language": "en"})
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))

    response = page.goto(live_server.url + "/kg/")

    assert response.headers.get("x-page-cache") == "hit"
    # The page holds no token of its own: one is fetched, then the view is counted with it.
    with page.expect_response(lambda r: r.url.endswith("/kg/b/impressions/")) as counted:
        pass
    assert counted.value.status == 204, counted.value.status
    assert len(posts) == 1
    flush_banner_stats()
    assert BannerStat.objects.get(banner=banner, market="KG").views == 1
