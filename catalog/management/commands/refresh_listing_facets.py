"""`manage.py refresh_listing_facets`: recount the facets of every unfiltered listing, in every market.

Changes made through the ORM recount their own categories when they commit; run this after writes
that send no signal (imports, bulk updates, raw SQL), after a deploy that changes how counts are
made, and on a schedule as a safety net.
"""

import time

from django.core.management.base import BaseCommand

from catalog.facets import refresh_listing_facets
from catalog.models import ListingFacet


class Command(BaseCommand):
    help = "Recount the product counts of every listing's facets (all products, best sellers, categories)."

    def handle(self, *args, **options):
        started = time.monotonic()
        changed = refresh_listing_facets()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Listing facets recounted in {seconds:.2f}s: {changed} rows changed, "
            f"{ListingFacet.objects.count()} rows in all."
        )
