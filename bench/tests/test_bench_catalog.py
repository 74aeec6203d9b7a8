import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import User
from accounts.roles import MARKET_MANAGER
from bench.catalog import SLUG_PREFIX
from bench.orders import MANAGER_PHONE, ORDER_PREFIX, SHOPPER_DOMAIN
from catalog.models import SKU, Category, Product, ProductFeature, ProductImage
from checkout.models import Order
from storefront.markets import Market, MarketScope


def test_bench_catalog_loads_products_skus_and_pictures_in_the_stated_proportions(load_bench):
    load_bench(products=30, orders=100)

    products = Product.objects.all()
    assert products.count() == 30
    assert all(slug.startswith(SLUG_PREFIX) for slug in products.values_list("slug", flat=True))
    # 7 in every 10 products have a picture, and those have a gallery of two.
    assert products.exclude(image="").count() == 21
    assert ProductImage.objects.count() == 42
    assert ProductFeature.objects.count() == 90
    skus_per_product = products.annotate(n=Count("skus")).values_list("n", flat=True)
    assert set(skus_per_product) == {3, 4, 5, 6}
    out_of_stock = SKU.objects.filter(stock=0).count() / SKU.objects.count()
    assert 0.06 <= out_of_stock <= 0.10
    assert set(products.values_list("market", flat=True)) == set(MarketScope.values)
    assert products.filter(original_price__gt=0).count() == 6  # one in five on sale
    # A product is in stock exactly when one of its active SKUs has stock.
    stocked = SKU.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0)
    assert not products.annotate(stocked=Exists(stocked)).exclude(in_stock=Q(stocked=True)).exists()
    assert products.filter(name__icontains="linen").exists()
    assert Category.objects.filter(slug="women", subcategories__slug="shirts").exists()


def test_bench_catalog_loads_orders_of_kg_and_us_shoppers_and_a_kg_manager(load_bench):
    load_bench(products=30, orders=100)

    orders = Order.objects.all()
    assert orders.count() == 100
    assert not orders.exclude(order_number__startswith=ORDER_PREFIX).exists()
    assert set(orders.values_list("status", flat=True)) == set(Order.Status.values)
    # Each order is in its shopper's market: the join and the column give the same list.
    for market in Market.values:
        by_column = set(orders.in_markets([market]).values_list("pk", flat=True))
        shoppers = User.objects.filter(email__endswith=SHOPPER_DOMAIN, market=market)
        assert by_column == set(orders.filter(user__in=shoppers).values_list("pk", flat=True))
        assert by_column
    assert User.objects.filter(email__endswith=SHOPPER_DOMAIN).count() == 5
    manager = User.objects.get(phone=MANAGER_PHONE)
    assert manager.is_staff and not manager.is_superuser
    assert manager.groups.filter(name=MARKET_MANAGER).exists()
    assert manager.managed_market_codes == [Market.KG]


def test_bench_catalog_keeps_a_loaded_size_and_reloads_another(load_bench):
    load_bench(products=30, orders=100)
    first_ids = set(Product.objects.values_list("pk", flat=True))
    first_orders = set(Order.objects.values_list("pk", flat=True))

    load_bench(products=30, orders=100)
    assert set(Product.objects.values_list("pk", flat=True)) == first_ids
    assert set(Order.objects.values_list("pk", flat=True)) == first_orders

    load_bench(products=40, orders=60)
    assert Product.objects.count() == 40
    assert Order.objects.count() == 60
    assert User.objects.filter(email__endswith=SHOPPER_DOMAIN).count() == 3
    assert User.objects.filter(phone=MANAGER_PHONE).count() == 1


def test_bench_catalog_refuses_a_database_with_a_catalog_of_its_own(load_bench, product_factory):
    product_factory(slug="a-real-shirt")

    with pytest.raises(CommandError, match="did not make"):
        load_bench(products=30, orders=10)
    assert Product.objects.count() == 1


def test_bench_catalog_prints_the_pages_to_measure(load_bench, settings):
    out = StringIO()
    load_bench(products=30, orders=20, json=True, stdout=out)

    targets = json.loads(out.getvalue().splitlines()[-1])
    product = Product.objects.get(slug=targets["product"])
    assert product.market in (MarketScope.KG, MarketScope.ALL)
    assert product.image
    assert product.skus.filter(size=targets["variant"]["size"], color=targets["variant"]["color"]).exists()
    assert targets["cart_skus"]
    assert not SKU.objects.filter(pk__in=targets["cart_skus"], stock=0).exists()
    assert targets["manager"]["phone"] == MANAGER_PHONE


def test_bench_catalogs_shopper_token_lists_their_orders_through_the_api(load_bench, client):
    out = StringIO()
    load_bench(products=30, orders=40, json=True, stdout=out)
    shopper = json.loads(out.getvalue().splitlines()[-1])["shopper"]

    response = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {shopper['token']}"})

    assert response.status_code == 200
    theirs = Order.objects.filter(user__phone=shopper["phone"])
    assert theirs.exists() and theirs.first().market == "KG"
    listed = [order["number"] for order in response.json()["results"]]
    assert listed == list(theirs.order_by("-created_at", "-pk").values_list("order_number", flat=True)[:20])
    assert client.get("/api/v1/orders").status_code == 401


def test_bench_order_sql_times_the_kg_list_both_ways(load_bench):
    load_bench(products=30, orders=100)
    out = StringIO()

    call_command("bench_order_sql", market="KG", runs=2, stdout=out)

    timing = json.loads(out.getvalue())
    assert timing["column"]["rows"] == timing["join"]["rows"] == Order.objects.in_markets(["KG"]).count()
    assert timing["column"]["count_ms"] > 0 and timing["join"]["page_ms"] > 0
