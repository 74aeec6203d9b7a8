"""What the sales dashboard shows, read from the daily figures (never from the orders themselves).

`sales_report(codes=…, start=…, end=…)` returns one `Section` per market the viewer manages; all
money in a section is in that market's currency, so nothing is ever added across currencies. The
number of queries depends on the number of markets (two), not on the orders or the days.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from checkout.models import Order
from dashboard.models import DailyCodeUse, DailyProductSales, DailySales, LowStockSKU
from dashboard.rollups import today
from marketing.models import BannerStat, click_through_rate
from storefront.content import translated_column
from storefront.markets import MarketConfig, MarketQuerySet, get_market
from storefront.money import format_money, quantize

TOP = 10
LOW_STOCK_SHOWN = 20
ZERO = Decimal("0.00")
STATUSES = ("pending", "confirmed", "shipped", "delivered", "cancelled")


@dataclass
class Section:
    """One market's figures over the period, in its own currency."""

    market: MarketConfig
    start: datetime.date
    end: datetime.date
    days: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)
    banners: list[dict] = field(default_factory=list)
    low_stock: list = field(default_factory=list)

    @property
    def code(self):
        return self.market.code

    @property
    def query(self) -> str:
        """The section's own days as a query string, for its CSV links."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"

    @property
    def slug(self):
        return self.market.code.lower()

    @property
    def currency(self):
        return self.market.currency

    @property
    def totals(self) -> dict:
        revenue = sum((day["revenue"] for day in self.days), ZERO)
        orders = sum(day["orders"] for day in self.days)
        cancelled = sum(day["cancelled"] for day in self.days)
        kept = orders - cancelled
        average = quantize(revenue / kept) if kept else ZERO
        return {
            "revenue": revenue,
            "revenue_text": format_money(revenue, self.currency),
            "orders": orders,
            "cancelled": cancelled,
            "average": average,
            "average_text": format_money(average, self.currency),
            "items_sold": sum(day["items_sold"] for day in self.days),
            "code_orders": sum(day["code_orders"] for day in self.days),
            "code_discount": sum((day["code_discount"] for day in self.days), ZERO),
        }


def period_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _money_sum(name):
    return Coalesce(Sum(name), Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2)))


def _fill_days(section, sales_rows, banner_rows):
    sales = {row.day: row for row in sales_rows}
    banners = {row["date"]: row for row in banner_rows}
    for day in period_days(section.start, section.end):
        row = sales.get(day)
        orders = row.orders if row else 0
        cancelled = row.cancelled if row else 0
        revenue = row.revenue if row else ZERO
        kept = orders - cancelled
        section.days.append(
            {
                "day": day,
                "orders": orders,
                "revenue": revenue,
                "average": quantize(revenue / kept) if kept else ZERO,
                "cancelled": cancelled,
                "cancelled_amount": row.cancelled_amount if row else ZERO,
                "items_sold": row.items_sold if row else 0,
                "code_orders": row.code_orders if row else 0,
                "code_discount": row.code_discount if row else ZERO,
                **{status: getattr(row, status) if row else 0 for status in STATUSES},
            }
        )
        views = banners[day]["views"] if day in banners else 0
        clicks = banners[day]["clicks"] if day in banners else 0
        section.banners.append({"day": day, "views": views, "clicks": clicks, "ctr": click_through_rate(clicks, views)})
    labels = dict(Order.Status.choices)
    section.statuses = [
        {"status": status, "label": labels[status], "orders": sum(day[status] for day in section.days)}
        for status in STATUSES
    ]


def _top(queryset, keys):
    return list(
        queryset.values(*keys)
        .annotate(units=Sum("quantity"), sold=_money_sum("revenue"))
        .order_by("-sold", "-units", *keys)[:TOP]
    )


def own_days(code, start: datetime.date, end: datetime.date, *, same_length=False):
    """(first, last) day of the period that market `code` has begun: a period ending on a day its
    time zone has not reached (Bishkek's today, while New York is still on the day before) ends on
    its own today instead, and with `same_length` (the last N days) starts as much earlier."""
    last = min(end, today([code]))
    return (start - (end - last) if same_length else start), last


def sales_report(*, codes, start: datetime.date, end: datetime.date, same_length=False) -> list[Section]:
    """The figures of the markets `codes` from `start` to `end` (both included), one section each,
    over the days each market has begun (`own_days`)."""
    sections = {}
    for code in codes:
        own_start, own_end = own_days(code, start, end, same_length=same_length)
        sections[code] = Section(market=get_market(code), start=own_start, end=own_end)
    if not sections:
        return []
    first = min(section.start for section in sections.values())
    last = max(section.end for section in sections.values())
    sales = DailySales.objects.in_markets(codes).between(first, last).order_by("day")
    banner_rows = (
        MarketQuerySet(BannerStat)
        .in_markets(codes)
        .filter(date__gte=first, date__lte=last)
        .values("market", "date")
        .annotate(views=Sum("views"), clicks=Sum("clicks"))
        .order_by("date")
    )
    by_market = {code: ([], []) for code in codes}
    for row in sales:
        if row.currency == sections[row.market].currency:
            by_market[row.market][0].append(row)
    for row in banner_rows:
        by_market[row["market"]][1].append(row)
    for code, section in sections.items():
        _fill_days(section, *by_market[code])
        products = (
            DailyProductSales.objects.in_markets([code])
            .between(section.start, section.end)
            .filter(currency=section.currency)
        )
        section.products = _top(products, ("product_id", "product_name"))
        section.categories = _top(
            products.annotate(category_name=translated_column("category__name")), ("category_id", "category_name")
        )
        section.codes = list(
            DailyCodeUse.objects.in_markets([code])
            .between(section.start, section.end)
            .filter(currency=section.currency)
            .values("code")
            .annotate(uses=Sum("orders"), taken_off=_money_sum("discount"))
            .order_by("-uses", "code")[:TOP]
        )
        section.low_stock = list(LowStockSKU.objects.for_market(section.market)[:LOW_STOCK_SHOWN])
    return list(sections.values())
