"""`manage.py rebuild_search_index`: refresh every product's stored search columns, a batch at a time."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from catalog.models import Product
from catalog.search_index import BATCH_SIZE, is_supported, refresh_in_batches, unindexed_products


class Command(BaseCommand):
    help = (
        "Rebuild the stored search columns (a text search vector per language and the typo-tolerant text) "
        "of every product, after bulk writes that skip save() or a change to how they are built."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=f"Products per UPDATE (default {BATCH_SIZE})."
        )
        parser.add_argument("--missing", action="store_true", help="Only products whose columns were never built.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, batch_size, missing, no_progress, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not is_supported():
            self.stdout.write(f"Search reads the text columns directly on {connection.vendor}: nothing to rebuild.")
            return
        products = unindexed_products() if missing else Product._base_manager.all()
        started = time.monotonic()
        total = products.count()
        show_progress = verbosity > 0 and not no_progress and sys.stderr.isatty()
        with tqdm(total=total, unit=" products", disable=not show_progress, file=sys.stderr) as bar:
            changed = refresh_in_batches(products, batch_size=batch_size, progress=bar.update)
        if verbosity:
            seconds = time.monotonic() - started
            self.stdout.write(f"Search columns of {total} products rebuilt in {seconds:.1f} s ({changed} changed).")
