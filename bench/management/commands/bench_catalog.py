"""`manage.py bench_catalog --products 10000 --orders 1000000`: the benchmark's shop, loaded fast.

Made by the database itself (one INSERT … SELECT per table, see bench/bulk_sql.py): categories,
products with 3–6 SKUs, pictures and features (bench/catalog.py), shoppers and their orders, and a
KG market manager (bench/orders.py). A database that already holds the catalog or the orders of
the size asked for keeps them, so a rerun is quick; a different size is removed and loaded again.
A database holding products or orders this command did not make is refused, never touched.

After it, the commands that keep derived data (`rebuild_search_index`, `refresh_listing_facets`)
run when the project has them, then VACUUM (ANALYZE) of what was loaded (so the planner knows the
search columns they fill), and `--json` prints what the benchmark measures on the last line.
"""

import json
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench import catalog, orders
from bench.pictures import draw_pictures
from bench.targets import measured_targets

DERIVED_DATA_COMMANDS = ("rebuild_search_index", "refresh_listing_facets")


class Command(BaseCommand):
    help = "Load the benchmark's catalog and orders (kept when the database already holds that size)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=10_000, help="Products in the catalog (default 10000).")
        parser.add_argument("--orders", type=int, default=1_000_000, help="Orders, KG and US (default 1000000).")
        parser.add_argument("--json", action="store_true", help="Print the pages to measure as JSON, last.")

    def handle(self, *args, **options):
        products, order_count = options["products"], options["orders"]
        self.verbosity = options["verbosity"]
        if products < 1 or order_count < 0:
            raise CommandError("--products must be at least 1 and --orders zero or more.")
        if catalog.foreign_products().exists() or orders.foreign_orders().exists():
            raise CommandError(
                f"{connection.settings_dict['NAME']} holds products or orders bench_catalog did not make. "
                "Load the benchmark into a database of its own (DATABASE_URL)."
            )
        now = timezone.now()
        loaded_catalog = self._load_once(
            f"Catalog of {products} products",
            loaded=catalog.catalog_loaded(products),
            clear=catalog.clear_catalog,
            load=lambda: catalog.load_catalog(products, now=now),
        )
        loaded_orders = self._load_once(
            f"{order_count} orders",
            loaded=orders.orders_loaded(order_count),
            clear=orders.clear_orders,
            load=lambda: orders.load_orders(order_count, now=now),
        )
        loaded = loaded_catalog or loaded_orders
        orders.ensure_manager()
        draw_pictures()
        for name in DERIVED_DATA_COMMANDS:
            if name in get_commands():
                started = time.monotonic()
                call_command(name, verbosity=0)
                self._say(f"{name} in {time.monotonic() - started:.1f} s.")
        # After the derived data, which rewrites every product's row (its search columns): the
        # planner needs the statistics of what is there (search words, not empty columns), and
        # index-only scans a visibility map. VACUUM cannot run inside a transaction (a test's);
        # autovacuum gets there later.
        if loaded and connection.vendor == "postgresql" and not connection.in_atomic_block:
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            self._say(f"Vacuumed and analysed in {time.monotonic() - started:.1f} s.")
        if options["json"]:
            self.stdout.write(json.dumps(measured_targets(), ensure_ascii=False))

    def _say(self, message):
        if self.verbosity:
            self.stderr.write(message)

    def _load_once(self, what, *, loaded, clear, load):
        """Clear and load `what` unless it is loaded already; whether it was loaded now."""
        if loaded:
            self._say(f"{what}: already loaded.")
            return False
        started = time.monotonic()
        clear()
        counts = load()
        self._say(f"{what} loaded in {time.monotonic() - started:.1f} s: {self._counts(counts)}.")
        return True

    @staticmethod
    def _counts(counts):
        return ", ".join(f"{count} {name}" for name, count in counts.items())
