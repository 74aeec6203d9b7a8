"""Sales on the storefront: the struck price on cards, the product page and its JSON-LD, and the
shared pages changing at the moment a scheduled sale starts or ends."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from catalog.tests.test_views import QUERY_BUDGET
from promotions.tests.factories import SaleFactory
from storefront import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def jacket():
    category = CategoryFactory(name="Outerwear", slug="outerwear", market="ALL")
    product = ProductFactory(
        name="Wool Jacket",
        slug="wool-jacket",
        category=category,
        market="KG",
        price=Decimal("1990.00"),
        is_featured=True,
    )
    SKUFactory(product=product, price=product.price, stock=4)
    return product


def json_ld_offer(page):
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S):
        data = json.loads(block)
        if data.get("@type") == "Product":
            return data["offers"]
    raise AssertionError("no Product JSON-LD")


def test_a_category_sale_shows_struck_prices_on_cards_and_the_product_page(client, jacket):
    ends = timezone.now() + timedelta(days=3)
    SaleFactory(market="KG", value=Decimal("20"), ends_at=ends).categories.add(jacket.category)

    listing = client.get("/kg/c/outerwear/").content.decode()
    page = client.get("/kg/p/wool-jacket/").content.decode()

    for html in (listing, page):
        assert "1 599 som" in html and "1 990 som" in html and "−20%" in html
    assert 'data-testid="sale-name">Spring sale' in page
    offer = json_ld_offer(page)
    assert offer["price"] == "1599.00" and offer["priceCurrency"] == "KGS"
    assert offer["priceValidUntil"] == ends.date().isoformat()


def test_a_saved_sale_renews_the_shared_pages_at_once(client, jacket, django_capture_on_commit_callbacks):
    assert client.get("/kg/p/wool-jacket/")["X-Page-Cache"] == "miss"
    assert client.get("/kg/p/wool-jacket/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        SaleFactory(value=Decimal("20")).products.add(jacket)

    response = client.get("/kg/p/wool-jacket/")
    assert response["X-Page-Cache"] == "miss" and "1 599 som" in response.content.decode()


def test_a_scheduled_sale_shows_the_moment_it_starts_and_goes_the_moment_it_ends(client, jacket, monkeypatch):
    now = timezone.now()
    starts, ends = now + timedelta(minutes=10), now + timedelta(minutes=40)
    SaleFactory(value=Decimal("20"), starts_at=starts, ends_at=ends).products.add(jacket)
    cache.clear()

    before = client.get("/kg/p/wool-jacket/")
    assert "1 599 som" not in before.content.decode()
    # Kept, and a CDN told to keep it, no longer than until the sale starts (here the full minute).
    assert "s-maxage=60" in before["Cache-Control"]
    assert client.get("/kg/p/wool-jacket/")["X-Page-Cache"] == "hit"

    monkeypatch.setattr(timezone, "now", lambda: starts + timedelta(seconds=1))
    during = client.get("/kg/p/wool-jacket/")
    assert during["X-Page-Cache"] == "miss" and "1 599 som" in during.content.decode()

    monkeypatch.setattr(timezone, "now", lambda: ends - timedelta(seconds=20))
    assert "s-maxage=20" in client.get("/kg/c/outerwear/")["Cache-Control"]

    monkeypatch.setattr(timezone, "now", lambda: ends)
    after = client.get("/kg/p/wool-jacket/")
    assert after["X-Page-Cache"] == "miss" and "1 599 som" not in after.content.decode()


def test_the_page_version_from_before_versions_had_an_end_is_still_read(client, jacket):
    cache.set(page_cache.VERSION_KEY, "oldversion12", None)

    assert client.get("/kg/p/wool-jacket/").status_code == 200


@pytest.mark.parametrize("url", ["/kg/p/wool-jacket/", "/kg/c/outerwear/", "/kg/"])
def test_pages_with_a_sale_stay_in_their_query_budget(client, jacket, django_assert_max_num_queries, url, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(3):
        SaleFactory(name=f"Sale {n}", value=Decimal(10 + n)).categories.add(jacket.category)
    cache.clear()
    # The catalog pages' budget (which counts reading the sales), plus reading their targets.
    with django_assert_max_num_queries(QUERY_BUDGET + 1):
        assert client.get(url).status_code == 200
