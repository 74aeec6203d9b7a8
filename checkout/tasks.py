"""Background work of checkout (Django's tasks framework): order texts, refunds, and the periodic
jobs that expire unpaid orders and delete abandoned visitor carts.

Services queue these by name (`storefront.background.enqueue_after_commit`); only this module
imports the services, never the reverse. `@cron` tasks are queued on their schedule by
`manage.py crontask` (docs/architecture.md, "Background work").
"""

from crontask import cron
from django.tasks import TaskContext, task

from checkout import cart, payments
from checkout.models import Order
from checkout.notify import sms_text, takes_sms
from storefront.background import Backoff, RetryLater, with_retries
from storefront.sms import SMSError, send_sms

# Order texts: five tries over about a quarter of an hour.
TEXT_BACKOFF = Backoff(attempts=5, first_seconds=60)
# Refunds: six tries over about half an hour (then `payments.STALLED_REFUNDS`, hourly); Stripe's
# idempotency key makes every retry the same refund.
REFUND_BACKOFF = Backoff(attempts=6, first_seconds=60)


def text_customer(order, text: str) -> bool:
    """Text `text` to the phone `order` was placed with; True when the provider took it. A failure
    where the provider surely did not take it may be tried again (RetryLater); any other is given up."""
    try:
        send_sms(phone=order.customer_phone, text=text, market=order.market_config)
    except SMSError as error:
        if error.retryable:
            raise RetryLater(str(error)) from error
        return False
    return True


def _text_order_update(order_id: int, status: str) -> bool:
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None or not takes_sms(order, status):
        return False
    return text_customer(order, sms_text(order, status))


@task(takes_context=True)
def text_order_update(context: TaskContext, order_id: int, status: str, attempt: int = 1) -> bool | None:
    """Text the customer that their order reached `status`, unless they chose not to get that kind of
    message by SMS; tried again only when the provider surely did not take the text, so nobody gets
    the same text twice."""
    return with_retries(context, lambda: _text_order_update(order_id, status), attempt=attempt, backoff=TEXT_BACKOFF)


@task(takes_context=True)
def refund_order_payment(context: TaskContext, order_id: int, attempt: int = 1) -> bool | None:
    """Refund what a cancelled order paid online (Stripe, or the test payment)."""
    return with_retries(context, lambda: payments.refund(order_id=order_id), attempt=attempt, backoff=REFUND_BACKOFF)


@task(takes_context=True)
def refund_duplicate_payment(context: TaskContext, order_number: str, payment_intent: str, attempt: int = 1):
    """Refund a second payment taken for an already paid order."""
    return with_retries(
        context,
        lambda: payments.refund_duplicate(order_number=order_number, payment_intent=payment_intent),
        attempt=attempt,
        backoff=REFUND_BACKOFF,
    )


@cron("* * * * *")
@task
def expire_unpaid_orders() -> int:
    """Every minute: cancel card orders whose payment did not arrive in time; their stock returns."""
    return payments.expire_unpaid_orders()


@cron("25 * * * *")
@task
def retry_stalled_refunds() -> int:
    """Hourly: queue again the refunds of cancelled orders whose tries ran out while Stripe was away."""
    return payments.STALLED_REFUNDS.retry()


@cron("40 3 * * *")
@task
def delete_abandoned_carts() -> int:
    """Nightly: delete visitors' carts nobody has touched for `ABANDONED_CART_DAYS` days."""
    return cart.delete_abandoned_visitor_carts()
