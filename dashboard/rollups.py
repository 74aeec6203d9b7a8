"""Keeping the daily figures (`dashboard.models`) true to the orders.

A day is a day of the order's market, in its own time zone (`MarketConfig.time_zone`): an order
placed at 02:00 in Bishkek counts on that day in Bishkek, as the market's banner figures do,
though it is still the day before in UTC.

- `rebuild_days`: the rows of some days and markets, thrown away and computed again from the
  orders in three grouped queries per market (indexed by market and creation date), under a
  transaction lock so two rebuilds of one day never interleave.
- `order_saved`: an order placed or saved queues the rebuild of its day once the change commits.
- `sweep`: what the scheduler runs every few minutes. The first sweep rebuilds every day since the
  first order; later ones rebuild the days of the orders whose status changed since the last one
  (read by the status history's id, an index of its own), and refresh the stock running low.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, DecimalField, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from catalog.models import SKU, Product
from checkout.models import Order, OrderItem, OrderStatusHistory
from dashboard.models import DailyCodeUse, DailyProductSales, DailySales, LowStockSKU, RollupState
from storefront.background import enqueue_after_commit
from storefront.markets import Market, get_market

# A SKU with this many units or fewer is running low; the sweep keeps the lowest ones per market.
LOW_STOCK = 5
LOW_STOCK_KEPT = 200
ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
Status = Order.Status


def _zone(code: str) -> ZoneInfo:
    return ZoneInfo(get_market(code).time_zone)


def today(codes=None) -> datetime.date:
    """Today in the time zone of the markets `codes` (every market by default): the latest of their
    todays, so a period ending today ends on the newest day any of them has begun."""
    return max(timezone.localdate(timezone=_zone(code)) for code in codes or Market.values)


def day_of(moment: datetime.datetime, code: str) -> datetime.date:
    """The day of market `code` (in its own time zone) that `moment` falls on."""
    return timezone.localdate(moment, timezone=_zone(code))


def day_start(day: datetime.date, code: str) -> datetime.datetime:
    """Midnight at the start of `day` in market `code`'s time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), _zone(code))


def _day(field, code):
    return TruncDate(field, tzinfo=_zone(code))


def _money(expression, **extra):
    return Coalesce(Sum(expression, **extra), ZERO)


def _lock_rollups():
    """Wait for any other rebuild to finish (PostgreSQL; released when the transaction ends)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended('dashboard-rollups', 0))")


def _sales_rows(orders, code):
    kept = ~Q(status=Status.CANCELLED)
    with_code = kept & ~Q(discount_code_text="")
    counts = {status: Count("id", filter=Q(status=status)) for status in Status.values}
    return (
        orders.annotate(day=_day("created_at", code))
        .values("market", "currency", "day")
        .annotate(
            orders=Count("id"),
            revenue=_money("total_amount", filter=kept),
            cancelled_amount=_money("total_amount", filter=Q(status=Status.CANCELLED)),
            code_orders=Count("id", filter=with_code),
            code_discount=_money("discount", filter=with_code),
            **counts,
        )
        .order_by()
    )


def _product_rows(orders, code):
    return (
        OrderItem.objects.filter(order__in=orders.exclude(status=Status.CANCELLED))
        .annotate(day=_day("order__created_at", code))
        .values("order__market", "order__currency", "day", "product_id", "product_name", "product__category_id")
        .annotate(units=Sum("quantity"), sold=_money("subtotal"))
        .order_by()
    )


def _code_rows(orders, code):
    return (
        orders.exclude(status=Status.CANCELLED)
        .exclude(discount_code_text="")
        .annotate(day=_day("created_at", code))
        .values("market", "currency", "day", "discount_code_text")
        .annotate(uses=Count("id"), taken_off=_money("discount"))
        .order_by()
    )


def rebuild_days(*, start: datetime.date, end: datetime.date, markets=None) -> int:
    """Make the daily rows of the days `start`..`end` (included) of `markets` (every market by
    default) what the orders say now; returns the number of days with orders."""
    codes = list(markets or Market.values)
    sales, products, uses = [], [], []
    with transaction.atomic():
        _lock_rollups()
        for code in codes:
            # The market's own days: from its midnight at the start of `start` to the one after `end`.
            orders = Order.objects.in_markets([code]).filter(
                created_at__gte=day_start(start, code),
                created_at__lt=day_start(end + datetime.timedelta(days=1), code),
            )
            sales += _sales_rows(orders, code)
            products += _product_rows(orders, code)
            uses += _code_rows(orders, code)
        items_sold = defaultdict(int)
        for row in products:
            items_sold[row["order__market"], row["day"]] += row["units"]
        for model in (DailySales, DailyProductSales, DailyCodeUse):
            model.objects.in_markets(codes).between(start, end).delete()
        DailySales.objects.bulk_create(
            DailySales(**row, items_sold=items_sold[row["market"], row["day"]]) for row in sales
        )
        DailyProductSales.objects.bulk_create(
            DailyProductSales(
                market=row["order__market"],
                currency=row["order__currency"],
                day=row["day"],
                product_id=row["product_id"],
                product_name=row["product_name"],
                category_id=row["product__category_id"],
                quantity=row["units"],
                revenue=row["sold"],
            )
            for row in products
        )
        DailyCodeUse.objects.bulk_create(
            DailyCodeUse(
                market=row["market"],
                currency=row["currency"],
                day=row["day"],
                code=row["discount_code_text"],
                orders=row["uses"],
                discount=row["taken_off"],
            )
            for row in uses
        )
    return len({(row["market"], row["day"]) for row in sales})


def rebuild_everything() -> int:
    """Rebuild every day of each market from its first order to its today; returns the number of
    days with orders."""
    with transaction.atomic():
        _lock_rollups()
        # Every row goes, days before a market's first order (or of a market without orders) too.
        for model in (DailySales, DailyProductSales, DailyCodeUse):
            model.objects.all().delete()
        firsts = dict(Order.objects.values_list("market").annotate(first=Min("created_at")).order_by())
        return sum(
            rebuild_days(start=day_of(first, code), end=today([code]), markets=[code]) for code, first in firsts.items()
        )


def order_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """Queue the rebuild of the order's day once its change commits (a post_save receiver)."""
    if raw or instance.created_at is None:
        return
    day = day_of(instance.created_at, instance.market)
    enqueue_after_commit("dashboard.tasks.refresh_sales_day", instance.market, day.isoformat())


def refresh_low_stock() -> int:
    """Keep the lowest-stocked active SKUs of each market (stock at or under LOW_STOCK)."""
    found = {}
    for code in Market.values:
        products = Product.objects.for_market(get_market(code)).active()
        rows = (
            SKU.objects.active()
            .filter(stock__lte=LOW_STOCK, product__in=products)
            .order_by("stock", "id")
            .values("id", "product__market", "product__name", "sku_code", "size", "color", "stock")[:LOW_STOCK_KEPT]
        )
        for row in rows:
            found[row["id"]] = LowStockSKU(
                sku_id=row["id"],
                market=row["product__market"],
                product_name=row["product__name"],
                sku_code=row["sku_code"],
                size=row["size"],
                color=row["color"],
                stock=row["stock"],
            )
    with transaction.atomic():
        LowStockSKU.objects.all().delete()
        LowStockSKU.objects.bulk_create(found.values())
    return len(found)


def sweep(*, everything: bool = False) -> dict:
    """Bring the daily figures up to date (see the module's docstring); `everything` rebuilds all days."""
    state, _ = RollupState.objects.get_or_create(pk=1)
    newest = OrderStatusHistory.objects.aggregate(newest=Max("id"))["newest"] or 0
    if everything or state.swept_at is None:
        days = rebuild_everything()
    else:
        changed = OrderStatusHistory.objects.filter(id__gt=state.last_history_id, id__lte=newest)
        by_market = {
            code: changed.of_orders_in_markets([code])
            .annotate(day=_day("order__created_at", code))
            .values_list("day", flat=True)
            .distinct()
            .order_by("day")
            for code in Market.values
        }
        days = 0
        for market, market_days in by_market.items():
            for day in market_days:
                days += rebuild_days(start=day, end=day, markets=[market])
    low = refresh_low_stock()
    state.last_history_id = newest
    state.swept_at = timezone.now()
    state.save()
    return {"days": days, "low_stock": low}
