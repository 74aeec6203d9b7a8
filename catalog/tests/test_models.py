"""Catalog rules the database keeps, and a product's price in each market."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import SKU, Category, ExchangeRate, MarketPrice, Product, Wishlist, WishlistItem
from catalog.pricing import MarketPricing
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from storefront.markets import get_market

pytestmark = pytest.mark.django_db


def refused_by_database():
    return pytest.raises(IntegrityError)


# --- SKUs --------------------------------------------------------------------------------------


def test_sku_stock_cannot_go_below_zero():
    sku = SKUFactory(stock=0)
    with refused_by_database(), transaction.atomic():
        SKU.objects.filter(pk=sku.pk).update(stock=-1)
    sku.refresh_from_db()
    assert sku.stock == 0


def test_a_sku_cannot_be_created_with_negative_stock():
    with refused_by_database(), transaction.atomic():
        SKUFactory(stock=-3)


def test_sku_codes_are_unique_across_products():
    SKUFactory(sku_code="LIN-SHIRT-M-SAND")
    with refused_by_database(), transaction.atomic():
        SKUFactory(sku_code="LIN-SHIRT-M-SAND")


def test_a_product_has_one_sku_per_size_and_color():
    first = SKUFactory(size="M", color="Sand")
    with refused_by_database(), transaction.atomic():
        SKUFactory(product=first.product, size="M", color="Sand")


def test_the_same_size_and_color_is_fine_on_another_product_or_in_another_color():
    first = SKUFactory(size="M", color="Sand")
    SKUFactory(size="M", color="Sand")
    SKUFactory(product=first.product, size="M", color="Navy")
    SKUFactory(product=first.product, size="L", color="Sand")
    assert SKU.objects.count() == 4


# --- wishlists and categories ------------------------------------------------------------------


def test_a_product_is_in_a_wishlist_once(kg_shopper):
    wishlist = Wishlist.objects.create(user=kg_shopper)
    product = ProductFactory()
    WishlistItem.objects.create(wishlist=wishlist, product=product)
    with refused_by_database(), transaction.atomic():
        WishlistItem.objects.create(wishlist=wishlist, product=product)
    WishlistItem.objects.create(wishlist=wishlist, product=ProductFactory())
    assert wishlist.items.count() == 2


def test_two_wishlists_may_hold_the_same_product(kg_shopper, us_shopper):
    product = ProductFactory(market="ALL")
    for user in (kg_shopper, us_shopper):
        WishlistItem.objects.create(wishlist=Wishlist.objects.create(user=user), product=product)
    assert product.wishlist_items.count() == 2


def test_a_category_name_is_unique_within_a_market():
    CategoryFactory(name="Dresses", market="KG")
    with refused_by_database(), transaction.atomic():
        CategoryFactory(name="Dresses", market="KG")


def test_the_same_category_name_is_allowed_in_another_market():
    CategoryFactory(name="Dresses", market="KG", slug="dresses")
    CategoryFactory(name="Dresses", market="US", slug="dresses")
    CategoryFactory(name="Dresses", market="ALL", slug="dresses")
    assert Category.objects.filter(name="Dresses").count() == 3


# --- where a product is sold and what currency its price is in -----------------------------------


def test_a_products_price_is_in_its_markets_currency_or_the_catalog_base():
    assert ProductFactory.build(market="KG").base_currency == "KGS"
    assert ProductFactory.build(market="US").base_currency == "USD"
    assert ProductFactory.build(market="ALL").base_currency == "USD"


# --- prices in a market ------------------------------------------------------------------------


def resolve_price(item, market):
    """(price, original) of a product (with its fixed prices annotated) or a SKU in `market`."""
    pricing = MarketPricing.load(get_market(market))
    if isinstance(item, Product):
        price = pricing.product_price(Product.objects.with_prices(pricing).get(pk=item.pk))
    else:
        price = pricing.sku_price(item)
    return price.amount, price.original


def test_a_kg_product_in_kg_costs_its_price_in_som_unrounded():
    product = ProductFactory(market="KG", price=Decimal("2995.00"), original_price=Decimal("3500.00"))
    assert resolve_price(product, "KG") == (Decimal("2995.00"), Decimal("3500.00"))


def test_a_us_product_in_us_costs_its_price_in_dollars():
    product = ProductFactory(market="US", price=Decimal("49.50"))
    assert resolve_price(product, "US") == (Decimal("49.50"), None)


def test_the_data_migration_seeds_the_kg_exchange_rate():
    assert ExchangeRate.objects.get(market="KG").rate == Decimal("87.450000")


def test_an_all_product_in_kg_is_converted_with_the_exchange_rate_and_rounded():
    product = ProductFactory(market="ALL", price=Decimal("25.00"), original_price=Decimal("40.00"))
    # 25 × 87.45 = 2 186.25 → 2 189 som; 40 × 87.45 = 3 498 → 3 499 som.
    assert resolve_price(product, "KG") == (Decimal("2189.00"), Decimal("3499.00"))


def test_a_new_exchange_rate_changes_the_kg_price():
    rate = ExchangeRate.objects.get(market="KG")
    rate.rate = Decimal("90")
    rate.save()
    product = ProductFactory(market="ALL", price=Decimal("25.00"))
    assert resolve_price(product, "KG") == (Decimal("2249.00"), None)


def test_an_all_product_in_us_keeps_its_dollar_price_unrounded():
    product = ProductFactory(market="ALL", price=Decimal("24.50"), original_price=Decimal("30.00"))
    assert resolve_price(product, "US") == (Decimal("24.50"), Decimal("30.00"))


def test_a_sku_is_priced_like_its_product():
    sku = SKUFactory(product=ProductFactory(market="ALL", price=Decimal("25.00")), price=Decimal("27.00"))
    # 27 × 87.45 = 2 361.15 → 2 369 som.
    assert resolve_price(sku, "KG") == (Decimal("2369.00"), None)
    assert resolve_price(sku, "US") == (Decimal("27.00"), None)


def test_a_fixed_market_price_wins_over_conversion():
    product = ProductFactory(market="ALL", price=Decimal("25.00"))
    MarketPrice.objects.create(
        product=product, market="KG", price=Decimal("1990.00"), original_price=Decimal("2490.00")
    )
    assert resolve_price(product, "KG") == (Decimal("1990.00"), Decimal("2490.00"))


def test_a_kg_product_has_no_us_price():
    product = ProductFactory(market="KG", price=Decimal("2990.00"))
    with pytest.raises(ValueError, match="not sold in US"):
        resolve_price(product, "US")


def test_one_fixed_price_per_product_and_market():
    product = ProductFactory(market="ALL")
    MarketPrice.objects.create(product=product, market="KG", price=Decimal("1990"))
    MarketPrice.objects.create(product=product, market="US", price=Decimal("24.99"))
    with refused_by_database(), transaction.atomic():
        MarketPrice.objects.create(product=product, market="KG", price=Decimal("1890"))
