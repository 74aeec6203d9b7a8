from django.core.management.base import BaseCommand, CommandError

from catalog.models import Product
from reviews.services import refresh_product_ratings


class Command(BaseCommand):
    help = "Recompute every product's rating and review count from its approved reviews."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Products locked and updated at a time.")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        checked = changed = 0
        last_pk = 0
        while True:
            # A batch at a time, so a large catalog is never locked as a whole.
            after = Product.objects.filter(pk__gt=last_pk).order_by("pk")
            batch = list(after.values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            changed += refresh_product_ratings(product_ids=batch)
            checked += len(batch)
            last_pk = batch[-1]
        self.stdout.write(f"Checked {checked} products; {changed} had a stale rating or review count.")
