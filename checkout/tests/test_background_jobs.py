"""Checkout's background work: abandoned visitor carts, refunds tried again (and made once), unpaid
orders expired once however many runs overlap."""

import uuid
from datetime import timedelta

import pytest
import stripe
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.models import SKU
from checkout import tasks
from checkout.cart import delete_abandoned_visitor_carts
from checkout.models import Cart, CartItem, Order
from checkout.tests.factories import CartFactory, CartItemFactory
from checkout.tests.stripe_fakes import us_card_order
from storefront.tests.concurrency import run_at_once
from storefront.tests.test_background import DATABASE_BACKEND, run_worker

OLD = timedelta(days=31)
REFUNDS = "/v1/refunds"


def visitor_cart(*, age=OLD, line_age=None, lines=1):
    """A visitor's cart made and last changed `age` ago, with lines added and changed `line_age` ago."""
    cart = CartFactory(user=None, market="KG", session_key=uuid.uuid4().hex)
    for _ in range(lines):
        CartItemFactory(cart=cart)
    then = timezone.now() - age
    Cart.objects.filter(pk=cart.pk).update(created_at=then, updated_at=then)
    line_then = timezone.now() - (line_age if line_age is not None else age)
    CartItem.objects.filter(cart=cart).update(added_at=line_then, updated_at=line_then)
    return cart


# --- abandoned carts ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_visitor_carts_untouched_for_thirty_days_are_deleted():
    abandoned = [visitor_cart(), visitor_cart(lines=0), visitor_cart(age=timedelta(days=90), lines=3)]
    recent = visitor_cart(age=timedelta(days=29))
    line_touched = visitor_cart(line_age=timedelta(days=2))  # an old cart whose line changed lately
    signed_in = CartFactory()
    CartItemFactory(cart=signed_in)
    long_ago = timezone.now() - OLD * 3
    Cart.objects.filter(pk=signed_in.pk).update(created_at=long_ago, updated_at=long_ago)

    assert tasks.delete_abandoned_carts.call() == len(abandoned)

    assert set(Cart.objects.values_list("pk", flat=True)) == {recent.pk, line_touched.pk, signed_in.pk}
    assert not CartItem.objects.filter(cart_id__in=[cart.pk for cart in abandoned]).exists()
    assert delete_abandoned_visitor_carts() == 0  # a second run finds nothing more


@pytest.mark.django_db
def test_the_age_is_a_setting(settings):
    settings.ABANDONED_CART_DAYS = 60
    visitor_cart()
    assert delete_abandoned_visitor_carts() == 0
    assert delete_abandoned_visitor_carts(days=30) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cleanups_at_once_delete_each_cart_once():
    carts = [visitor_cart() for _ in range(6)]

    counts = run_at_once([delete_abandoned_visitor_carts, delete_abandoned_visitor_carts])

    assert sum(counts) == len(carts)
    assert not Cart.objects.exists()


# --- unpaid orders --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_expiry_runs_at_once_cancel_each_order_once():
    orders = [us_card_order(payment_method="test", due_in=timedelta(minutes=-1)) for _ in range(4)]

    counts = run_at_once([tasks.expire_unpaid_orders.call, tasks.expire_unpaid_orders.call])

    assert sum(counts) == len(orders)
    assert set(Order.objects.values_list("status", flat=True)) == {"cancelled"}
    for order in orders:
        # One cancellation each: one status change recorded, the stock (5 left, 2 ordered) returned once.
        assert order.status_history.filter(status="cancelled").count() == 1
        assert SKU.objects.get(pk=order.items.get().sku_id).stock == 7


# --- refunds --------------------------------------------------------------------------------------------


def cancelled_paid_order():
    return us_card_order(status="cancelled", payment_status="paid", payment_reference="pi_test_refund")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refund_stripe_could_not_take_is_tried_again_with_the_same_idempotency_key(settings, stripe_api):
    settings.TASKS = DATABASE_BACKEND
    order = cancelled_paid_order()
    stripe_api.reply("post", REFUNDS, error=stripe.APIConnectionError("connection reset"))

    tasks.refund_order_payment.enqueue(order.pk)
    run_worker()

    order.refresh_from_db()
    assert order.payment_status == "paid"
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now() + timedelta(seconds=50)

    stripe_api.reply("post", REFUNDS, {"id": "re_test_1", "object": "refund", "status": "succeeded"})
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    order.refresh_from_db()
    assert order.payment_status == "refunded"
    sent = stripe_api.to("post", REFUNDS)
    assert len(sent) == 2
    assert {request.idempotency_key for request in sent} == {f"refund-{order.order_number}"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refund_task_run_twice_refunds_once(settings, stripe_api):
    settings.TASKS = DATABASE_BACKEND
    order = cancelled_paid_order()
    stripe_api.reply("post", REFUNDS, {"id": "re_test_2", "object": "refund", "status": "succeeded"})

    tasks.refund_order_payment.enqueue(order.pk)
    tasks.refund_order_payment.enqueue(order.pk)  # queued twice, as a repeated cancel or webhook might
    run_worker()

    assert len(stripe_api.to("post", REFUNDS)) == 1
    order.refresh_from_db()
    assert order.payment_status == "refunded"


@pytest.mark.django_db
def test_a_refund_stripe_refuses_is_not_tried_again(stripe_api):
    order = cancelled_paid_order()
    stripe_api.reply_error("post", REFUNDS, message="Charge already refunded")

    result = tasks.refund_order_payment.enqueue(order.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is False
    assert len(stripe_api.to("post", REFUNDS)) == 1
