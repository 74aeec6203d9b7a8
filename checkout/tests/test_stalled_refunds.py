"""A cancelled order's card refund whose tries ran out while Stripe was away is sent again every
hour, for three days, with the same idempotency key; one Stripe refused is left to staff."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from checkout import payments
from checkout.models import Order
from checkout.tests.stripe_fakes import us_card_order

pytestmark = pytest.mark.django_db

REFUNDS = "/v1/refunds"


def cancelled(age, **fields):
    """A paid card order cancelled `age` ago whose refund was not made."""
    fields = {"payment_method": "card", "payment_status": "paid", **fields}
    return us_card_order(
        status="cancelled", cancelled_date=timezone.now() - age, payment_reference=f"pi_{age.seconds}", **fields
    )


def test_a_refund_whose_tries_ran_out_is_sent_again_once_stripe_is_back(stripe_api, django_capture_on_commit_callbacks):
    order = cancelled(timedelta(hours=2))
    stripe_api.reply("post", REFUNDS, {"id": "re_back", "object": "refund", "status": "succeeded"})

    with django_capture_on_commit_callbacks(execute=True):
        assert payments.STALLED_REFUNDS.retry() == 1

    (call,) = stripe_api.to("post", REFUNDS)
    assert call.idempotency_key == f"refund-{order.order_number}"
    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.REFUNDED
    with django_capture_on_commit_callbacks(execute=True):
        assert payments.STALLED_REFUNDS.retry() == 0  # done: nothing left to send


def test_only_card_refunds_past_their_tries_not_refused_and_not_yet_left_to_staff_are_sent_again(
    stripe_api, django_capture_on_commit_callbacks, caplog
):
    give_up = payments.STALLED_REFUNDS.give_up_after
    still_trying = cancelled(timedelta(minutes=30))
    stalled = cancelled(timedelta(hours=1, minutes=1))
    left_to_staff = cancelled(give_up + timedelta(minutes=10))
    cancelled(give_up + timedelta(hours=2))  # told an hour ago already
    cancelled(timedelta(hours=2), payment_status="refunded")
    cancelled(timedelta(hours=2), payment_method="cash")
    refused = cancelled(timedelta(hours=2))
    stripe_api.reply_error("post", REFUNDS, message="This charge is disputed.", code="charge_disputed")
    assert payments.refund(order_id=refused.pk) is False
    stripe_api.requests.clear()
    caplog.clear()

    assert list(payments.STALLED_REFUNDS.stalled()) == [stalled]
    with caplog.at_level(logging.ERROR, logger="checkout.payments"), django_capture_on_commit_callbacks() as queued:
        assert payments.STALLED_REFUNDS.retry() == 1
    assert len(queued) == 1
    # Told once, in the hour it was given up; not in every later hour.
    assert [record.getMessage() for record in caplog.records] == [
        f"Order {left_to_staff.order_number} was cancelled 3 days ago and its card payment is still not refunded; "
        "refund it by hand"
    ]
    assert Order.objects.get(pk=still_trying.pk).payment_status == Order.PaymentStatus.PAID
    assert stripe_api.requests == []
