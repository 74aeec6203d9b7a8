"""Background work of the marketing app (Django's tasks framework)."""

from crontask import cron
from django.tasks import task

from marketing.tracking import flush_banner_stats


@cron("* * * * *")
@task
def flush_banner_stats_task():
    """Move the banner views and clicks buffered in the cache into the daily statistics.

    Queued after recording (at most once a minute) and every minute by the scheduler, so counts
    recorded by a quiet shop are not left waiting in the cache.
    """
    return flush_banner_stats()
