import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db.models import Count, Sum
from django.utils import timezone

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Order, OrderStatusHistory
from checkout.status import change_status
from dashboard.models import DailyCodeUse, DailyProductSales, DailySales, LowStockSKU, RollupState
from dashboard.rollups import day_of, rebuild_days, refresh_low_stock, sweep
from dashboard.tests.conftest import days_ago, market_today, placed

pytestmark = pytest.mark.django_db
S = Order.Status


def test_rebuilt_days_match_the_raw_orders_cancelled_ones_counted_apart():
    today = market_today()
    placed(days_ago(2), total="1000.00")
    placed(days_ago(2, hour=23), total="500.00", status=S.SHIPPED)
    placed(days_ago(2), total="700.00", status=S.CANCELLED)
    placed(days_ago(1), total="300.00", status=S.PENDING)
    placed(days_ago(1, market="US"), market="US", total="71.67")

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
    day = market_today() - datetime.timedelta(days=1)

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
    today = market_today()
    rebuild_days(start=today - datetime.timedelta(days=10), end=today)
    Order.objects.filter(pk=order.pk).update(status=S.CANCELLED)

    rebuild_days(start=today - datetime.timedelta(days=3), end=today - datetime.timedelta(days=3))

    assert DailySales.objects.get(day=today - datetime.timedelta(days=3)).revenue == 0
    assert DailySales.objects.get(day=today - datetime.timedelta(days=8)).revenue == Decimal("100.00")
    assert DailySales.objects.count() == 2


def test_cancelling_an_order_refreshes_its_day_once_the_change_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = placed(days_ago(4), total="1200.00", status=S.CONFIRMED)
    day = market_today() - datetime.timedelta(days=4)
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
    assert DailySales.objects.get(day=day_of(old.created_at, "KG")).cancelled == 1
    assert sweep()["days"] == 0


def test_low_stock_keeps_active_skus_at_or_under_the_threshold():
    low = SKUFactory(product=ProductFactory(market="US"), stock=2)
    SKUFactory(product=ProductFactory(market="KG"), stock=40)
    SKUFactory(product=ProductFactory(market="KG", is_active=False), stock=0)

    assert refresh_low_stock() == 1

    assert list(LowStockSKU.objects.values_list("sku_id", "stock", "market")) == [(low.pk, 2, "US")]


def utc_day(moment):
    return moment.astimezone(datetime.UTC).date()


def test_an_order_counts_on_the_day_of_its_markets_own_time_zone():
    # 02:00 in Bishkek is still the day before in UTC; 22:00 in New York is already the day after.
    early = placed(days_ago(3, hour=2), total="500.00")
    late = placed(days_ago(3, hour=22, market="US"), market="US", total="20.00")
    kg_day, us_day = market_today("KG") - datetime.timedelta(days=3), market_today("US") - datetime.timedelta(days=3)
    assert utc_day(early.created_at) == kg_day - datetime.timedelta(days=1)
    assert utc_day(late.created_at) == us_day + datetime.timedelta(days=1)

    rebuild_days(
        start=min(kg_day, us_day) - datetime.timedelta(days=1), end=max(kg_day, us_day) + datetime.timedelta(days=1)
    )

    assert list(DailySales.objects.values_list("market", "day", "revenue")) == sorted(
        [("KG", kg_day, Decimal("500.00")), ("US", us_day, Decimal("20.00"))], key=lambda row: (row[1], row[0])
    )


def test_a_saved_order_refreshes_the_day_of_its_market(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = placed(days_ago(2, hour=1), total="800.00", status=S.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        order.save()

    row = DailySales.objects.get()
    assert (row.day, row.revenue) == (market_today("KG") - datetime.timedelta(days=2), Decimal("800.00"))
    assert row.day != utc_day(order.created_at)


def test_the_sweep_rebuilds_a_changed_order_on_its_markets_day():
    order = placed(days_ago(6, hour=23, market="US"), market="US", total="40.00", status=S.CONFIRMED)
    sweep()
    Order.objects.filter(pk=order.pk).update(status=S.CANCELLED)
    OrderStatusHistory.objects.create(order=order, status=S.CANCELLED)

    assert sweep()["days"] == 1

    row = DailySales.objects.get()
    assert (row.market, row.day, row.cancelled) == ("US", market_today("US") - datetime.timedelta(days=6), 1)


def test_figures_kept_by_utc_days_are_rebuilt_by_market_days_after_the_upgrade():
    migration = importlib.import_module("dashboard.migrations.0004_days_of_each_market")
    order = placed(days_ago(4, hour=3), total="650.00")
    # What the figures held before: the order on its UTC day, and a sweep already run.
    DailySales.objects.create(market="KG", currency="KGS", day=utc_day(order.created_at), orders=1, revenue="650.00")
    RollupState.objects.create(pk=1, last_history_id=0, swept_at=timezone.now())

    migration.rebuild_on_next_sweep(django_apps, None)
    sweep()

    assert list(DailySales.objects.values_list("day", "revenue")) == [
        (market_today("KG") - datetime.timedelta(days=4), Decimal("650.00"))
    ]
