"""Prices, exchange rates, tax rates and stock: nonsense is refused with a field error when saved
through a form (the admin), and by the database when written any other way."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.models import SKU, ExchangeRate, MarketPrice
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import SalesTaxRate

pytestmark = pytest.mark.django_db


def field_errors(row):
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ProductFactory.build(price=Decimal("-5")), "price"),
        (lambda: ProductFactory.build(price=Decimal("100"), original_price=Decimal("90")), "original_price"),
        (lambda: SKU(product=ProductFactory(), sku_code="X-1", price=Decimal("0")), "price"),
        (lambda: SKU(product=ProductFactory(), sku_code="X-2", price=Decimal("10"), stock=-1), "stock"),
        (
            lambda: SKU(product=ProductFactory(), sku_code="X-3", price=Decimal("10"), original_price=Decimal("9")),
            "original_price",
        ),
        (lambda: MarketPrice(product=ProductFactory(), market="KG", price=Decimal("-1")), "price"),
        (
            lambda: MarketPrice(
                product=ProductFactory(), market="KG", price=Decimal("100"), original_price=Decimal("50")
            ),
            "original_price",
        ),
        (lambda: ExchangeRate(market="US", rate=Decimal("-1")), "rate"),
        (lambda: SalesTaxRate(state="TX", rate=Decimal("0.5")), "rate"),
        (lambda: SalesTaxRate(state="TX", rate=Decimal("-0.01")), "rate"),
    ],
    ids=[
        "product-negative-price",
        "product-original-below",
        "sku-zero-price",
        "sku-negative-stock",
        "sku-original-below",
        "market-price-negative",
        "market-price-original-below",
        "exchange-rate-negative",
        "tax-rate-too-high",
        "tax-rate-negative",
    ],
)
def test_nonsense_gets_a_field_error(build, field):
    assert field in field_errors(build())


def test_a_market_price_original_below_its_price_is_refused_by_the_database_too():
    product = ProductFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketPrice.objects.create(product=product, market="KG", price=Decimal("100"), original_price=Decimal("50"))


def test_the_admin_shows_a_tax_rate_error_on_the_field(admin_client):
    response = admin_client.post(
        reverse("admin:checkout_salestaxrate_add"), {"state": "TX", "rate": "0.5", "taxes_shipping": ""}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rate"]
    assert not SalesTaxRate.objects.filter(rate=Decimal("0.5")).exists()


def test_the_admin_shows_a_sku_price_error_on_the_field(admin_client):
    sku = SKUFactory()
    page = admin_client.get(reverse("admin:catalog_sku_change", args=[sku.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"price": "-3", "stock": str(sku.stock), "initial-stock": str(sku.stock)})

    response = admin_client.post(reverse("admin:catalog_sku_change", args=[sku.pk]), data)

    assert response.status_code == 200
    assert "price" in response.context["adminform"].form.errors
