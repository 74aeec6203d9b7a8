"""Catalog fixtures shared by the listing and facet tests."""

import re

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def without_tokens(html):
    """`html` without its CSRF tokens (forms' and HTMX's), masked afresh for each response."""
    html = TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)


def product(subcategory, name, *, skus=(), **kwargs):
    """A product of `subcategory` with SKUs given as (size, color, stock) or (size, color, stock, is_active)."""
    item = ProductFactory(category=subcategory.category, subcategory=subcategory, name=name, **kwargs)
    for size, color, stock, *active in skus:
        SKUFactory(product=item, size=size, color=color, stock=stock, is_active=active[0] if active else True)
    return item


@pytest.fixture
def wardrobe(db):
    """Men › Shirts and Men › Trousers in KG, with one US-only and one inactive product that never count."""
    men = CategoryFactory(name="Men", slug="men")
    shirts = SubcategoryFactory(category=men, name="Shirts", slug="shirts")
    trousers = SubcategoryFactory(category=men, name="Trousers", slug="trousers")
    product(
        shirts,
        "Oxford",
        brand="Atelier",
        price="1000.00",
        sales_count=10,
        rating="4.50",
        skus=[("S", "Black", 5), ("M", "White", 0)],
    )
    product(
        shirts,
        "Poplin",
        brand="Nord",
        price="2000.00",
        original_price="2500.00",
        sales_count=30,
        rating="3.00",
        skus=[("M", "Black", 3)],
    )
    product(
        trousers,
        "Chino",
        brand="Atelier",
        price="3000.00",
        in_stock=False,
        sales_count=20,
        rating="5.00",
        skus=[("L", "Blue", 0), ("XL", "Red", 5, False)],
    )
    # Sold everywhere, priced in dollars: $25 × 87.45 = 2 186.25, shown as 2 189 som.
    product(trousers, "Cargo", brand="Nord", market="ALL", price="25.00", skus=[("S", "Blue", 4)])
    product(shirts, "American", brand="Atelier", market="US", price="30.00", skus=[("M", "Black", 9)])
    product(shirts, "Retired", brand="Nord", is_active=False, skus=[("M", "Black", 9)])
    return men
