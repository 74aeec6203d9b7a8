from django.core.management.base import BaseCommand, CommandError

from reviews.services import recompute_all_ratings


class Command(BaseCommand):
    help = "Recompute every product's rating and review count from its approved reviews."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Products locked and updated at a time.")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        recount = recompute_all_ratings(batch_size=batch_size)
        self.stdout.write(f"Checked {recount.checked} products; {recount.changed} had a stale rating or review count.")
