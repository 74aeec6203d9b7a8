"""The shared page cache (storefront/page_cache.py): what visitors and crawlers share, what they never
share, how fast a change shows, and that every form still works on a page served from it."""

import gzip
import re
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory

from accounts.tests.factories import KGUserFactory
from catalog.models import SKU, Category, MarketPrice
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from checkout.models import CartItem
from marketing.tests.factories import BannerFactory
from reviews.services import approve_reviews
from reviews.tests.factories import ReviewFactory
from storefront import page_cache
from storefront.page_cache import CSRF_PLACEHOLDER, MARKET_COOKIE

pytestmark = pytest.mark.django_db

SHARED_PAGES = [
    "/kg/",
    "/kg/products/",
    "/kg/c/shoes/",
    "/kg/c/shoes/sneakers/",
    "/kg/p/court-sneakers/",
    "/kg/search/?q=court",
    "/kg/best-sellers/",
    "/robots.txt",
    "/sitemap.xml",
]
TOKEN_VALUES = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
HEADER_TOKENS = re.compile(r'"X-CSRFToken"\s*:\s*"([^"]*)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def court(db):
    shoes = CategoryFactory(name="Shoes", slug="shoes")
    sneakers = SubcategoryFactory(category=shoes, name="Sneakers", slug="sneakers")
    product = ProductFactory(
        name="Court Sneakers", slug="court-sneakers", category=shoes, subcategory=sneakers, price=Decimal("4990")
    )
    SKUFactory(product=product, size="40", color="White", price=Decimal("4990"), stock=4)
    SKUFactory(product=product, size="41", color="Black", price=Decimal("4990"), stock=2)
    return product


def visitor():
    """A first-time visitor who reads English (as the suite's own client does)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def cache_state(response):
    return response.headers.get("X-Page-Cache")


# --- what a visitor shares ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", SHARED_PAGES)
def test_a_shared_page_is_rendered_once_and_then_served_from_the_cache(court, url):
    first = visitor().get(url)
    second = visitor().get(url)

    assert first.status_code == second.status_code == 200
    assert cache_state(first) == "miss"
    assert cache_state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("url", SHARED_PAGES)
def test_a_shared_page_does_not_vary_on_cookies_and_a_cdn_may_keep_it(court, url):
    for response in (visitor().get(url), visitor().get(url)):
        vary = [v.strip().lower() for v in response["Vary"].split(",")]
        assert "cookie" not in vary
        assert "accept-language" in vary
        control = response["Cache-Control"]
        assert "public" in control and "s-maxage=60" in control and "max-age=0" in control


def test_a_hit_costs_no_database_query(court, django_assert_num_queries):
    visitor().get("/kg/products/")

    with django_assert_num_queries(0):
        response = visitor().get("/kg/products/")

    assert cache_state(response) == "hit"


def test_pages_are_kept_apart_by_market_language_and_htmx(court):
    english = visitor().get("/kg/products/")
    russian = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/kg/products/")
    partial = visitor().get("/kg/products/", HTTP_HX_REQUEST="true")

    assert cache_state(russian) == cache_state(partial) == "miss"
    assert "Все товары" in russian.text and "All products" in english.text
    assert "<html" in english.text and "<html" not in partial.text
    assert cache_state(visitor().get("/kg/products/", HTTP_HX_REQUEST="true")) == "hit"
    assert "<html" not in visitor().get("/kg/products/", HTTP_HX_REQUEST="true").text


def test_query_strings_are_their_own_pages(court):
    visitor().get("/kg/products/?sort=price_asc")

    assert cache_state(visitor().get("/kg/products/?sort=price_desc")) == "miss"
    assert cache_state(visitor().get("/kg/products/?sort=price_asc")) == "hit"


def test_a_followed_language_link_and_a_market_page_still_set_their_cookies_on_a_hit(court):
    visitor().get("/kg/products/?lang=ru")
    visitor().get("/us/products/")

    hit = Client().get("/kg/products/?lang=ru")
    assert cache_state(hit) == "hit"
    assert hit.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert "private" in hit["Cache-Control"], "a response setting a cookie is nobody else's"

    us = visitor().get("/us/products/")
    assert cache_state(us) == "hit"
    assert us.cookies[MARKET_COOKIE].value == "US"


def test_errors_posts_and_pages_of_ones_own_are_never_kept(court):
    assert visitor().get("/kg/p/no-such-product/").status_code == 404
    assert cache_state(visitor().get("/kg/p/no-such-product/")) == "miss"

    for url in ("/kg/cart/", "/kg/wishlist/", "/accounts/login/"):
        response = visitor().get(url)
        assert cache_state(response) is None
        assert cache_state(visitor().get(url)) is None


def test_a_head_request_is_answered_from_the_cache_without_filling_it(court):
    head = visitor().head("/kg/products/")
    assert head.status_code == 200 and head.content == b""
    assert cache_state(visitor().get("/kg/products/")) == "miss"
    assert cache_state(visitor().head("/kg/products/")) == "hit"


def test_compressed_when_the_browser_accepts_it_hit_or_miss(court):
    plain = visitor().get("/kg/products/")
    for _ in range(2):
        response = visitor().get("/kg/products/", HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert len(response.content) < len(plain.content) / 3
        assert gzip.decompress(response.content) == plain.content


# --- what is never shared ----------------------------------------------------------------------------


def _tokens(html):
    return set(TOKEN_VALUES.findall(html)) | set(HEADER_TOKENS.findall(html))


@pytest.mark.parametrize("url", [u for u in SHARED_PAGES if not u.endswith((".txt", ".xml"))])
def test_two_shoppers_and_a_visitor_never_see_each_others_parts(court, url):
    ana, bek = (
        KGUserFactory(full_name="Ainura Sydykova", language="en"),
        KGUserFactory(full_name="Bektur Asanov", language="en"),
    )
    shoppers = {}
    for user, quantity in ((ana, 2), (bek, 3)):
        client = Client()
        client.force_login(user)
        client.post("/kg/cart/add/", {"sku": court.skus.get(size="40").pk, "quantity": quantity})
        shoppers[user.full_name.split()[0]] = client
    before = visitor().get(url)  # a visitor first: the page is kept

    ana_page = shoppers["Ainura"].get(url)
    bek_page = shoppers["Bektur"].get(url)
    after = visitor().get(url)

    assert cache_state(before) == "miss" and cache_state(after) == "hit"
    assert cache_state(ana_page) is None and cache_state(bek_page) is None
    assert 'data-count="2"' in ana_page.text and 'data-count="3"' in bek_page.text
    assert 'data-count="3"' not in ana_page.text and 'data-count="2"' not in bek_page.text
    for page in (before, after):
        html = page.text
        assert 'data-count="2"' not in html and 'data-count="3"' not in html
        for user in (ana, bek):
            assert str(user.phone) not in html and user.full_name.split()[0] not in html
        assert _tokens(html) == {CSRF_PLACEHOLDER}
    for page in (ana_page, bek_page):
        assert CSRF_PLACEHOLDER not in page.text
        assert not _tokens(page.text) & _tokens(after.text)
        assert "private" in page["Cache-Control"]
        assert "cookie" in page["Vary"].lower()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_private_page(court):
    visitor().get("/kg/products/")
    client = visitor()
    client.post("/kg/cart/add/", {"sku": 999_999, "quantity": 1}, HTTP_REFERER="/kg/products/")
    # The refusal began a session; with only the message cookie the page is still the visitor's own.
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    assert CookieStorage.cookie_name in client.cookies

    response = client.get("/kg/products/")

    assert cache_state(response) is None
    assert "private" in response["Cache-Control"]


def test_a_page_whose_rendering_began_a_session_is_not_kept(court, rf):
    def rendering_with_a_session(request):
        response = HttpResponse("<p>Someone's page</p>")
        response.set_cookie(settings.SESSION_COOKIE_NAME, "abc")
        return response

    middleware = page_cache.SharedPageCacheMiddleware(rendering_with_a_session)
    first = middleware(rf.get("/kg/products/"))
    second = middleware(rf.get("/kg/products/"))

    assert cache_state(first) == cache_state(second) == "miss"
    assert "private" in second["Cache-Control"]


# --- forms on a shared page --------------------------------------------------------------------------


def test_the_csrf_endpoint_hands_a_token_that_a_cached_pages_form_can_post_with(court):
    client = visitor()
    page = client.get("/kg/p/court-sneakers/")
    page = client.get("/kg/p/court-sneakers/")
    assert cache_state(page) == "hit" and CSRF_PLACEHOLDER in page.text

    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.get("/csrf/")
    assert answer.status_code == 200
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    token = answer.json()["token"]

    sku = court.skus.get(size="40")
    added = client.post("/kg/cart/add/", {"sku": sku.pk, "quantity": 1}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)

    assert added.status_code == 200
    assert CartItem.objects.filter(sku=sku, quantity=1).exists()


def test_a_form_posted_without_javascript_asks_to_confirm_and_nothing_happens_until_then(court):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sku = court.skus.get(size="41")

    refused = client.post(
        "/kg/cart/add/",
        {"csrfmiddlewaretoken": CSRF_PLACEHOLDER, "sku": sku.pk, "quantity": 2, "next": "/kg/p/court-sneakers/"},
    )

    assert refused.status_code == 403
    assert "Please confirm" in refused.text
    assert not CartItem.objects.exists()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', refused.text))
    assert fields["sku"] == str(sku.pk) and fields["quantity"] == "2"
    assert fields["csrfmiddlewaretoken"] != CSRF_PLACEHOLDER
    assert 'href="/kg/p/court-sneakers/"' in refused.text

    confirmed = client.post("/kg/cart/add/", fields)

    assert confirmed.status_code == 302 and confirmed["Location"] == "/kg/p/court-sneakers/"
    assert CartItem.objects.get().quantity == 2


def test_a_confirmation_is_only_offered_for_a_shared_pages_own_forms(court, kg_shopper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kg_shopper)

    refused = client.post("/accounts/addresses/new/", {"csrfmiddlewaretoken": CSRF_PLACEHOLDER})

    assert refused.status_code == 403
    assert "Please confirm" not in refused.text


def test_the_confirmation_is_translated(court):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ru")
    refused = client.post("/kg/cart/add/", {"sku": court.skus.first().pk})
    assert refused.status_code == 403
    assert "Подтвердите действие" in refused.text


# --- a change shows -----------------------------------------------------------------------------------


def _cached(url):
    visitor().get(url)
    assert cache_state(visitor().get(url)) == "hit"


def test_a_price_change_shows_at_the_next_request(court, django_capture_on_commit_callbacks):
    _cached("/kg/p/court-sneakers/")

    with django_capture_on_commit_callbacks(execute=True):
        court.price = Decimal("3990")
        court.save()
        court.skus.update(price=Decimal("3990"))

    page = visitor().get("/kg/p/court-sneakers/")
    assert cache_state(page) == "miss"
    assert re.search(r"3\W?990", page.text) and not re.search(r"4\W?990", page.text)


def test_a_market_price_a_product_a_category_and_a_banner_each_show_at_the_next_request(
    court, django_capture_on_commit_callbacks
):
    changes = [
        lambda: MarketPrice.objects.create(product=court, sku=court.skus.first(), market="KG", price=Decimal("3500")),
        lambda: setattr(court, "name", "Court Sneakers II") or court.save(),
        lambda: Category.objects.get(slug="shoes").save(),
        lambda: BannerFactory(title="Winter sale", market="KG"),
    ]
    for change in changes:
        _cached("/kg/")
        _cached("/kg/p/court-sneakers/")
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert cache_state(visitor().get("/kg/")) == "miss"
        assert cache_state(visitor().get("/kg/p/court-sneakers/")) == "miss"
    assert "Winter sale" in visitor().get("/kg/").text
    assert "Court Sneakers II" in visitor().get("/kg/p/court-sneakers/").text


def test_a_moderated_review_shows_at_the_next_request(court, django_capture_on_commit_callbacks, admin_user):
    review = ReviewFactory(product=court, title="Runs true to size", is_approved=False)
    _cached("/kg/p/court-sneakers/")
    assert "Runs true to size" not in visitor().get("/kg/p/court-sneakers/").text

    with django_capture_on_commit_callbacks(execute=True):
        approve_reviews(review_ids=[review.pk], by=admin_user)

    page = visitor().get("/kg/p/court-sneakers/")
    assert cache_state(page) == "miss"


def test_nothing_is_renewed_before_the_change_commits(court, django_capture_on_commit_callbacks):
    _cached("/kg/products/")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        court.save()
        assert cache_state(visitor().get("/kg/products/")) == "hit"

    assert callbacks


def test_stock_sold_without_a_signal_shows_within_the_stated_seconds(court, settings):
    settings.PAGE_CACHE_SECONDS = 1
    _cached("/kg/p/court-sneakers/")

    SKU.objects.filter(product=court).update(stock=0)
    assert cache_state(visitor().get("/kg/p/court-sneakers/")) == "hit"
    time.sleep(1.1)

    page = visitor().get("/kg/p/court-sneakers/")
    assert cache_state(page) == "miss"
    assert "Out of stock" in page.text or "out of stock" in page.text.lower()


# --- off, or down --------------------------------------------------------------------------------------


def test_with_no_seconds_set_nothing_is_cached_and_pages_stay_as_before(court, settings):
    settings.PAGE_CACHE_SECONDS = 0

    for _ in range(2):
        response = visitor().get("/kg/products/")
        assert cache_state(response) is None
        assert "cookie" in response["Vary"].lower()


class Unreachable:
    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise ConnectionError("cache down")

        return refuse


def test_a_cache_that_cannot_be_reached_leaves_pages_rendered_afresh(court, monkeypatch, caplog):
    monkeypatch.setattr(page_cache, "cache", Unreachable())

    for _ in range(2):
        response = visitor().get("/kg/products/")
        assert response.status_code == 200
        assert "Court Sneakers" in response.text
    assert "unreachable" in caplog.text


def test_a_request_reads_the_pages_version_once_and_a_change_in_it_reads_the_new_one(court, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0  # a product page rendered afresh: its rows, SKUs and related are kept by version
    reads = []
    read = page_cache._read_version
    monkeypatch.setattr(page_cache, "_read_version", lambda: reads.append(1) or read())

    assert Client().get("/kg/p/court-sneakers/").status_code == 200
    assert len(reads) == 1

    before = page_cache.version()  # outside a request: read every time
    page_cache._new_version()
    assert page_cache.version() != before and len(reads) == 3

    seen = []

    def view(request):
        seen.append(page_cache.version())
        page_cache._new_version()  # a change committed during the request
        seen.append(page_cache.version())
        return HttpResponse("ok")

    page_cache.SharedPageCacheMiddleware(view)(RequestFactory().get("/kg/"))
    assert seen[0] != seen[1] and page_cache.version() == seen[1]


# --- small values held in each process while the version stands -----------------------------------------


def counting_read():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    return reads, read


def test_a_held_value_is_read_once_while_the_version_stands_and_afresh_after_a_change(
    django_capture_on_commit_callbacks,
):
    reads, read = counting_read()
    assert page_cache.held_while_current("test-held", read, seconds=60) == 1
    assert page_cache.held_while_current("test-held", read, seconds=60) == 1

    with django_capture_on_commit_callbacks(execute=True):
        page_cache.invalidate()  # what every merchandiser's change does, in any process

    assert page_cache.held_while_current("test-held", read, seconds=60) == 2
    assert len(reads) == 2


def test_a_held_value_lasts_at_most_its_seconds():
    _, read = counting_read()
    assert page_cache.held_while_current("test-held", read, seconds=0.2) == 1

    time.sleep(0.25)

    assert page_cache.held_while_current("test-held", read, seconds=0.2) == 2


def test_a_held_value_is_read_every_time_when_the_cache_is_unreachable(monkeypatch):
    _, read = counting_read()

    def unreachable():
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache, "version", unreachable)

    assert page_cache.held_while_current("test-held", read, seconds=60) == 1
    assert page_cache.held_while_current("test-held", read, seconds=60) == 2
