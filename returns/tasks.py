"""Background work of returns: texting the shopper about each step, and card refunds through Stripe
(tried again with backoff, and every hour once the tries ran out; the refund's idempotency key makes
every try the same refund)."""

from crontask import cron
from django.tasks import TaskContext, task

from checkout.notify import takes_sms
from checkout.tasks import text_customer
from returns import refunds
from returns.models import ReturnRequest
from returns.notify import sms_text
from storefront.background import Backoff, with_retries

TEXT_BACKOFF = Backoff(attempts=5, first_seconds=60)
REFUND_BACKOFF = Backoff(attempts=6, first_seconds=60)


# What a return's texts are to the shopper's message preferences: an update of their order, as its
# emails are (`emails.return_emails`); no status of the order itself is named so.
RETURN_UPDATE = "return"


def _text_return_update(return_id: int, status: str) -> bool:
    return_request = ReturnRequest.objects.select_related("order__user", "user", "refund").filter(pk=return_id).first()
    if return_request is None or not takes_sms(return_request.order, RETURN_UPDATE):
        return False
    return text_customer(return_request.order, sms_text(return_request, status))


@task(takes_context=True)
def text_return_update(context: TaskContext, return_id: int, status: str, attempt: int = 1) -> bool | None:
    """Text the shopper that their return reached `status`, unless they chose not to get order
    updates by SMS; retried only when the text surely was not taken."""
    return with_retries(context, lambda: _text_return_update(return_id, status), attempt=attempt, backoff=TEXT_BACKOFF)


@task(takes_context=True)
def issue_card_refund(context: TaskContext, refund_id: int, attempt: int = 1) -> bool | None:
    """Send a return's card refund to Stripe (same idempotency key on every try)."""
    return with_retries(
        context, lambda: refunds.issue_card_refund(refund_id=refund_id), attempt=attempt, backoff=REFUND_BACKOFF
    )


@cron("15 * * * *")
@task
def retry_stalled_card_refunds() -> int:
    """Hourly: queue again the card refunds whose tries ran out while Stripe was away."""
    return refunds.retry_stalled()
