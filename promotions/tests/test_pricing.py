"""Sale prices in each market's currency and rounding, and tax worked out after a code's discount."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import MarketPrice
from catalog.pricing import MarketPricing
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.totals import StateTax, order_totals
from promotions.codes import CodeOffer
from promotions.models import DiscountCode, Sale
from promotions.tests.factories import SaleFactory
from storefront.markets import get_market

pytestmark = pytest.mark.django_db

KG, US = get_market("KG"), get_market("US")


def priced(product, market):
    return MarketPricing.load(market).product_price(product)


def test_a_percentage_sale_on_a_category_marks_its_products_down_in_som_rounding():
    category = CategoryFactory()
    product = ProductFactory(market="KG", category=category, price=Decimal("1990.00"))
    SaleFactory(market="KG", value=Decimal("20")).categories.add(category)

    price = priced(product, KG)

    # 1 990 × 0.8 = 1 592, rounded by the som rule (up to the next ten, less one) → 1 599.
    assert price.amount == Decimal("1599.00")
    assert price.original == Decimal("1990.00")
    assert price.display == "1 599 som" and price.original_display == "1 990 som"
    assert price.discount_percent == 20
    assert price.sale.name == "Spring sale"


def test_a_fixed_amount_sale_on_a_us_product_keeps_the_dollar_ending():
    product = ProductFactory(market="US", price=Decimal("30.00"))
    SaleFactory(market="US", kind=Sale.Kind.AMOUNT, value=Decimal("5.50")).products.add(product)

    price = priced(product, US)

    assert price.amount == Decimal("24.99")  # 24.50 → the $x.99 rule
    assert price.original_display == "$30.00"


def test_an_all_markets_product_on_sale_in_kg_only_keeps_its_us_price():
    product = ProductFactory(market="ALL", price=Decimal("40.00"))
    MarketPrice.objects.create(product=product, market="KG", price="3490.00")
    SaleFactory(market="KG", value=Decimal("10")).products.add(product)

    assert priced(product, KG).amount == Decimal("3149.00")  # 3 141 → 3 149
    assert not priced(product, US).is_discounted


def test_a_sale_on_one_sku_marks_that_sku_down_only():
    product = ProductFactory(market="KG", price=Decimal("2000.00"))
    on_sale, other = SKUFactory(product=product, price=product.price), SKUFactory(product=product, price=product.price)
    SaleFactory(market="KG", value=Decimal("50")).skus.add(on_sale)
    pricing = MarketPricing.load(KG)

    assert pricing.sku_price(on_sale, product).amount == Decimal("999.00")
    assert not pricing.sku_price(other, product).is_discounted
    assert not pricing.product_price(product).is_discounted


def test_the_lowest_of_two_sales_wins_and_a_compare_at_price_stays_struck():
    product = ProductFactory(market="KG", price=Decimal("2000.00"), original_price=Decimal("2500.00"))
    SaleFactory(value=Decimal("10")).products.add(product)
    SaleFactory(name="Flash", value=Decimal("30")).products.add(product)

    price = priced(product, KG)

    assert price.amount == Decimal("1399.00") and price.original == Decimal("2500.00")  # 1 400 → 1 399
    assert price.sale.name == "Flash"


def test_a_scheduled_sale_applies_only_inside_its_schedule():
    now = timezone.now()
    product = ProductFactory(market="KG", price=Decimal("2000.00"))
    SaleFactory(starts_at=now + timedelta(hours=1)).products.add(product)
    SaleFactory(ends_at=now - timedelta(minutes=1)).products.add(product)
    SaleFactory(is_active=False).products.add(product)

    assert not priced(product, KG).is_discounted


def test_a_sale_shows_its_name_in_the_shoppers_language():
    from django.utils import translation

    product = ProductFactory(market="KG", price=Decimal("2000.00"))
    SaleFactory().products.add(product)

    with translation.override("ru"):
        assert priced(product, KG).sale.name == "Весенняя распродажа"


# --- tax after the discount ---------------------------------------------------------------------


def offer(kind, **kwargs):
    return CodeOffer(code="X", code_id=1, kind=kind, **kwargs)


def test_kg_vat_is_the_share_inside_the_discounted_total():
    totals = order_totals([Decimal("6000.00")], KG, offer=offer(DiscountCode.Kind.PERCENT, percent=10))

    assert totals.discount == Decimal("600.00")
    assert totals.shipping == 0  # over the free-delivery threshold before the code
    assert totals.total == Decimal("5400.00")
    assert totals.tax == Decimal("579.00")  # 5 400 × 0.12 / 1.12 = 578.57, in whole som


def test_us_sales_tax_is_on_the_discounted_goods_and_the_delivery_still_charged():
    tax = StateTax(Decimal("0.08"), taxes_shipping=True)
    totals = order_totals([Decimal("50.00")], US, tax=tax, offer=offer(DiscountCode.Kind.AMOUNT, amount=Decimal("10")))

    assert totals.discount == Decimal("10.00")
    assert totals.shipping == Decimal("7.95")
    assert totals.tax == Decimal("3.84")  # (50 − 10 + 7.95) × 0.08 = 3.836
    assert totals.total == Decimal("51.79")  # 50 + 7.95 − 10 + 3.84


def test_free_delivery_takes_the_shipping_off_and_out_of_the_taxed_amount():
    tax = StateTax(Decimal("0.10"), taxes_shipping=True)
    totals = order_totals([Decimal("40.00")], US, tax=tax, offer=offer(DiscountCode.Kind.FREE_SHIPPING))

    assert totals.discount == Decimal("7.95") and totals.shipping == Decimal("7.95")
    assert totals.tax == Decimal("4.00")
    assert totals.total == Decimal("44.00")


def test_an_amount_off_never_takes_more_than_the_goods():
    totals = order_totals([Decimal("300.00")], KG, offer=offer(DiscountCode.Kind.AMOUNT, amount=Decimal("1000")))

    assert totals.discount == Decimal("300.00")
    assert totals.total == Decimal("250.00")  # only the delivery is left
