"""Paying online: Stripe Checkout Sessions, the offline test payment, cash and transfers, refunds.

Stripe is faked only at its HTTP boundary (checkout.tests.stripe_fakes): the real SDK builds and
encodes each request, and the tests read what would have gone over the wire.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.factories import StaffFactory
from catalog.models import SKU
from checkout import payments
from checkout.models import Order, OrderStatusHistory, PaymentEvent
from checkout.status import change_status
from checkout.tests.factories import OrderFactory
from checkout.tests.stripe_fakes import session_json, unique, us_card_order
from storefront.market_urls import market_reverse
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

SUCCESS_URL = "https://shop.example.com/us/orders/MQ-X/paid/"
CANCEL_URL = "https://shop.example.com/us/orders/MQ-X/"
FRIENDLY = "Payment is not available right now, your order is saved — try again from the order page."
SESSIONS = "/v1/checkout/sessions"


def start(order):
    return payments.start_stripe_checkout(order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)


def stock_of(order):
    return SKU.objects.get(pk=order.items.get().sku_id).stock


def state(order):
    """Everything a payment step may change, to show that a refused one changed nothing."""
    order = Order.objects.get(pk=order.pk)
    return (
        order.status,
        order.payment_status,
        order.paid_at,
        order.payment_reference,
        order.stripe_checkout_session,
        order.payment_due_by,
        order.stock_restored,
        stock_of(order),
        order.status_history.count(),
    )


# --- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("71.67", 7167), ("19.99", 1999), ("0.10", 10), ("0.29", 29), ("1234.50", 123450), ("0.00", 0), ("0.005", 1)],
)
def test_amounts_go_to_stripe_in_whole_cents(amount, cents):
    assert payments.minor_units(Decimal(amount)) == cents


# --- starting a Stripe Checkout Session -----------------------------------------------------------


def test_a_new_checkout_session_charges_the_order_total_in_cents(stripe_api):
    order = us_card_order(session=False)
    stripe_api.reply("post", SESSIONS, session_json("cs_test_new"))
    before = timezone.now()

    url = start(order)

    assert url == "https://checkout.stripe.com/c/pay/cs_test_new"
    [call] = stripe_api.requests
    assert (call.method, call.url) == ("post", "https://api.stripe.com/v1/checkout/sessions")
    params = call.params
    assert params["mode"] == "payment"
    assert params["line_items[0][quantity]"] == "1"
    assert params["line_items[0][price_data][unit_amount]"] == "7167"
    assert params["line_items[0][price_data][currency]"] == "usd"
    assert order.order_number in params["line_items[0][price_data][product_data][name]"]
    assert params["metadata[order_number]"] == order.order_number
    assert params["payment_intent_data[metadata][order_number]"] == order.order_number
    assert params["client_reference_id"] == str(order.pk)
    assert params["customer_email"] == order.customer_email
    assert params["success_url"] == SUCCESS_URL + "?session_id={CHECKOUT_SESSION_ID}"
    assert "{CHECKOUT_SESSION_ID}" in params["success_url"]
    assert params["cancel_url"] == CANCEL_URL
    expires_at = int(params["expires_at"])
    # Stripe refuses a session that expires sooner than 30 minutes after it is created.
    assert expires_at >= (before + timedelta(minutes=30)).timestamp()
    assert expires_at <= (timezone.now() + timedelta(hours=24)).timestamp()
    assert call.idempotency_key == f"checkout-{order.order_number}-{expires_at}"
    assert call.headers["Authorization"] == "Bearer sk_test_x"

    order.refresh_from_db()
    assert order.stripe_checkout_session == "cs_test_new"
    # The order holds its stock exactly as long as the session can still be paid.
    assert int(order.payment_due_by.timestamp()) == expires_at
    assert order.status == Order.Status.PENDING
    assert order.payment_status == Order.PaymentStatus.PENDING


def test_a_later_payment_deadline_becomes_the_sessions_expiry(stripe_api):
    order = us_card_order(session=False, due_in=timedelta(minutes=50))
    stripe_api.reply("post", SESSIONS, session_json("cs_test_new"))

    start(order)

    assert int(stripe_api.requests[0].params["expires_at"]) == int(order.payment_due_by.timestamp())


def test_an_order_without_email_lets_stripe_ask_for_it(stripe_api):
    order = us_card_order(session=False, customer_email="")
    stripe_api.reply("post", SESSIONS, session_json("cs_test_new"))

    start(order)

    assert "customer_email" not in stripe_api.requests[0].params


def test_a_retried_start_sends_the_same_idempotency_key(stripe_api):
    """The first attempt's answer was lost: Stripe sees the same key and returns the same session."""
    order = us_card_order(session=False, due_in=timedelta(minutes=45))
    stripe_api.reply("post", SESSIONS, error=stripe.APIConnectionError("connection reset"))
    with pytest.raises(payments.PaymentError):
        start(order)
    stripe_api.reply("post", SESSIONS, session_json("cs_test_new"))

    start(Order.objects.get(pk=order.pk))

    first, second = stripe_api.requests
    assert first.idempotency_key == second.idempotency_key
    assert first.idempotency_key.startswith(f"checkout-{order.order_number}-")


def test_an_open_session_is_reused(stripe_api):
    order = us_card_order()
    session_id = order.stripe_checkout_session
    stripe_api.reply("get", f"{SESSIONS}/{session_id}", session_json(session_id, status="open"))
    before = state(order)

    url = start(order)

    assert url == f"https://checkout.stripe.com/c/pay/{session_id}"
    assert [(r.method, r.path) for r in stripe_api.requests] == [("get", f"{SESSIONS}/{session_id}")]
    assert state(order) == before


def test_an_expired_session_is_replaced_by_a_new_one(stripe_api):
    order = us_card_order()
    old = order.stripe_checkout_session
    stripe_api.reply("get", f"{SESSIONS}/{old}", session_json(old, status="expired", url=None))
    stripe_api.reply("post", SESSIONS, session_json("cs_test_replacement"))

    url = start(order)

    assert url.endswith("cs_test_replacement")
    assert [(r.method, r.path) for r in stripe_api.requests] == [("get", f"{SESSIONS}/{old}"), ("post", SESSIONS)]
    order.refresh_from_db()
    assert order.stripe_checkout_session == "cs_test_replacement"


@pytest.mark.parametrize("payment_status", ["paid", "unpaid"])
def test_a_completed_session_is_not_paid_twice(stripe_api, payment_status):
    """Paid (or an async payment under way) while the webhook is still on its way: no second session."""
    order = us_card_order()
    session_id = order.stripe_checkout_session
    stripe_api.reply(
        "get", f"{SESSIONS}/{session_id}", session_json(session_id, status="complete", payment_status=payment_status)
    )
    before = state(order)

    url = start(order)

    assert url == SUCCESS_URL  # the page that waits for the webhook
    assert [r.method for r in stripe_api.requests] == ["get"]
    assert state(order) == before


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "type": "api_error", "message": "Something went wrong on Stripe's end."},
        {"status": 401, "type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_x"},
        {"status": 400, "type": "invalid_request_error", "message": "expires_at must be less than 24 hours"},
        {"status": 429, "type": "invalid_request_error", "message": "Too many requests"},
    ],
    ids=["server-error", "bad-key", "invalid-request", "rate-limited"],
)
def test_a_stripe_error_is_a_friendly_payment_error_and_writes_nothing(stripe_api, caplog, failure):
    order = us_card_order(session=False)
    stripe_api.reply_error("post", SESSIONS, **failure)
    before = state(order)

    with pytest.raises(payments.PaymentError) as error:
        start(order)

    assert error.value.message == FRIENDLY
    assert failure["message"] not in error.value.message
    assert state(order) == before
    assert order.stripe_checkout_session == ""
    assert f"Stripe Checkout for order {order.order_number} could not start" in caplog.text


def test_stripe_unreachable_is_a_friendly_payment_error(stripe_api):
    order = us_card_order()
    session_id = order.stripe_checkout_session
    stripe_api.reply("get", f"{SESSIONS}/{session_id}", error=stripe.APIConnectionError("timed out"))
    before = state(order)

    with pytest.raises(payments.PaymentError) as error:
        start(order)

    assert error.value.message == FRIENDLY
    assert state(order) == before


@pytest.mark.parametrize(
    "change",
    [
        {"payment_status": "paid"},
        {"status": "cancelled", "payment_status": "failed"},
        {"status": "cancelled"},
        {"payment_method": "test"},
    ],
    ids=["paid", "expired", "cancelled", "test-payment"],
)
def test_only_an_order_awaiting_a_card_payment_gets_a_session(stripe_api, change):
    order = us_card_order(session=False, **change)

    with pytest.raises(payments.PaymentError) as error:
        start(order)

    assert error.value.message == "This order is not waiting for a card payment."
    assert stripe_api.requests == []


def test_a_cash_order_gets_no_session(stripe_api):
    order = OrderFactory(payment_method="cash")

    with pytest.raises(payments.PaymentError):
        start(order)

    assert stripe_api.requests == []


def test_paying_again_from_the_order_page_goes_to_stripe(client, stripe_api):
    order = us_card_order()
    session_id = order.stripe_checkout_session
    stripe_api.reply("get", f"{SESSIONS}/{session_id}", session_json(session_id, status="expired"))
    stripe_api.reply("post", SESSIONS, session_json("cs_test_again"))
    client.force_login(order.user)

    response = client.post(market_reverse("checkout:order_pay", MARKETS["US"], kwargs={"number": order.order_number}))

    assert response.status_code == 302
    assert response.url == "https://checkout.stripe.com/c/pay/cs_test_again"
    params = stripe_api.to("post", SESSIONS)[0].params
    paid_page = market_reverse("checkout:order_paid", MARKETS["US"], kwargs={"number": order.order_number})
    assert params["success_url"] == f"http://testserver{paid_page}?session_id={{CHECKOUT_SESSION_ID}}"


def test_paying_again_while_stripe_is_down_stays_on_the_order(client, stripe_api):
    order = us_card_order(session=False)
    stripe_api.reply_error("post", SESSIONS, status=500, type="api_error", message="down")
    client.force_login(order.user)

    response = client.post(
        market_reverse("checkout:order_pay", MARKETS["US"], kwargs={"number": order.order_number}), follow=True
    )

    assert response.redirect_chain[0][0] == market_reverse(
        "checkout:order_detail", MARKETS["US"], kwargs={"number": order.order_number}
    )
    assert escape(FRIENDLY) in response.content.decode()
    assert Order.objects.get(pk=order.pk).stripe_checkout_session == ""


# --- the offline test payment ---------------------------------------------------------------------


def test_a_test_payment_pays_and_confirms_the_order(no_stripe):
    order = us_card_order(payment_method="test")

    assert payments.pay_with_test_method(order, succeed=True) == "paid"

    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.status == Order.Status.CONFIRMED
    assert order.paid_at is not None and order.confirmed_date is not None
    assert order.payment_reference == f"test_{order.order_number}"
    assert list(order.status_history.values_list("status", "notes")) == [("confirmed", "Payment received")]
    assert stock_of(order) == 5
    assert no_stripe.requests == []


def test_a_declined_test_payment_cancels_the_order_and_returns_the_stock(no_stripe):
    order = us_card_order(payment_method="test", quantity=2, stock=5)

    assert payments.pay_with_test_method(order, succeed=False) == "cancelled: Test payment declined"

    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert order.status == Order.Status.CANCELLED
    assert order.paid_at is None
    assert order.stock_restored
    assert stock_of(order) == 7
    assert list(order.status_history.values_list("status", "notes")) == [("cancelled", "Test payment declined")]


def test_no_test_payment_once_stripe_is_configured(stripe_api):
    order = us_card_order(payment_method="test")
    before = state(order)

    for succeed in (True, False):
        with pytest.raises(payments.PaymentError) as error:
            payments.pay_with_test_method(order, succeed=succeed)
        assert error.value.message == "Test payments are not available for this order."

    assert state(order) == before
    assert stripe_api.requests == []


@pytest.mark.parametrize("method", ["card", "cash", "bank_transfer"])
def test_no_test_payment_for_a_real_order(no_stripe, method):
    order = us_card_order(payment_method=method, session=False)
    before = state(order)

    with pytest.raises(payments.PaymentError) as error:
        payments.pay_with_test_method(order, succeed=True)

    assert error.value.message == "Test payments are not available for this order."
    assert state(order) == before


@pytest.mark.parametrize(
    "change",
    [{"payment_status": "paid", "status": "confirmed"}, {"status": "cancelled"}, {"payment_status": "failed"}],
    ids=["paid", "cancelled", "failed"],
)
def test_no_test_payment_for_an_order_not_awaiting_one(no_stripe, change):
    order = us_card_order(payment_method="test", **change)
    before = state(order)

    for succeed in (True, False):
        with pytest.raises(payments.PaymentError) as error:
            payments.pay_with_test_method(order, succeed=succeed)
        assert error.value.message == "This order is not waiting for a payment."

    assert state(order) == before


def test_a_stale_copy_of_a_paid_order_cannot_be_paid_or_declined_again(no_stripe):
    """Two tabs: the second one's order object still says "awaiting payment"."""
    order = us_card_order(payment_method="test", stock=5)
    stale = Order.objects.get(pk=order.pk)
    payments.pay_with_test_method(order, succeed=True)

    assert payments.pay_with_test_method(stale, succeed=True) == "already paid"
    assert payments.pay_with_test_method(stale, succeed=False) == "ignored: payment already paid"

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    assert order.status_history.count() == 1
    assert stock_of(order) == 5


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [("pay", "Thank you, your payment went through"), ("decline", "The payment did not go through")],
)
def test_the_test_payment_page_pays_or_declines(client, no_stripe, outcome, expected):
    order = us_card_order(payment_method="test")
    client.force_login(order.user)
    url = market_reverse("checkout:order_test_payment", MARKETS["US"], kwargs={"number": order.order_number})
    assert client.get(url).status_code == 200

    response = client.post(url, {"outcome": outcome}, follow=True)

    paid_page = market_reverse("checkout:order_paid", MARKETS["US"], kwargs={"number": order.order_number})
    assert response.redirect_chain == [(paid_page, 302)]
    assert expected in response.content.decode()
    order.refresh_from_db()
    assert order.is_paid is (outcome == "pay")


def test_someone_elses_order_cannot_be_test_paid(client, no_stripe):
    order = us_card_order(payment_method="test")
    client.force_login(us_card_order(payment_method="test").user)

    response = client.post(
        market_reverse("checkout:order_test_payment", MARKETS["US"], kwargs={"number": order.order_number}),
        {"outcome": "pay"},
    )

    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).payment_status == "pending"


# --- cash on delivery and bank transfers ----------------------------------------------------------


@pytest.mark.parametrize("method", ["cash", "bank_transfer"])
def test_staff_mark_cash_or_a_transfer_received(method):
    order = OrderFactory(payment_method=method)
    staff = StaffFactory()

    paid = payments.record_offline_payment(order, by=staff)

    order.refresh_from_db()
    assert paid.pk == order.pk
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.paid_at is not None
    assert order.payment_reference == f"received by {staff}"
    # Receiving the money is not a status change: the order stays where the workflow has it.
    assert order.status == Order.Status.PENDING
    assert not OrderStatusHistory.objects.filter(order=order).exists()


def test_money_received_without_a_named_person():
    order = OrderFactory(payment_method="cash")

    payments.record_offline_payment(order)

    order.refresh_from_db()
    assert (order.payment_status, order.payment_reference) == ("paid", "received")


def test_a_delivered_cash_order_can_be_marked_paid():
    order = OrderFactory(payment_method="cash", status="delivered")

    payments.record_offline_payment(order)

    assert Order.objects.get(pk=order.pk).is_paid


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payment_method": "card"}, "is paid online, not in cash or by transfer"),
        ({"payment_method": "test"}, "is paid online, not in cash or by transfer"),
        ({"payment_method": "cash", "payment_status": "paid"}, "is not waiting for a payment"),
        ({"payment_method": "bank_transfer", "status": "cancelled"}, "is not waiting for a payment"),
        ({"payment_method": "cash", "payment_status": "refunded"}, "is not waiting for a payment"),
    ],
    ids=["card", "test", "already-paid", "cancelled", "refunded"],
)
def test_offline_payment_refused(fields, message):
    order = OrderFactory(**fields)
    before = Order.objects.filter(pk=order.pk).values().get()

    with pytest.raises(payments.PaymentError) as error:
        payments.record_offline_payment(order, by=StaffFactory())

    assert message in error.value.message
    assert order.order_number in error.value.message
    assert Order.objects.filter(pk=order.pk).values().get() == before


def test_bank_details_only_for_a_bank_transfer(settings):
    assert payments.bank_details(OrderFactory(payment_method="bank_transfer")) == settings.KG_BANK_DETAILS
    assert payments.bank_details(OrderFactory(payment_method="cash")) is None


# --- refunds ----------------------------------------------------------------------------------------


def paid_then_cancelled(payment_method="card", reference="pi_test_refund_me"):
    return us_card_order(
        payment_method=payment_method,
        status="cancelled",
        payment_status="paid",
        paid_at=timezone.now(),
        payment_reference=reference,
    )


def test_a_cancelled_card_payment_is_refunded_through_stripe(stripe_api):
    order = paid_then_cancelled()
    stripe_api.reply("post", "/v1/refunds", {"id": unique("re"), "object": "refund", "status": "succeeded"})

    assert payments.refund(order_id=order.pk) is True

    [call] = stripe_api.requests
    assert (call.method, call.path) == ("post", "/v1/refunds")
    assert call.params["payment_intent"] == "pi_test_refund_me"
    assert call.params["metadata[order_number]"] == order.order_number
    assert call.idempotency_key == f"refund-{order.order_number}"
    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.REFUNDED


def test_a_refund_stripe_refuses_leaves_the_order_paid_and_records_why(stripe_api, caplog):
    order = paid_then_cancelled()
    stripe_api.reply_error("post", "/v1/refunds", message="This charge is disputed.", code="charge_disputed")

    assert payments.refund(order_id=order.pk) is False
    assert payments.refund(order_id=order.pk) is False  # asked again: recorded once

    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.PAID
    assert f"Refund of order {order.order_number} failed" in caplog.text
    (refused,) = PaymentEvent.objects.filter(order=order)
    assert (refused.type, refused.event_id) == ("refund.refused", f"refund-refused-{order.order_number}")
    assert refused.outcome == "This charge is disputed."


def test_a_payment_stripe_says_was_refunded_already_reads_refunded(stripe_api):
    order = paid_then_cancelled()
    stripe_api.reply_error(
        "post", "/v1/refunds", message="Charge ch_1 has already been refunded.", code="charge_already_refunded"
    )

    assert payments.refund(order_id=order.pk) is True

    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.REFUNDED
    assert not PaymentEvent.objects.filter(order=order).exists()


def test_a_test_payment_is_refunded_without_stripe(no_stripe):
    order = paid_then_cancelled(payment_method="test", reference="test_x")

    assert payments.refund(order_id=order.pk) is True

    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.REFUNDED
    assert no_stripe.requests == []


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "confirmed", "payment_status": "paid"},
        {"status": "cancelled", "payment_status": "pending"},
        {"status": "cancelled", "payment_status": "refunded"},
        {"status": "cancelled", "payment_status": "paid", "payment_method": "cash"},
    ],
    ids=["not-cancelled", "not-paid", "already-refunded", "cash"],
)
def test_only_a_cancelled_online_payment_is_refunded(stripe_api, fields):
    order = us_card_order(**fields)

    assert payments.refund(order_id=order.pk) is False

    assert Order.objects.get(pk=order.pk).payment_status == fields["payment_status"]
    assert stripe_api.requests == []


def test_refund_of_a_missing_order(stripe_api):
    assert payments.refund(order_id=987654321) is False
    assert stripe_api.requests == []


def test_cancelling_a_paid_card_order_refunds_it(stripe_api, django_capture_on_commit_callbacks):
    order = us_card_order(status="confirmed", payment_status="paid", payment_reference="pi_test_cancel_me")
    stripe_api.reply("post", "/v1/refunds", {"id": unique("re"), "object": "refund", "status": "succeeded"})

    with django_capture_on_commit_callbacks(execute=True):
        change_status(order=order, to=Order.Status.CANCELLED, by=StaffFactory(), notes="Out of stock")

    [call] = stripe_api.to("post", "/v1/refunds")
    assert call.params["payment_intent"] == "pi_test_cancel_me"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "refunded")
    assert stock_of(order) == 7
