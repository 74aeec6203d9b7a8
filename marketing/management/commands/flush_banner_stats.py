from django.core.management.base import BaseCommand

from marketing.tracking import flush_banner_stats


class Command(BaseCommand):
    help = (
        "Move the banner views and clicks buffered in the cache into the daily statistics "
        "(needs the shared cache, Redis, to see the web processes' counts)."
    )

    def handle(self, *args, **options):
        moved = flush_banner_stats()
        self.stdout.write(f"Moved {moved} banner views and clicks into the daily statistics.")
