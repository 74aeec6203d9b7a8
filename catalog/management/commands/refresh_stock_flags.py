from django.core.management.base import BaseCommand

from catalog.stock import sync_in_stock


class Command(BaseCommand):
    help = "Set every product's 'in stock' flag from its active SKUs' stock (after a bulk import or raw SQL)."

    def handle(self, *args, **options):
        changed = sync_in_stock()
        self.stdout.write(f"{changed} products had a stale 'in stock' flag.")
