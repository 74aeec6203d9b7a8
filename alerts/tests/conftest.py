"""A shirt with one size sold out, for the back-in-stock tests."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory, SKUFactory


@pytest.fixture
def shirt(db):
    return ProductFactory(slug="oxford", name="Oxford", market="KG", price=Decimal("2990"))


@pytest.fixture
def in_stock(shirt):
    return SKUFactory(product=shirt, sku_code="OX-S", size="S", color="Blue", stock=4)


@pytest.fixture
def sold_out(shirt, in_stock):
    return SKUFactory(product=shirt, sku_code="OX-M", size="M", color="Blue", stock=0)
