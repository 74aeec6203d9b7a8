"""Background work of the dashboard (Django's tasks framework)."""

import datetime

from crontask import cron
from django.tasks import task

from dashboard.rollups import rebuild_days, sweep
from storefront.background import exclusive


@task
def refresh_sales_day(market: str, day: str):
    """Rebuild one market's figures of one day (queued when an order of that day is saved)."""
    date = datetime.date.fromisoformat(day)
    return rebuild_days(start=date, end=date, markets=[market])


@cron("*/5 * * * *")
@task
def sweep_dashboard():
    """Catch up with whatever the per-order refreshes missed, and refresh the stock running low."""
    with exclusive("dashboard.sweep") as held:
        if held:
            return sweep()
        return None
