"""Background work of returns: texting the shopper about each step, and card refunds through Stripe
(tried again with backoff; the refund's idempotency key makes every try the same refund)."""

from django.tasks import TaskContext, task

from returns import refunds
from returns.models import ReturnRequest
from returns.notify import sms_text
from storefront.background import Backoff, RetryLater, with_retries
from storefront.sms import SMSError, send_sms

TEXT_BACKOFF = Backoff(attempts=5, first_seconds=60)
REFUND_BACKOFF = Backoff(attempts=6, first_seconds=60)


def _text_return_update(return_id: int, status: str) -> bool:
    return_request = ReturnRequest.objects.select_related("order", "user", "refund").filter(pk=return_id).first()
    if return_request is None:
        return False
    try:
        send_sms(
            phone=return_request.order.customer_phone,
            text=sms_text(return_request, status),
            market=return_request.market_config,
        )
    except SMSError as error:
        if error.retryable:
            raise RetryLater(str(error)) from error
        return False
    return True


@task(takes_context=True)
def text_return_update(context: TaskContext, return_id: int, status: str, attempt: int = 1) -> bool | None:
    """Text the shopper that their return reached `status`; retried only when the text surely was not taken."""
    return with_retries(context, lambda: _text_return_update(return_id, status), attempt=attempt, backoff=TEXT_BACKOFF)


@task(takes_context=True)
def issue_card_refund(context: TaskContext, refund_id: int, attempt: int = 1) -> bool | None:
    """Send a return's card refund to Stripe (same idempotency key on every try)."""
    return with_retries(
        context, lambda: refunds.issue_card_refund(refund_id=refund_id), attempt=attempt, backoff=REFUND_BACKOFF
    )
