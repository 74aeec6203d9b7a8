"""Prices in the market's currency: fixed prices, converted and rounded base prices, on every page."""

from decimal import Decimal

import pytest

from catalog.models import ExchangeRate, MarketPrice, Product
from catalog.pricing import MarketPricing, Price
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from storefront import page_cache
from storefront.markets import MARKETS, get_market

pytestmark = pytest.mark.django_db


def priced(product, market):
    pricing = MarketPricing.load(get_market(market))
    return pricing.product_price(Product.objects.with_prices(pricing).get(pk=product.pk))


# --- MarketPricing ----------------------------------------------------------------------------------------


def test_a_kg_product_costs_its_own_price_in_som():
    price = priced(ProductFactory(market="KG", price="2990.00"), "KG")

    assert price == Price(Decimal("2990.00"), None, "KGS")
    assert price.display == "2 990 som"


def test_an_all_product_in_kg_is_converted_and_rounded_to_end_in_9():
    price = priced(ProductFactory(market="ALL", price="25.00", original_price="40.00"), "KG")

    # 25 × 87.45 = 2 186.25 → 2 189; 40 × 87.45 = 3 498 → 3 499.
    assert (price.amount, price.original) == (Decimal("2189.00"), Decimal("3499.00"))
    assert (price.display, price.original_display) == ("2 189 som", "3 499 som")
    assert price.discount_percent == 37


def test_an_all_product_in_us_keeps_its_dollar_price():
    price = priced(ProductFactory(market="ALL", price="24.50"), "US")

    assert price.display == "$24.50"


def test_a_fixed_market_price_wins_over_conversion_in_its_market_only():
    product = ProductFactory(market="ALL", price="25.00")
    MarketPrice.objects.create(product=product, market="KG", price="1990.00", original_price="2490.00")

    kg = priced(product, "KG")

    assert (kg.display, kg.original_display) == ("1 990 som", "2 490 som")
    assert priced(product, "US").display == "$25.00"


def test_a_sku_fixed_price_is_not_taken_for_the_products_price():
    product = ProductFactory(market="ALL", price="25.00")
    sku = SKUFactory(product=product)
    MarketPrice.objects.create(product=product, sku=sku, market="KG", price="990.00")

    assert priced(product, "KG").display == "2 189 som"


def test_the_exchange_rate_is_read_once_and_then_cached(django_assert_num_queries):
    page_cache.version()  # the shared pages' version, which the rate is held under, already started
    with django_assert_num_queries(2):  # the rate, and the market's running sales (promotions)
        MarketPricing.load(MARKETS["KG"])
    with django_assert_num_queries(0):
        assert MarketPricing.load(MARKETS["KG"]).rate == Decimal("87.45")


def test_the_us_market_needs_no_exchange_rate(django_assert_num_queries):
    MarketPricing.load(MARKETS["US"])  # the running sales, read once and kept
    with django_assert_num_queries(0):
        assert MarketPricing.load(MARKETS["US"]).rate == Decimal("1")


def test_a_new_exchange_rate_reaches_the_prices_at_once(django_capture_on_commit_callbacks):
    product = ProductFactory(market="ALL", price="25.00")
    MarketPricing.load(MARKETS["KG"])
    rate = ExchangeRate.objects.get(market="KG")
    rate.rate = Decimal("90")
    with django_capture_on_commit_callbacks(execute=True):
        rate.save()

    assert priced(product, "KG").display == "2 249 som"  # 25 × 90 = 2 250 → 2 249


def test_a_price_is_not_discounted_when_its_original_is_not_higher():
    price = Price(Decimal("100.00"), Decimal("100.00"), "USD")

    assert not price.is_discounted
    assert price.discount_percent == 0
    assert price.original_display == ""
    assert str(price) == "$100.00"


# --- every page shows the market's currency ---------------------------------------------------------------


@pytest.fixture
def everywhere(db):
    """A KG shirt in som and an ALL tee in dollars, featured and best-selling, in Men › Tops."""
    tops = SubcategoryFactory(category=CategoryFactory(slug="men"), slug="tops")
    common = {"category": tops.category, "subcategory": tops, "is_featured": True, "is_best_seller": True}
    ProductFactory(name="Linen Shirt", slug="linen-shirt", market="KG", price="2990.00", **common)
    tee = ProductFactory(name="Linen Tee", slug="linen-tee", market="ALL", price="25.00", **common)
    SKUFactory(product=tee, size="M", color="White", price="25.00")
    return tee


KG_PAGES = ["/kg/", "/kg/c/men/", "/kg/c/men/tops/", "/kg/products/", "/kg/best-sellers/", "/kg/search/?q=linen"]


@pytest.mark.parametrize("url", KG_PAGES)
def test_kg_pages_show_prices_in_som(client, everywhere, url):
    html = client.get(url).text

    assert "2 990 som" in html
    assert "2 189 som" in html
    assert "$25" not in html


@pytest.mark.parametrize("url", [u.replace("/kg/", "/us/") for u in KG_PAGES])
def test_us_pages_show_prices_in_dollars(client, everywhere, url):
    html = client.get(url).text

    assert "$25.00" in html
    assert "2 990" not in html  # the KG shirt is not sold in the US
    assert "som" not in html.split("<main", 1)[1]


def test_a_fixed_market_price_shows_on_listings_and_the_product_page(client, everywhere):
    MarketPrice.objects.create(product=everywhere, market="KG", price="1990.00")

    assert "1 990 som" in client.get("/kg/c/men/").text
    assert "1 990 som" in client.get("/kg/p/linen-tee/").text
    assert "2 189 som" not in client.get("/kg/products/").text


def test_the_product_page_prices_a_product_in_each_market(client, everywhere):
    kg = client.get("/kg/p/linen-tee/")
    us = client.get("/us/p/linen-tee/")

    assert "2 189 som" in kg.text
    assert '<meta property="product:price:currency" content="KGS">' in kg.text
    assert "$25.00" in us.text
    assert '<meta property="product:price:currency" content="USD">' in us.text


def test_a_discounted_product_shows_its_struck_price_and_percentage(client):
    ProductFactory(slug="sale-shirt", name="Sale Shirt", price="2000.00", original_price="2500.00", is_featured=True)

    html = client.get("/kg/products/").text

    assert "2 000 som" in html
    assert "2 500 som" in html
    assert "−20%" in html
