"""Background work of checkout (Django's tasks framework): order texts, refunds, expiring unpaid orders.

Services queue these by name (`storefront.background.enqueue_after_commit`); only this module
imports the services, never the reverse.
"""

from django.tasks import task

from checkout import payments
from checkout.models import Order
from checkout.notify import sms_text
from storefront.sms import SMSError, send_sms


@task
def text_order_update(order_id: int, status: str) -> bool:
    """Text the customer that their order reached `status`; a provider failure is logged, not retried."""
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None:
        return False
    try:
        send_sms(phone=order.customer_phone, text=sms_text(order, status), market=order.market_config)
    except SMSError:
        return False
    return True


@task
def refund_order_payment(order_id: int) -> bool:
    """Refund what a cancelled order paid online (Stripe, or the test payment)."""
    return payments.refund(order_id=order_id)


@task
def refund_duplicate_payment(order_number: str, payment_intent: str) -> bool:
    """Refund a second payment taken for an already paid order."""
    return payments.refund_duplicate(order_number=order_number, payment_intent=payment_intent)


@task
def expire_unpaid_orders() -> int:
    """Cancel card orders whose payment did not arrive in time; their stock returns."""
    return payments.expire_unpaid_orders()
