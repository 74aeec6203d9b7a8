"""Card refunds whose tries ran out while Stripe was away are sent again every hour, for three days,
with the same idempotency key; then left to staff."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from returns import refunds, services
from returns.models import Refund, ReturnRequest
from returns.tests.factories import us_delivered_card_order

pytestmark = pytest.mark.django_db

REFUNDS = "/v1/refunds"


def pending_card_refund(age):
    order = us_delivered_card_order()
    return_request = services.request_return(
        user=order.user,
        order=order,
        quantities={item.pk: item.quantity for item in order.items.all()},
        reason="damaged",
    )
    services.move_return(return_request=return_request, to="approved")
    services.move_return(return_request=return_request, to="received")
    refund = services.refund_return(return_request=return_request, include_delivery=True)  # its task is not run
    Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - age)
    return refund


def test_a_refund_whose_tries_ran_out_is_sent_again_once_stripe_is_back(stripe_api, django_capture_on_commit_callbacks):
    stalled = pending_card_refund(timedelta(hours=2))
    stripe_api.reply("post", REFUNDS, {"id": "re_back", "object": "refund", "status": "succeeded"})
    with django_capture_on_commit_callbacks(execute=True):
        assert refunds.retry_stalled() == 1

    (call,) = stripe_api.to("post", REFUNDS)
    assert call.idempotency_key == f"return-refund-{stalled.pk}"
    stalled.refresh_from_db()
    assert (stalled.status, stalled.stripe_refund_id) == ("succeeded", "re_back")
    assert stalled.return_request.status == ReturnRequest.Status.REFUNDED
    assert stalled.return_request.order.payment_status == "refunded"
    with django_capture_on_commit_callbacks(execute=True):
        assert refunds.retry_stalled() == 0  # done: nothing left to send


def test_only_refunds_past_their_tries_and_not_yet_left_to_staff_are_sent_again(
    stripe_api, django_capture_on_commit_callbacks, caplog
):
    still_trying = pending_card_refund(timedelta(minutes=30))
    stalled = pending_card_refund(timedelta(hours=1, minutes=1))
    left_to_staff = pending_card_refund(refunds.STALLED.give_up_after + timedelta(minutes=10))
    long_left = pending_card_refund(refunds.STALLED.give_up_after + timedelta(hours=2))
    failed = pending_card_refund(timedelta(hours=2))
    Refund.objects.filter(pk=failed.pk).update(status=Refund.Status.FAILED)

    assert list(refunds.stalled_card_refunds()) == [stalled]
    with caplog.at_level(logging.ERROR, logger="returns.refunds"), django_capture_on_commit_callbacks() as queued:
        assert refunds.retry_stalled() == 1
    assert len(queued) == 1
    # Told once, in the hour it was given up; not in every later hour.
    assert [record.getMessage() for record in caplog.records] == [
        f"Card refund {left_to_staff.pk} is still pending after 3 days; refund it by hand"
    ]
    for refund in (still_trying, left_to_staff, long_left):
        refund.refresh_from_db()
        assert refund.status == "pending"
    assert stripe_api.to("post", REFUNDS) == []
