"""Background work of the reviews app (Django's tasks framework)."""

from crontask import cron
from django.tasks import task

from reviews.services import recompute_all_ratings


@cron("20 2 * * *")
@task
def recompute_ratings() -> int:
    """Nightly: recompute every product's rating and review count; how many were stale."""
    return recompute_all_ratings().changed
