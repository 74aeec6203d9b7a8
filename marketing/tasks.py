"""Background work of the marketing app (Django's tasks framework)."""

from django.tasks import task

from marketing.tracking import flush_banner_stats


@task
def flush_banner_stats_task():
    """Move the banner views and clicks buffered in the cache into the daily statistics."""
    return flush_banner_stats()
