from django.core.management.base import BaseCommand

from dashboard.rollups import sweep
from storefront.background import exclusive


class Command(BaseCommand):
    help = "Bring the sales dashboard's daily figures up to date (--all rebuilds every day from the orders)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every day, not only the changed ones.")

    def handle(self, *args, **options):
        with exclusive("dashboard.sweep") as held:
            if not held:
                self.stdout.write("Another refresh is running; nothing done.")
                return
            done = sweep(everything=options["all"])
        self.stdout.write(f"{done['days']} days with orders rebuilt, {done['low_stock']} SKUs low on stock.")
