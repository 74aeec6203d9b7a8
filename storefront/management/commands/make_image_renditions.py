"""Make the renditions of every stored picture that lacks current ones (storefront/renditions.py)."""

from django.core.management.base import BaseCommand, CommandError

from storefront.renditions import make_missing_renditions


class Command(BaseCommand):
    help = (
        "Make the smaller WebP/AVIF/JPEG copies of product pictures, banners and review photos that "
        "lack them (uploads get theirs from the task worker). Files already made are not made again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="Fail when any picture cannot be read.")

    def handle(self, *args, strict, verbosity, **options):
        updated, errors = make_missing_renditions()
        for error in errors:
            self.stderr.write(f"Skipped {error}")
        if verbosity:
            self.stdout.write(f"Renditions stored for {updated} pictures; {len(errors)} could not be read.")
        if strict and errors:
            raise CommandError(f"{len(errors)} pictures could not be read.")
