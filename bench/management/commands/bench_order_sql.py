"""`manage.py bench_order_sql --market KG`: the SQL time of a manager's order list, two ways.

The admin's order list counts a manager's orders and reads its first page (`OrderAdmin.list_per_page`
rows), newest first.
Both are timed (the median of `--runs`) with the orders found by their own market column, as the
admin does, and through a join on the shopper's market (bench/order_scoping.py), to show what
the column saves on a large table. Prints JSON.
"""

import json
import statistics
import time

from django.core.management.base import BaseCommand

from bench.order_scoping import orders_of_shoppers_in
from checkout.admin import OrderAdmin
from checkout.models import Order
from storefront.markets import Market

PAGE = OrderAdmin.list_per_page
COLUMNS = ("order_number", "order_date", "customer_name", "customer_phone", "market", "status", "payment_status")


def _median_ms(work, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def time_order_list(queryset, runs):
    """(rows, median ms of the count, median ms of the first page) of `queryset` as the admin lists it."""
    page = queryset.order_by("-created_at", "-pk").values_list(*COLUMNS)[:PAGE]
    return {
        "rows": queryset.count(),
        "count_ms": _median_ms(queryset.count, runs),
        "page_ms": _median_ms(lambda: list(page.all()), runs),  # a fresh query each run
    }


class Command(BaseCommand):
    help = "Time the SQL of a market's order list: by the order's market and through the shopper's market."

    def add_arguments(self, parser):
        parser.add_argument("--market", choices=Market.values, default=Market.KG)
        parser.add_argument("--runs", type=int, default=15, help="Runs of each query; the median is kept.")

    def handle(self, *args, market, runs, **options):
        results = {
            "market": market,
            "column": time_order_list(Order.objects.in_markets([market]), runs),
            "join": time_order_list(orders_of_shoppers_in(Order.objects.all(), [market]), runs),
        }
        self.stdout.write(json.dumps(results))
