"""`manage.py expire_unpaid_orders`: cancel card and test orders whose payment did not arrive in time.

Meant for cron every few minutes (`*/5 * * * * … manage.py expire_unpaid_orders`); each overdue
order's Stripe Checkout Session is expired first, its stock returns, and a run that finds nothing
overdue changes nothing, so overlapping or repeated runs are harmless.
"""

from django.core.management.base import BaseCommand

from checkout import payments


class Command(BaseCommand):
    help = "Cancel card and test orders not paid by their deadline; their stock returns."

    def handle(self, *args, **options):
        cancelled = payments.expire_unpaid_orders()
        noun = "order" if cancelled == 1 else "orders"
        self.stdout.write(f"Cancelled {cancelled} unpaid {noun}.")
