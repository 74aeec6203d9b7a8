import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Order, OrderStatusHistory
from checkout.status import change_status
from dashboard.models import DailyCodeUse, DailyProductSales, DailySales, LowStockSKU
from dashboard.rollups import rebuild_days, refresh_low_stock, sweep
from dashboard.tests.conftest import days_ago, placed

pytestmark = pytest.mark.django_db
S = Order.Status


def test_rebuilt_days_match_the_raw_orders_cancelled_ones_counted_apart():
    today = timezone.localdate()
    placed(days_ago(2), total="1000.00")
    placed(days_ago(2, hour=23), total="500.00", status=S.SHIPPED)
    placed(days_ago(2), total="700.00", status=S.CANCELLED)
    placed(days_ago(1), total="300.00", status=S.PENDING)
    placed(days_ago(1), market="US", total="71.67")

    rebuild_days(start=today - datetime.timedelta(days=5), end=today)

    kg = DailySales.objects.get(market="KG", day=today - datetime.timedelta(days=2))
    assert (kg.orders, kg.revenue, kg.cancelled, kg.cancelled_amount) == (3, Decimal("1500.00"), 1, Decimal("700.00"))
    assert (kg.delivered, kg.shipped, kg.pending, kg.currency) == (1, 1, 0, "KGS")
    us = DailySales.objects.get(market="US")
    assert (us.revenue, us.currency) == (Decimal("71.67"), "USD")
    # The same sums straight from the orders, day by day, market by market.
    kept = Order.objects.exclude(status=S.CANCELLED).values("market").annotate(n=Count("id"), total=Sum("total_amount"))
    for row in kept:
        rolled = DailySales.objects.in_markets([row["market"]]).aggregate(
            orders=Sum("orders"), cancelled=Sum("cancelled"), revenue=Sum("revenue")
        )
        assert rolled["orders"] - rolled["cancelled"] == row["n"]
        assert rolled["revenue"] == row["total"]


def test_products_categories_and_codes_count_only_orders_not_cancelled():
    category = CategoryFactory(name="Shirts", market="KG")
    sku = SKUFactory(product=ProductFactory(market="KG", category=category, name="Linen shirt"), price="2000.00")
    line = {"sku": sku, "price": Decimal("2000.00"), "quantity": 2, "subtotal": Decimal("4000.00")}
    placed(days_ago(1), items=[line], discount=Decimal("400.00"), discount_code_text="SPRING")
    placed(days_ago(1), items=[line], status=S.CANCELLED, discount=Decimal("400.00"), discount_code_text="SPRING")
    day = timezone.localdate() - datetime.timedelta(days=1)

    rebuild_days(start=day, end=day)

    product = DailyProductSales.objects.get()
    assert (product.product_name, product.category, product.quantity, product.revenue) == (
        "Linen shirt",
        category,
        2,
        Decimal("4000.00"),
    )
    code = DailyCodeUse.objects.get()
    assert (code.code, code.orders, code.discount) == ("SPRING", 1, Decimal("400.00"))
    sales = DailySales.objects.get()
    assert (sales.items_sold, sales.code_orders, sales.code_discount) == (2, 1, Decimal("400.00"))


def test_a_rebuild_replaces_the_days_it_covers_and_leaves_the_others():
    order = placed(days_ago(3), total="900.00")
    placed(days_ago(8), total="100.00")
    today = timezone.localdate()
    rebuild_days(start=today - datetime.timedelta(days=10), end=today)
    Order.objects.filter(pk=order.pk).update(status=S.CANCELLED)

    rebuild_days(start=today - datetime.timedelta(days=3), end=today - datetime.timedelta(days=3))

    assert DailySales.objects.get(day=today - datetime.timedelta(days=3)).revenue == 0
    assert DailySales.objects.get(day=today - datetime.timedelta(days=8)).revenue == Decimal("100.00")
    assert DailySales.objects.count() == 2


def test_cancelling_an_order_refreshes_its_day_once_the_change_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = placed(days_ago(4), total="1200.00", status=S.CONFIRMED)
    day = timezone.localdate() - datetime.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        order.save()  # the update of created_at above did not go through save(): this one does
    assert DailySales.objects.get(day=day).revenue == Decimal("1200.00")

    with django_capture_on_commit_callbacks(execute=True):
        change_status(order=order, to=S.CANCELLED)

    row = DailySales.objects.get(day=day)
    assert (row.revenue, row.cancelled, row.cancelled_amount) == (0, 1, Decimal("1200.00"))


def test_the_sweep_rebuilds_every_day_first_then_only_days_with_status_changes():
    old = placed(days_ago(40), total="500.00", status=S.CONFIRMED)
    placed(days_ago(2), total="250.00")
    OrderStatusHistory.objects.create(order=old, status=S.CONFIRMED)

    assert sweep()["days"] == 2
    assert DailySales.objects.count() == 2

    # Changed behind the rollups' back (no save signal), but with its history row.
    Order.objects.filter(pk=old.pk).update(status=S.CANCELLED)
    OrderStatusHistory.objects.create(order=old, status=S.CANCELLED)
    assert sweep()["days"] == 1
    assert DailySales.objects.get(day=timezone.localdate(old.created_at)).cancelled == 1
    assert sweep()["days"] == 0


def test_low_stock_keeps_active_skus_at_or_under_the_threshold():
    low = SKUFactory(product=ProductFactory(market="US"), stock=2)
    SKUFactory(product=ProductFactory(market="KG"), stock=40)
    SKUFactory(product=ProductFactory(market="KG", is_active=False), stock=0)

    assert refresh_low_stock() == 1

    assert list(LowStockSKU.objects.values_list("sku_id", "stock", "market")) == [(low.pk, 2, "US")]
