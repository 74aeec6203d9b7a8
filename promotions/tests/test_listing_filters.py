"""A running sale's products count as "on sale" in every listing: the filter finds them and its count
says so, from the moment the sale starts to the moment it ends, with the listings' kept counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.facets import refresh_listing_facets
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from catalog.tests.test_views import QUERY_BUDGET
from promotions.tests.factories import SaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """Two KG coats in Outerwear, a KG shirt and an ALL-market shirt in Shirts, the facets counted."""
    outerwear = CategoryFactory(name="Outerwear", slug="outerwear", market="ALL")
    shirts = CategoryFactory(name="Shirts", slug="shirts", market="ALL")
    products = {
        "coat": ProductFactory(name="Wool Coat", slug="wool-coat", category=outerwear, market="KG"),
        "parka": ProductFactory(name="Parka", slug="parka", category=outerwear, market="KG"),
        "shirt": ProductFactory(name="Linen Shirt", slug="linen-shirt", category=shirts, market="KG"),
        "tee": ProductFactory(name="Plain Tee", slug="plain-tee", category=shirts, market="ALL"),
    }
    for product in products.values():
        SKUFactory(product=product, price=product.price, stock=3)
    refresh_listing_facets()
    return products


def names(html):
    return set(re.findall(r'<h3 class="text-sm font-medium">([^<]+)</h3>', html))


def sale_count(html):
    return int(re.search(r'id="filter-sale"[^>]*>.*?\((\d+)\)', html, re.S).group(1))


def test_a_category_sale_is_found_by_the_on_sale_filter_and_counted(
    client, catalog, django_capture_on_commit_callbacks
):
    assert sale_count(client.get("/kg/products/").content.decode()) == 0
    with django_capture_on_commit_callbacks(execute=True):  # as the admin saves it
        SaleFactory(market="KG", value=Decimal("20")).categories.add(catalog["coat"].category)

    everything = client.get("/kg/products/").content.decode()
    on_sale = client.get("/kg/products/?sale=1").content.decode()

    assert sale_count(everything) == 2
    assert names(on_sale) == {"Wool Coat", "Parka"}
    assert sale_count(client.get("/kg/c/outerwear/").content.decode()) == 2
    assert sale_count(client.get("/kg/c/shirts/").content.decode()) == 0


def test_a_sale_on_one_product_or_one_sku_counts_that_product_only(client, catalog):
    SaleFactory(market="KG").products.add(catalog["shirt"])
    SaleFactory(market="KG").skus.add(catalog["tee"].skus.get())

    on_sale = client.get("/kg/products/?sale=1").content.decode()

    assert names(on_sale) == {"Linen Shirt", "Plain Tee"}
    assert sale_count(client.get("/kg/c/shirts/").content.decode()) == 2


def test_a_kg_sale_leaves_the_us_listing_alone(client, catalog):
    SaleFactory(market="KG").products.add(catalog["tee"])

    us = client.get("/us/products/").content.decode()

    assert sale_count(us) == 0
    assert "Plain Tee" not in names(client.get("/us/products/?sale=1").content.decode())
    assert names(client.get("/kg/products/?sale=1").content.decode()) == {"Plain Tee"}


def test_a_sale_counts_only_while_it_runs(client, catalog):
    now = timezone.now()
    category = catalog["coat"].category
    SaleFactory(market="KG", starts_at=now + timedelta(days=1)).categories.add(category)
    SaleFactory(market="KG", starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1)).categories.add(
        category
    )
    SaleFactory(market="KG", is_active=False).categories.add(category)

    assert sale_count(client.get("/kg/products/").content.decode()) == 0
    assert names(client.get("/kg/products/?sale=1").content.decode()) == set()


def test_the_on_sale_count_costs_one_query_more_only_while_a_sale_runs(client, catalog, django_assert_max_num_queries):
    SaleFactory(market="KG").categories.add(catalog["coat"].category)
    client.get("/kg/products/")  # the kept counts and the sales book, read once

    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get("/kg/products/").status_code == 200


def test_a_search_counts_a_sale_from_the_moment_it_runs(client, catalog, django_capture_on_commit_callbacks):
    # The search's SQL is built once per market, rate, language and set of running sales: a sale
    # saved, a product added to it or a sale switched off each gives the next search its own.
    def on_sale(words):
        counted = sale_count(client.get(f"/kg/search/?q={words}").content.decode())
        found = names(client.get(f"/kg/search/?q={words}&sale=1").content.decode())
        assert counted == len(found)
        return found

    assert on_sale("linen") == set()
    with django_capture_on_commit_callbacks(execute=True):  # as the admin saves it
        sale = SaleFactory(market="KG", value=Decimal("20"))
        sale.categories.add(catalog["coat"].category)
    assert on_sale("parka") == {"Parka"}
    assert on_sale("linen") == {"Wool Coat", "Parka"}

    with django_capture_on_commit_callbacks(execute=True):
        sale.products.add(catalog["shirt"])
    assert on_sale("linen") == {"Wool Coat", "Parka", "Linen Shirt"}

    with django_capture_on_commit_callbacks(execute=True):
        sale.is_active = False
        sale.save()
    assert on_sale("linen") == set()
