"""Background work of checkout (Django's tasks framework): order texts, refunds, expiring unpaid orders."""

import logging

from django.db import transaction
from django.tasks import task

logger = logging.getLogger(__name__)


def enqueue_on_commit(background_task, *args):
    """Queue `background_task(*args)` once the current transaction commits.

    A queue that cannot take it is logged, never raised: the change that asked for the task stands.
    """

    def enqueue():
        try:
            background_task.enqueue(*args)
        except Exception:
            logger.exception("Could not queue %s%r", background_task.name, args)

    transaction.on_commit(enqueue)


@task
def text_order_update(order_id: int, status: str) -> bool:
    """Text the customer that their order reached `status`; a provider failure is logged, not retried."""
    from checkout.models import Order
    from checkout.notify import sms_text
    from storefront.sms import SMSError, send_sms

    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None:
        return False
    try:
        send_sms(phone=order.customer_phone, text=sms_text(order, status), market=order.market)
    except SMSError:
        return False
    return True


@task
def refund_order_payment(order_id: int) -> bool:
    """Refund what a cancelled order paid online (Stripe, or the test payment)."""
    from checkout import payments

    return payments.refund(order_id=order_id)


@task
def refund_duplicate_payment(order_number: str, payment_intent: str) -> bool:
    """Refund a second payment taken for an already paid order."""
    from checkout import payments

    return payments.refund_duplicate(order_number=order_number, payment_intent=payment_intent)


@task
def expire_unpaid_orders() -> int:
    """Cancel card orders whose payment did not arrive in time; their stock returns."""
    from checkout import payments

    return payments.expire_unpaid_orders()
