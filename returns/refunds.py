"""Card refunds of returns through Stripe's Refund API.

The refund row is locked while Stripe is asked, and the idempotency key is derived from its id, so a
retried task, or two workers at once, make one Stripe refund: Stripe answers a repeated key with the
first refund.

A refund whose task used up its tries (Stripe away for longer than its half hour of backoff) stays
pending; `retry_stalled` queues it again every hour, for three days (`STALLED`), after which it
waits for staff in the admin.
"""

import logging

import stripe
from django.db import transaction

from accounts import stripe_client
from checkout.payments import TRANSIENT_STRIPE_ERRORS, minor_units, refusal_reason
from returns.models import Refund
from returns.services import complete_refund, fail_refund
from storefront.background import RetryLater, Stalled

logger = logging.getLogger(__name__)


def issue_card_refund(*, refund_id: int) -> bool:
    """Ask Stripe to refund `refund_id`; True when it is refunded (now or before).

    RetryLater when Stripe may take it on another try."""
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update()
            .select_related("return_request__order")
            .filter(pk=refund_id, method=Refund.Method.STRIPE)
            .first()
        )
        if refund is None or refund.status == Refund.Status.FAILED:
            return False
        if refund.status == Refund.Status.SUCCEEDED:
            return True
        order = refund.return_request.order
        try:
            answer = stripe_client.client().v1.refunds.create(
                params={
                    "payment_intent": order.payment_reference,
                    "amount": minor_units(refund.amount),
                    "metadata": {"order_number": order.order_number, "return_request": str(refund.return_request_id)},
                },
                options={"idempotency_key": refund.idempotency_key},
            )
        except TRANSIENT_STRIPE_ERRORS as error:
            raise RetryLater(f"Refund {refund.pk} of order {order.order_number}: {error.__class__.__name__}") from error
        except stripe.StripeError as error:
            logger.exception("Refund %s of order %s failed; refund it by hand", refund.pk, order.order_number)
            fail_refund(refund=refund, reason=refusal_reason(error))
            return False
        complete_refund(refund=refund, stripe_refund_id=answer.id)
    return True


def _pending_card_refunds(*, made_before, made_after):
    return Refund.objects.filter(
        method=Refund.Method.STRIPE,
        status=Refund.Status.PENDING,
        created_at__lte=made_before,
        created_at__gt=made_after,
    )


# A card refund pending an hour has used up its task's tries (six, over about half an hour): it is
# sent again every hour for three days, then left to staff.
STALLED = Stalled(
    lock="returns.retry_stalled_card_refunds",
    task_path="returns.tasks.issue_card_refund",
    pending=_pending_card_refunds,
    log=logger,
    given_up="Card refund %s is still pending after 3 days; refund it by hand",
)


def stalled_card_refunds(*, now=None):
    """Card refunds still pending after their task's tries, not yet left to staff."""
    return STALLED.stalled(now=now)


def retry_stalled() -> int:
    """Queue the stalled card refunds again (the same idempotency key: never a second refund);
    how many. Those that passed three days within the last hour are logged, once each (the job
    runs hourly), for staff."""
    return STALLED.retry()
