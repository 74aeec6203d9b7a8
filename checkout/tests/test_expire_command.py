"""Unpaid card and test orders are cancelled after their deadline, from cron (`manage.py expire_unpaid_orders`).

A Stripe card order's Checkout Session is expired through the API first, so nobody can pay for an
order whose stock went back on the shelf; one that Stripe says was paid is left for its webhook.
"""

from datetime import timedelta
from io import StringIO

import pytest
import stripe
from django.core.management import call_command
from django.utils import timezone

from catalog.models import SKU
from checkout import payments, tasks
from checkout.models import Order
from checkout.tests.factories import OrderFactory
from checkout.tests.stripe_fakes import deliver, session_event, session_json, us_card_order

pytestmark = pytest.mark.django_db

SESSIONS = "/v1/checkout/sessions"
OVERDUE = timedelta(minutes=-1)


def stock_of(order):
    return SKU.objects.get(pk=order.items.get().sku_id).stock


def assert_expired(order):
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert order.stock_restored
    assert stock_of(order) == 7  # 5 left + the 2 ordered
    assert list(order.status_history.values_list("status", "notes")) == [("cancelled", "Payment not received in time")]


def assert_untouched(order, *, status="pending", payment_status="pending"):
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (status, payment_status)
    assert not order.stock_restored
    assert stock_of(order) == 5
    assert not order.status_history.exists()


def expire_replies(fake, order, status="expired"):
    path = f"{SESSIONS}/{order.stripe_checkout_session}/expire"
    fake.reply("post", path, session_json(order.stripe_checkout_session, status=status, url=None))
    return path


# --- which orders expire --------------------------------------------------------------------------------


def test_an_overdue_test_payment_order_is_cancelled_and_its_stock_returns(no_stripe):
    order = us_card_order(payment_method="test", due_in=OVERDUE)

    assert payments.expire_unpaid_orders() == 1

    assert_expired(order)
    assert no_stripe.requests == []


def test_orders_not_yet_due_paid_or_offline_are_left_alone(no_stripe):
    not_due = us_card_order(payment_method="test", due_in=timedelta(minutes=1))
    paid = us_card_order(payment_method="test", due_in=OVERDUE, payment_status="paid", status="confirmed")
    cancelled = us_card_order(payment_method="test", due_in=OVERDUE, status="cancelled")
    cash = us_card_order(payment_method="cash", due_in=OVERDUE)
    transfer = us_card_order(payment_method="bank_transfer", due_in=OVERDUE)
    no_deadline = us_card_order(payment_method="test", due_in=None)

    assert payments.expire_unpaid_orders() == 0

    assert_untouched(not_due)
    assert_untouched(paid, status="confirmed", payment_status="paid")
    for order in (cancelled, cash, transfer, no_deadline):
        order.refresh_from_db()
        assert order.status_history.count() == 0
        assert stock_of(order) == 5
    assert Order.objects.get(pk=cancelled.pk).payment_status == "pending"
    assert Order.objects.get(pk=cash.pk).status == "pending"


def test_the_deadline_is_compared_with_the_given_moment(no_stripe):
    order = us_card_order(payment_method="test", due_in=timedelta(minutes=10))

    assert payments.expire_unpaid_orders(now=timezone.now() + timedelta(minutes=9)) == 0
    assert_untouched(order)
    assert payments.expire_unpaid_orders(now=timezone.now() + timedelta(minutes=11)) == 1
    assert_expired(order)


def test_a_second_run_finds_nothing_more(no_stripe):
    orders = [us_card_order(payment_method="test", due_in=OVERDUE) for _ in range(3)]

    assert payments.expire_unpaid_orders() == 3
    assert payments.expire_unpaid_orders() == 0

    for order in orders:
        assert_expired(order)


# --- Stripe card orders ------------------------------------------------------------------------------------


def test_an_overdue_card_orders_session_is_expired_at_stripe_first(stripe_api):
    order = us_card_order(due_in=OVERDUE)
    path = expire_replies(stripe_api, order)

    assert payments.expire_unpaid_orders() == 1

    assert [(r.method, r.path) for r in stripe_api.requests] == [("post", path)]
    assert_expired(order)


def test_a_card_order_stripe_already_expired_is_cancelled(stripe_api):
    order = us_card_order(due_in=OVERDUE)
    session_id = order.stripe_checkout_session
    stripe_api.reply_error(
        "post",
        f"{SESSIONS}/{session_id}/expire",
        message="Only Checkout Sessions with a status in [open] can be expired.",
    )
    stripe_api.reply("get", f"{SESSIONS}/{session_id}", session_json(session_id, status="expired", url=None))

    assert payments.expire_unpaid_orders() == 1

    assert [r.method for r in stripe_api.requests] == ["post", "get"]
    assert_expired(order)


@pytest.mark.parametrize("payment_status", ["paid", "unpaid"])
def test_a_card_order_whose_session_completed_is_left_for_its_webhook(stripe_api, payment_status):
    """Paid at the last moment (or an async payment under way): the webhook decides, not the clock."""
    order = us_card_order(due_in=OVERDUE)
    session_id = order.stripe_checkout_session
    stripe_api.reply_error(
        "post",
        f"{SESSIONS}/{session_id}/expire",
        message="Only Checkout Sessions with a status in [open] can be expired.",
    )
    stripe_api.reply(
        "get", f"{SESSIONS}/{session_id}", session_json(session_id, status="complete", payment_status=payment_status)
    )

    assert payments.expire_unpaid_orders() == 0

    assert_untouched(order)


def test_stripe_unreachable_leaves_the_order_and_goes_on_with_the_others(stripe_api, caplog):
    unreachable = us_card_order(due_in=OVERDUE)
    stripe_api.reply(
        "post",
        f"{SESSIONS}/{unreachable.stripe_checkout_session}/expire",
        error=stripe.APIConnectionError("timed out"),
    )
    reachable = us_card_order(due_in=OVERDUE)
    expire_replies(stripe_api, reachable)
    test_order = us_card_order(payment_method="test", due_in=OVERDUE)

    assert payments.expire_unpaid_orders() == 2

    assert_untouched(unreachable)
    assert_expired(reachable)
    assert_expired(test_order)
    assert f"Could not expire order {unreachable.order_number}" in caplog.text


def test_a_card_order_without_a_session_is_cancelled_without_calling_stripe(stripe_api):
    order = us_card_order(due_in=OVERDUE, session=False)

    assert payments.expire_unpaid_orders() == 1

    assert stripe_api.requests == []
    assert_expired(order)


def test_without_stripe_configured_a_card_order_is_cancelled_locally(no_stripe):
    order = us_card_order(due_in=OVERDUE)

    assert payments.expire_unpaid_orders() == 1

    assert no_stripe.requests == []
    assert_expired(order)


def test_a_late_payment_for_an_expired_order_is_refunded(client, stripe_api, django_capture_on_commit_callbacks):
    """The expiry ran; then Stripe's payment webhook came in after all: the shopper gets the money back."""
    order = us_card_order(due_in=OVERDUE)
    expire_replies(stripe_api, order)
    payments.expire_unpaid_orders()
    stripe_api.reply("post", "/v1/refunds", {"id": "re_test_late", "object": "refund", "status": "pending"})

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, session_event(order, payment_intent="pi_test_late"))

    assert response.json()["outcome"] == "paid after cancellation: refunding"
    assert stripe_api.to("post", "/v1/refunds")[0].params["payment_intent"] == "pi_test_late"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "refunded")
    assert stock_of(order) == 7


# --- from cron, and as a background task ---------------------------------------------------------------------


def run_command():
    out = StringIO()
    call_command("expire_unpaid_orders", stdout=out)
    return out.getvalue()


def test_the_command_reports_how_many_orders_it_cancelled(no_stripe):
    orders = [us_card_order(payment_method="test", due_in=OVERDUE) for _ in range(2)]
    us_card_order(payment_method="test")

    assert run_command() == "Cancelled 2 unpaid orders.\n"

    for order in orders:
        assert_expired(order)
    assert run_command() == "Cancelled 0 unpaid orders.\n"


def test_the_command_speaks_of_one_order_in_the_singular(no_stripe):
    us_card_order(payment_method="test", due_in=OVERDUE)

    assert run_command() == "Cancelled 1 unpaid order.\n"


def test_the_command_expires_stripe_sessions_too(stripe_api):
    order = us_card_order(due_in=OVERDUE)
    path = expire_replies(stripe_api, order)

    assert run_command() == "Cancelled 1 unpaid order.\n"

    assert [r.path for r in stripe_api.requests] == [path]
    assert_expired(order)


def test_the_background_task_does_the_same(no_stripe):
    order = us_card_order(payment_method="test", due_in=OVERDUE)
    OrderFactory(payment_method="cash")

    result = tasks.expire_unpaid_orders.enqueue()

    assert result.return_value == 1
    assert_expired(order)
