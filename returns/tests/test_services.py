"""Requesting returns and moving them: the window per market, quantities, the workflow, stock,
refund amounts, cash and card refunds, and what the shopper is told."""

from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.utils import timezone

from accounts.models import Notification
from accounts.tests.factories import KGUserFactory
from catalog.models import SKU
from emails.models import MessagePreferences
from returns import refunds, services
from returns.models import Refund, ReturnRequest
from returns.tests.factories import kg_delivered_order, us_delivered_card_order
from storefront.background import RetryLater

pytestmark = pytest.mark.django_db

REFUNDS = "/v1/refunds"
Status = ReturnRequest.Status


def all_of(order):
    """Every unit of every line of `order`."""
    return {item.pk: item.quantity for item in order.items.all()}


def request_all(order, **kwargs):
    return services.request_return(
        user=order.user, order=order, quantities=all_of(order), reason="wrong_size", **kwargs
    )


def received(return_request, by=None):
    services.move_return(return_request=return_request, to=Status.APPROVED, by=by)
    return services.move_return(return_request=return_request, to=Status.RECEIVED, by=by)


# --- the window -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "days"), [(kg_delivered_order, 14), (us_delivered_card_order, 30)], ids=["KG-14", "US-30"]
)
def test_a_return_is_accepted_just_inside_the_markets_window(make, days):
    order = make(delivered_ago=timedelta(days=days) - timedelta(minutes=1))
    assert services.can_request_return(order)
    assert request_all(order).status == Status.REQUESTED


@pytest.mark.parametrize(
    ("make", "days"), [(kg_delivered_order, 14), (us_delivered_card_order, 30)], ids=["KG-14", "US-30"]
)
def test_a_return_is_refused_just_outside_the_markets_window(make, days):
    order = make(delivered_ago=timedelta(days=days) + timedelta(minutes=1))
    assert not services.can_request_return(order)
    with pytest.raises(services.ReturnRefused, match="can no longer be returned"):
        request_all(order)
    assert not ReturnRequest.objects.exists()


def test_the_kg_window_is_not_the_us_one():
    order = kg_delivered_order(delivered_ago=timedelta(days=20))
    assert not services.can_request_return(order)
    assert services.can_request_return(us_delivered_card_order(delivered_ago=timedelta(days=20)))


def test_an_order_not_delivered_cannot_be_returned():
    order = kg_delivered_order(status="shipped", delivered_date=None)
    assert services.return_deadline(order) is None
    with pytest.raises(services.ReturnRefused):
        request_all(order)


# --- quantities -------------------------------------------------------------------------------


def test_no_more_units_than_were_bought():
    order = kg_delivered_order()
    line = order.items.get(quantity=2)
    with pytest.raises(services.ReturnRefused, match="at most 2"):
        services.request_return(user=order.user, order=order, quantities={line.pk: 3}, reason="damaged")


def test_units_already_being_returned_cannot_be_returned_again():
    order = kg_delivered_order()
    line = order.items.get(quantity=2)
    services.request_return(user=order.user, order=order, quantities={line.pk: 1}, reason="damaged")
    services.request_return(user=order.user, order=order, quantities={line.pk: 1}, reason="damaged")
    with pytest.raises(services.ReturnRefused, match="at most 0"):
        services.request_return(user=order.user, order=order, quantities={line.pk: 1}, reason="damaged")
    assert [line.returnable for line in services.returnable_lines(order)] == [1, 0]


def test_units_of_a_rejected_return_may_be_asked_for_again():
    order = kg_delivered_order()
    first = request_all(order)
    services.move_return(return_request=first, to=Status.REJECTED, note="Worn")
    assert request_all(order).status == Status.REQUESTED


def test_a_line_of_another_order_is_refused():
    order, other = kg_delivered_order(), kg_delivered_order()
    with pytest.raises(services.ReturnRefused, match="items of this order"):
        services.request_return(user=order.user, order=order, quantities={other.items.first().pk: 1}, reason="damaged")


def test_another_users_order_cannot_be_returned():
    order = kg_delivered_order()
    with pytest.raises(ReturnRequest.order.field.related_model.DoesNotExist):
        services.request_return(user=KGUserFactory(), order=order, quantities=all_of(order), reason="damaged")


def test_nothing_chosen_or_no_reason_is_refused():
    order = kg_delivered_order()
    with pytest.raises(services.ReturnRefused, match="at least one"):
        services.request_return(user=order.user, order=order, quantities={}, reason="damaged")
    with pytest.raises(services.ReturnRefused, match="reason"):
        services.request_return(user=order.user, order=order, quantities=all_of(order), reason="bored")


# --- the workflow -----------------------------------------------------------------------------


def test_a_return_goes_requested_approved_received_refunded_with_its_history(admin_user):
    order = kg_delivered_order()
    return_request = request_all(order, note="Too small")
    services.move_return(return_request=return_request, to=Status.APPROVED, by=admin_user, note="Send it back")
    services.move_return(return_request=return_request, to=Status.RECEIVED, by=admin_user)
    services.refund_return(return_request=return_request, by=admin_user, note="Paid out in the shop")

    return_request.refresh_from_db()
    assert return_request.status == Status.REFUNDED
    history = list(return_request.history.values_list("status", "changed_by", "note"))
    assert history == [
        ("requested", order.user.pk, ""),
        ("approved", admin_user.pk, "Send it back"),
        ("received", admin_user.pk, ""),
        ("refunded", admin_user.pk, "Paid out in the shop"),
    ]


def test_a_rejected_return_goes_nowhere():
    return_request = request_all(kg_delivered_order())
    services.move_return(return_request=return_request, to=Status.REJECTED)
    for to in (Status.APPROVED, Status.RECEIVED, Status.REJECTED):
        with pytest.raises(services.ReturnRefused):
            services.move_return(return_request=return_request, to=to)
    with pytest.raises(services.ReturnRefused):
        services.refund_return(return_request=return_request)


@pytest.mark.parametrize("to", [Status.RECEIVED, Status.REFUNDED])
def test_steps_cannot_be_skipped(to):
    return_request = request_all(kg_delivered_order())
    with pytest.raises(services.ReturnRefused):
        if to == Status.REFUNDED:
            services.refund_return(return_request=return_request)
        else:
            services.move_return(return_request=return_request, to=to)


# --- stock ------------------------------------------------------------------------------------


def test_stock_comes_back_when_received_and_only_once():
    order = kg_delivered_order()
    skus = {item.sku_id: item.sku.stock for item in order.items.all()}
    return_request = request_all(order)
    services.move_return(return_request=return_request, to=Status.APPROVED)
    assert dict(SKU.objects.filter(pk__in=skus).values_list("pk", "stock")) == skus

    services.move_return(return_request=return_request, to=Status.RECEIVED)
    assert services.restock(ReturnRequest.objects.get(pk=return_request.pk)) is False
    with pytest.raises(services.ReturnRefused):
        services.move_return(return_request=return_request, to=Status.RECEIVED)

    expected = {item.sku_id: skus[item.sku_id] + item.quantity for item in order.items.all()}
    assert dict(SKU.objects.filter(pk__in=skus).values_list("pk", "stock")) == expected


# --- amounts ----------------------------------------------------------------------------------


def test_kg_refund_spreads_the_discount_and_rounds_to_whole_som():
    # 2 990 + 250 delivery − 299 off = 2 941 paid: each som of price paid 2 941 / 3 240.
    order = kg_delivered_order(discount=Decimal("299.00"))
    one, two = order.items.all()
    return_request = services.request_return(
        user=order.user, order=order, quantities={one.pk: 1, two.pk: 1}, reason="wrong_size"
    )
    received(return_request)
    refund = services.refund_return(return_request=return_request)
    assert refund.amount == Decimal("2033.00")  # 1 352 (1 352.50 less a hair) + 681 (680.79)
    assert refund.includes_delivery is False


def test_kg_refund_with_delivery_gives_back_everything_paid():
    order = kg_delivered_order(discount=Decimal("299.00"))
    return_request = request_all(order)
    received(return_request)
    refund = services.refund_return(return_request=return_request, include_delivery=True)
    assert refund.amount == Decimal("2941.00") == order.total_amount
    assert refund.includes_delivery is True


def test_us_refund_includes_the_sales_tax_share_and_never_more_than_paid():
    order = us_delivered_card_order()
    return_request = request_all(order)
    received(return_request)
    assert services.refund_amount(return_request, include_delivery=False) == Decimal("64.17")
    assert services.refund_amount(return_request, include_delivery=True) == Decimal("71.67")


def test_later_refunds_of_one_order_are_capped_by_what_is_left():
    order = kg_delivered_order()
    one, two = order.items.all()
    first = services.request_return(user=order.user, order=order, quantities={two.pk: 2}, reason="damaged")
    received(first)
    services.refund_return(return_request=first, include_delivery=True)  # 1 500 + 250
    second = services.request_return(user=order.user, order=order, quantities={one.pk: 1}, reason="damaged")
    received(second)
    assert services.refund_return(return_request=second, include_delivery=True).amount == Decimal("1490.00")


def test_the_refund_that_gives_back_the_last_of_an_order_gives_back_all_that_is_left():
    # 3 240 − 12 = 3 228 paid, each som of price paying 3 228 / 3 240. Line by line the three returns
    # would give back 1 484 (1 484.48) + 747 (747.22) + 996 (747.22 + 249.07 delivery): 3 227. The
    # last gives back what is left instead.
    order = kg_delivered_order(discount=Decimal("12.00"), payment_status="paid")
    one, two = order.items.all()
    amounts = []
    for quantities, delivery in (({one.pk: 1}, False), ({two.pk: 1}, False), ({two.pk: 1}, True)):
        return_request = services.request_return(
            user=order.user, order=order, quantities=quantities, reason="wrong_size"
        )
        received(return_request)
        amounts.append(services.refund_return(return_request=return_request, include_delivery=delivery).amount)
        order.refresh_from_db()
        assert order.payment_status == ("refunded" if delivery else "paid")
    assert amounts == [Decimal("1484.00"), Decimal("747.00"), Decimal("997.00")]
    assert sum(amounts) == order.total_amount == Decimal("3228.00")


@pytest.mark.parametrize(
    ("returned", "delivery"),
    [({"one": 1, "two": 1}, True), ({"one": 1, "two": 2}, False)],
    ids=["a-unit-kept", "delivery-kept"],
)
def test_an_order_stays_paid_while_a_unit_or_its_delivery_was_not_given_back(returned, delivery):
    order = kg_delivered_order(payment_status="paid")
    one, two = order.items.all()
    lines = {"one": one.pk, "two": two.pk}
    return_request = services.request_return(
        user=order.user, order=order, quantities={lines[name]: n for name, n in returned.items()}, reason="damaged"
    )
    received(return_request)
    services.refund_return(return_request=return_request, include_delivery=delivery)
    order.refresh_from_db()
    assert order.payment_status == "paid"


def test_an_order_with_free_delivery_is_refunded_once_every_unit_is_back():
    order = kg_delivered_order(payment_status="paid", shipping_cost=Decimal(0), total_amount=Decimal("2990.00"))
    return_request = request_all(order)
    received(return_request)
    assert services.refund_return(return_request=return_request).amount == Decimal("2990.00")
    order.refresh_from_db()
    assert order.payment_status == "refunded"


# --- cash refunds ----------------------------------------------------------------------------


def test_a_cash_refund_is_recorded_as_paid_out_by_the_manager(admin_user):
    order = kg_delivered_order()
    return_request = request_all(order)
    received(return_request)
    refund = services.refund_return(return_request=return_request, by=admin_user)
    refund.refresh_from_db()
    assert (refund.method, refund.status, refund.created_by) == ("manual", "succeeded", admin_user)
    assert refund.refunded_at is not None
    assert refund.amount == Decimal("2990.00")
    order.refresh_from_db()
    assert order.payment_status == "pending"  # the delivery's 250 som were kept


def test_a_cash_order_given_back_in_full_is_refunded_even_before_staff_recorded_the_cash(admin_user):
    order = kg_delivered_order()
    assert order.payment_status == "pending"
    return_request = request_all(order)
    received(return_request)
    services.refund_return(return_request=return_request, by=admin_user, include_delivery=True)
    order.refresh_from_db()
    assert order.payment_status == "refunded"


def test_refunding_twice_makes_one_refund():
    return_request = request_all(kg_delivered_order())
    received(return_request)
    services.refund_return(return_request=return_request)
    with pytest.raises(services.ReturnRefused):
        services.refund_return(return_request=return_request)
    assert Refund.objects.count() == 1


# --- card refunds through Stripe -----------------------------------------------------------


def card_return_received():
    return_request = request_all(us_delivered_card_order())
    received(return_request)
    return return_request


def test_a_card_refund_goes_to_stripe_with_a_key_from_the_refunds_id(stripe_api, django_capture_on_commit_callbacks):
    stripe_api.reply("post", REFUNDS, {"id": "re_test_1", "object": "refund", "status": "succeeded"})
    return_request = card_return_received()
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_return(return_request=return_request, include_delivery=True)

    (call,) = stripe_api.to("post", REFUNDS)
    assert call.params == {
        "payment_intent": "pi_test_returned",
        "amount": "7167",
        "metadata[order_number]": return_request.order.order_number,
        "metadata[return_request]": str(return_request.pk),
    }
    assert call.idempotency_key == f"return-refund-{refund.pk}"
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id) == ("succeeded", "re_test_1")
    return_request.refresh_from_db()
    assert return_request.status == Status.REFUNDED
    assert return_request.order.payment_status == "refunded"  # everything, delivery too, went back


def test_a_card_refund_pressed_twice_is_one_stripe_refund(stripe_api, django_capture_on_commit_callbacks):
    stripe_api.reply("post", REFUNDS, {"id": "re_test_2", "object": "refund", "status": "succeeded"})
    return_request = card_return_received()
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_return(return_request=return_request)
        with pytest.raises(services.ReturnRefused):
            services.refund_return(return_request=return_request)
    assert len(stripe_api.to("post", REFUNDS)) == 1
    assert Refund.objects.count() == 1


def test_a_card_refund_retried_uses_the_same_key_and_is_completed_once(stripe_api):
    return_request = card_return_received()
    refund = services.refund_return(return_request=return_request)  # its task is not run here
    stripe_api.reply("post", REFUNDS, error=stripe.APIConnectionError("connection reset"))
    with pytest.raises(RetryLater):
        refunds.issue_card_refund(refund_id=refund.pk)
    refund.refresh_from_db()
    assert refund.status == "pending"

    stripe_api.reply("post", REFUNDS, {"id": "re_test_3", "object": "refund", "status": "succeeded"})
    assert refunds.issue_card_refund(refund_id=refund.pk) is True
    assert refunds.issue_card_refund(refund_id=refund.pk) is True  # a second run finds it done

    sent = stripe_api.to("post", REFUNDS)
    assert len(sent) == 2
    assert {request.idempotency_key for request in sent} == {f"return-refund-{refund.pk}"}
    assert return_request.history.filter(status="refunded").count() == 1


def test_a_card_refund_stripe_refuses_is_kept_as_failed(stripe_api):
    return_request = card_return_received()
    refund = services.refund_return(return_request=return_request)
    stripe_api.reply_error("post", REFUNDS, message="Charge ch_1 has already been refunded.")
    assert refunds.issue_card_refund(refund_id=refund.pk) is False
    refund.refresh_from_db()
    assert refund.status == "failed"
    return_request.refresh_from_db()
    assert return_request.status == Status.RECEIVED


# --- telling the shopper -------------------------------------------------------------------


def test_the_shopper_is_told_once_per_step(sms_outbox, django_capture_on_commit_callbacks):
    order = kg_delivered_order()
    with django_capture_on_commit_callbacks(execute=True):
        return_request = request_all(order)
        received(return_request)
        services.refund_return(return_request=return_request)
    titles = list(Notification.objects.filter(user=order.user).order_by("pk").values_list("title", flat=True))
    number = order.order_number
    assert titles == [
        f"Return requested for order {number}",
        f"Return approved for order {number}",
        f"Return received for order {number}",
        f"Refund for order {number}",
    ]
    assert len(sms_outbox) == 4
    assert [message.phone for message in sms_outbox] == [order.customer_phone] * 4
    assert sms_outbox[-1].text == f"We refunded 2 990 som for your return from order {number}."


def test_a_shopper_who_takes_no_order_updates_by_sms_follows_the_return_in_the_app(
    sms_outbox, django_capture_on_commit_callbacks
):
    order = kg_delivered_order()
    MessagePreferences.objects.update_or_create(user=order.user, defaults={"order_updates_sms": False})
    with django_capture_on_commit_callbacks(execute=True):
        return_request = request_all(order)
        received(return_request)
    assert Notification.objects.filter(user=order.user).count() == 3
    assert sms_outbox == []
    # Shipping updates by SMS, still on, are not what a return sends.
    assert MessagePreferences.objects.get(user=order.user).shipping_updates_sms


def test_a_refused_step_tells_nobody(sms_outbox, django_capture_on_commit_callbacks):
    return_request = request_all(kg_delivered_order())
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ReturnRefused):
        services.move_return(return_request=return_request, to=Status.RECEIVED)
    assert Notification.objects.count() == 1
    assert sms_outbox == []


def test_the_window_closes_at_the_deadline_exactly():
    order = kg_delivered_order()
    deadline = services.return_deadline(order)
    assert deadline == order.delivered_date + timedelta(days=14)
    assert services.can_request_return(order, now=deadline)
    assert not services.can_request_return(order, now=deadline + timedelta(seconds=1))
    assert timezone.now() < deadline
