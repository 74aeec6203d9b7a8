"""The Stripe webhook: only a correctly signed, recent event changes an order, and each event counts once.

Events are signed with HMAC-SHA256 exactly as Stripe signs them and posted to the real URL; the
only fake is Stripe's HTTP API (for refunds), which also proves no other call goes out.
"""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from catalog.models import SKU
from checkout import payments
from checkout.models import Order, OrderStatusHistory, PaymentEvent
from checkout.status import change_status
from checkout.tests.stripe_fakes import (
    deliver,
    install_fake_stripe,
    session_event,
    signature_header,
    unique,
    us_card_order,
)
from storefront.market_urls import market_reverse
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

REFUNDS = "/v1/refunds"


@pytest.fixture
def order(stripe_api):
    return us_card_order(quantity=2, stock=5)


def state(order):
    """Everything an event may change, to show that a rejected one changed nothing."""
    order = Order.objects.get(pk=order.pk)
    return (
        order.status,
        order.payment_status,
        order.paid_at,
        order.payment_reference,
        order.confirmed_date,
        order.cancelled_date,
        order.stock_restored,
        SKU.objects.get(pk=order.items.get().sku_id).stock,
        list(order.status_history.values_list("status", flat=True)),
        PaymentEvent.objects.count(),
    )


def stock_of(order):
    return SKU.objects.get(pk=order.items.get().sku_id).stock


def outcome(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["received"] is True
    return body["outcome"]


def assert_paid_and_confirmed(order, reference="pi_test_marque_1"):
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.status == Order.Status.CONFIRMED
    assert order.paid_at is not None
    assert order.confirmed_date is not None
    assert order.payment_reference == reference
    assert list(order.status_history.values_list("status", "notes")) == [("confirmed", "Payment received")]


def assert_cancelled_unpaid(order, reason):
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert order.paid_at is None
    assert order.cancelled_date is not None
    assert order.stock_restored
    assert stock_of(order) == 7  # 5 left + the 2 ordered
    assert list(order.status_history.values_list("status", "notes")) == [("cancelled", reason)]


# --- who may call it --------------------------------------------------------------------------------


def test_a_paid_checkout_session_pays_and_confirms_the_order(client, order, stripe_api):
    event = session_event(order)

    assert outcome(deliver(client, event)) == "paid"

    assert_paid_and_confirmed(order)
    recorded = PaymentEvent.objects.get()
    assert (recorded.event_id, recorded.type, recorded.order, recorded.outcome) == (
        event["id"],
        "checkout.session.completed",
        order,
        "paid",
    )
    assert stock_of(order) == 5
    assert stripe_api.requests == []


def test_a_wrong_signature_is_rejected_and_changes_nothing(client, order):
    before = state(order)

    response = deliver(client, session_event(order), secret="whsec_someone_else")

    assert response.status_code == 400
    assert state(order) == before


def test_a_tampered_payload_is_rejected(client, order):
    """Signed for 0.50 USD, then the amount changed: the signature no longer matches."""
    signed = json.dumps(session_event(order, amount=50))
    forged = signed.replace('"amount_total": 50', '"amount_total": 7167')
    assert forged != signed
    before = state(order)

    response = deliver(client, forged, header=signature_header(signed))

    assert response.status_code == 400
    assert state(order) == before


@pytest.mark.parametrize(
    "header",
    [
        "",
        "nonsense",
        "t=notanumber,v1=abc",
        "t=1700000000",
        "v1=" + "0" * 64,
    ],
    ids=["missing", "garbage", "bad-timestamp", "no-signature", "no-timestamp"],
)
def test_a_missing_or_malformed_signature_header_is_rejected(client, order, header):
    before = state(order)

    response = deliver(client, session_event(order), header=header)

    assert response.status_code == 400
    assert state(order) == before


def test_a_signature_of_another_scheme_is_rejected(client, order):
    payload = json.dumps(session_event(order))
    v0 = signature_header(payload).replace("v1=", "v0=")
    before = state(order)

    assert deliver(client, payload, header=v0).status_code == 400
    assert state(order) == before


def test_a_stale_signature_is_rejected_as_a_replay(client, order, settings):
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    before = state(order)

    response = deliver(client, session_event(order), timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert state(order) == before


def test_the_tolerance_comes_from_the_settings(client, order, settings):
    settings.STRIPE_WEBHOOK_TOLERANCE = 60
    before = state(order)

    assert deliver(client, session_event(order), timestamp=int(time.time()) - 90).status_code == 400
    assert state(order) == before

    assert outcome(deliver(client, session_event(order), timestamp=int(time.time()) - 30)) == "paid"


def test_without_a_webhook_secret_nothing_is_accepted(client, order, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    before = state(order)

    assert deliver(client, session_event(order), secret="").status_code == 400
    assert deliver(client, session_event(order)).status_code == 400
    assert state(order) == before


def test_a_signed_body_that_is_not_json_is_rejected(client, order):
    assert deliver(client, "not json at all").status_code == 400
    assert deliver(client, "[]").status_code == 400
    assert deliver(client, '{"object": "event"}').status_code == 400
    assert PaymentEvent.objects.count() == 0


def test_only_post(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405


def test_the_webhook_needs_no_csrf_token(order):
    client = Client(enforce_csrf_checks=True)

    assert outcome(deliver(client, session_event(order))) == "paid"


# --- repeated and out-of-order deliveries -------------------------------------------------------------


def test_the_same_event_delivered_three_times_counts_once(client, order):
    event = session_event(order)

    outcomes = [outcome(deliver(client, event)) for _ in range(3)]

    assert outcomes == ["paid", "duplicate: already processed", "duplicate: already processed"]
    assert_paid_and_confirmed(order)
    assert PaymentEvent.objects.count() == 1


def test_two_events_about_one_payment_confirm_it_once(client, order):
    """checkout.session.completed and async_payment_succeeded both report the same money."""
    assert outcome(deliver(client, session_event(order))) == "paid"
    again = session_event(order, "checkout.session.async_payment_succeeded")

    assert outcome(deliver(client, again)) == "already paid"

    assert_paid_and_confirmed(order)
    assert PaymentEvent.objects.count() == 2


@pytest.mark.parametrize("failure", ["checkout.session.expired", "checkout.session.async_payment_failed"])
def test_a_failure_arriving_after_the_payment_changes_nothing(client, order, failure):
    assert outcome(deliver(client, session_event(order))) == "paid"
    paid = state(order)

    assert outcome(deliver(client, session_event(order, failure, payment_status="unpaid"))) == (
        "ignored: payment already paid"
    )

    assert_paid_and_confirmed(order)
    assert state(order)[:-1] == paid[:-1]
    assert PaymentEvent.objects.filter(type=failure, order=order).get().outcome == "ignored: payment already paid"


# --- amounts that do not add up -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "mismatch",
    [{"amount": 7166}, {"amount": 716700}, {"amount": 0}, {"currency": "eur"}, {"currency": "kgs"}],
    ids=["a-cent-short", "dollars-as-cents", "nothing", "euros", "soms"],
)
def test_a_payment_that_does_not_match_the_order_leaves_it_unpaid(client, order, caplog, mismatch):
    event = session_event(order, **mismatch)

    result = outcome(deliver(client, event))

    assert result == "amount or currency mismatch: left unpaid"
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.paid_at) == ("pending", "pending", None)
    assert not order.status_history.exists()
    assert PaymentEvent.objects.get(event_id=event["id"]).outcome == result
    assert f"Payment for order {order.order_number} does not match" in caplog.text
    assert any(r.levelname == "ERROR" and r.name == "checkout.payments" for r in caplog.records)


def test_the_currency_is_compared_case_insensitively(client, order):
    assert outcome(deliver(client, session_event(order, currency="USD"))) == "paid"


# --- settling later: bank debits and other async methods ----------------------------------------------


def test_a_completed_but_unsettled_session_waits(client, order):
    event = session_event(order, payment_status="unpaid")
    before = state(order)

    assert outcome(deliver(client, event)) == "waiting: payment not settled yet"

    assert state(order)[:-1] == before[:-1]
    assert PaymentEvent.objects.get().outcome == "waiting: payment not settled yet"


def test_an_async_payment_that_succeeds_pays_the_order(client, order):
    outcome(deliver(client, session_event(order, payment_status="unpaid")))

    result = outcome(deliver(client, session_event(order, "checkout.session.async_payment_succeeded")))

    assert result == "paid"
    assert_paid_and_confirmed(order)


def test_an_async_payment_that_fails_cancels_the_order(client, order):
    outcome(deliver(client, session_event(order, payment_status="unpaid")))

    result = outcome(
        deliver(client, session_event(order, "checkout.session.async_payment_failed", payment_status="unpaid"))
    )

    assert result == "cancelled: Card payment failed"
    assert_cancelled_unpaid(order, "Card payment failed")


def test_an_expired_session_cancels_the_unpaid_order_and_returns_its_stock(client, order):
    event = session_event(order, "checkout.session.expired", payment_status="unpaid", payment_intent=None)

    assert outcome(deliver(client, event)) == "cancelled: Payment not completed in time"

    assert_cancelled_unpaid(order, "Payment not completed in time")
    assert PaymentEvent.objects.get().order == order


def test_an_expired_earlier_session_does_not_cancel_the_order_paying_through_a_new_one(client, order):
    """The shopper started again after session A ran out; A's late "expired" must not cancel session B's order."""
    earlier = order.stripe_checkout_session
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session=unique("cs"))
    before = state(order)

    event = session_event(order, "checkout.session.expired", payment_status="unpaid", session_id=earlier)
    result = outcome(deliver(client, event))

    assert result.startswith("ignored")
    assert state(order)[:-1] == before[:-1]
    assert outcome(deliver(client, session_event(Order.objects.get(pk=order.pk)))) == "paid"


def test_an_expired_session_does_not_touch_a_cancelled_order_twice(client, order):
    change_status(order=order, to=Order.Status.CANCELLED, by=order.user, notes="Cancelled by the customer")
    before = state(order)

    result = outcome(deliver(client, session_event(order, "checkout.session.expired", payment_status="unpaid")))

    assert result == "ignored: order already cancelled"
    assert state(order)[:-1] == before[:-1]
    assert stock_of(order) == 7


# --- money arriving for a cancelled order ----------------------------------------------------------------


def cancel_by_customer(order):
    change_status(order=order, to=Order.Status.CANCELLED, by=order.user, notes="Cancelled by the customer")


def cancel_by_expiry(order):
    payments.record_payment_failure(order, reason="Payment not received in time")


@pytest.mark.parametrize("cancel", [cancel_by_customer, cancel_by_expiry], ids=["by-customer", "expired"])
def test_a_payment_after_cancellation_is_recorded_and_refunded(
    client, order, stripe_api, django_capture_on_commit_callbacks, cancel
):
    cancel(order)
    assert stock_of(order) == 7
    stripe_api.reply("post", REFUNDS, {"id": unique("re"), "object": "refund", "status": "pending"})

    with django_capture_on_commit_callbacks(execute=True):
        result = outcome(deliver(client, session_event(order, payment_intent="pi_test_late")))

    assert result == "paid after cancellation: refunding"
    [refund] = stripe_api.requests
    assert (refund.method, refund.path) == ("post", REFUNDS)
    assert refund.params["payment_intent"] == "pi_test_late"
    assert refund.params["metadata[order_number]"] == order.order_number
    assert refund.idempotency_key == f"refund-{order.order_number}"
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.payment_status == Order.PaymentStatus.REFUNDED
    assert order.paid_at is not None and order.payment_reference == "pi_test_late"
    assert stock_of(order) == 7  # returned once, on cancellation
    assert not order.status_history.filter(status="confirmed").exists()


def test_a_refunded_late_payment_delivered_again_is_not_refunded_twice(
    client, order, stripe_api, django_capture_on_commit_callbacks
):
    cancel_by_customer(order)
    stripe_api.reply("post", REFUNDS, {"id": unique("re"), "object": "refund", "status": "pending"})
    with django_capture_on_commit_callbacks(execute=True):
        outcome(deliver(client, session_event(order)))

    with django_capture_on_commit_callbacks(execute=True):
        again = outcome(deliver(client, session_event(order, "checkout.session.async_payment_succeeded")))

    assert again == "already paid"
    assert len(stripe_api.to("post", REFUNDS)) == 1
    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.REFUNDED


def test_a_second_payment_of_a_paid_order_is_refunded(client, order, stripe_api, django_capture_on_commit_callbacks):
    """Two sessions of one order both paid: the order keeps the first payment, the second goes back."""
    with django_capture_on_commit_callbacks(execute=True):
        outcome(deliver(client, session_event(order, payment_intent="pi_test_first")))
    stripe_api.reply("post", REFUNDS, {"id": unique("re"), "object": "refund", "status": "pending"})

    with django_capture_on_commit_callbacks(execute=True):
        result = outcome(
            deliver(client, session_event(order, payment_intent="pi_test_second", session_id=unique("cs")))
        )

    assert result == "already paid: refunding the duplicate payment"
    [refund] = stripe_api.to("post", REFUNDS)
    assert refund.params["payment_intent"] == "pi_test_second"
    assert refund.idempotency_key == "refund-pi_test_second"
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.payment_reference) == ("confirmed", "paid", "pi_test_first")


def test_a_signed_event_without_data_is_acknowledged_and_changes_nothing(client, order):
    before = state(order)
    event = {"id": unique("evt"), "object": "event", "type": "checkout.session.completed"}

    response = deliver(client, event)

    assert response.status_code == 200
    assert state(order)[:-1] == before[:-1]


# --- events the shop does not act on ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["payment_intent.succeeded", "charge.refunded", "customer.created", "checkout.session.unknown_future"]
)
def test_other_event_types_are_acknowledged_and_ignored(client, order, kind):
    event = session_event(order, kind)
    before = state(order)

    assert outcome(deliver(client, event)) == "ignored: not a payment event"

    assert state(order)[:-1] == before[:-1]
    assert PaymentEvent.objects.get(event_id=event["id"]).order is None


def test_a_subscription_or_setup_session_is_ignored(client, order):
    assert outcome(deliver(client, session_event(order, mode="setup"))) == "ignored: not a payment session"
    assert Order.objects.get(pk=order.pk).payment_status == "pending"


def test_a_session_for_no_order_of_ours_is_ignored(client, order):
    event = session_event(order)
    event["data"]["object"]["metadata"] = {"order_number": "MQ-NOTOURS1"}
    event_without = session_event(order)
    event_without["data"]["object"]["metadata"] = {}

    assert outcome(deliver(client, event)) == "ignored: no such order"
    assert outcome(deliver(client, event_without)) == "ignored: no such order"
    assert Order.objects.get(pk=order.pk).payment_status == "pending"


# --- the page Stripe sends the shopper back to -------------------------------------------------------------


def paid_page(order, **query):
    return market_reverse(
        "checkout:order_paid", MARKETS["US"], kwargs={"number": order.order_number}, query=query or None
    )


def status_fragment(order):
    return market_reverse("checkout:order_payment_status", MARKETS["US"], kwargs={"number": order.order_number})


def test_the_return_page_waits_for_the_webhook_instead_of_trusting_the_redirect(client, order, stripe_api):
    client.force_login(order.user)

    response = client.get(paid_page(order, session_id=order.stripe_checkout_session))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirming your payment…" in page
    assert f'hx-get="{status_fragment(order)}"' in page
    assert "hx-trigger=" in page
    assert "Thank you, your payment went through" not in page
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("pending", "pending")
    assert stripe_api.requests == []


def test_the_return_page_shows_the_payment_once_the_webhook_ran(client, order):
    client.force_login(order.user)
    assert "Confirming your payment…" in client.get(status_fragment(order)).content.decode()

    outcome(deliver(client, session_event(order)))

    fragment = client.get(status_fragment(order)).content.decode()
    assert "Thank you, your payment went through" in fragment
    assert "hx-get" not in fragment  # polling stops
    page = client.get(paid_page(order, session_id=order.stripe_checkout_session)).content.decode()
    assert "Thank you, your payment went through" in page
    assert "Confirming your payment…" not in page
    assert 'hx-trigger="every' not in page


def test_the_return_page_says_when_the_payment_failed(client, order):
    client.force_login(order.user)
    outcome(deliver(client, session_event(order, "checkout.session.expired", payment_status="unpaid")))

    page = client.get(paid_page(order)).content.decode()

    assert "The payment did not go through" in page
    assert "Confirming your payment…" not in page


def test_the_return_page_is_the_customers_own(client, order):
    client.force_login(us_card_order().user)

    assert client.get(paid_page(order)).status_code == 404
    assert client.get(status_fragment(order)).status_code == 404


# --- the same event delivered at the same moment (real transactions) --------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_event_delivered_in_parallel_is_processed_once(settings, monkeypatch):
    """Stripe retries while the first delivery is still running: two at once on PostgreSQL, then a third.

    On SQLite, whose writers take turns, the deliveries run one after another (the parallel run
    needs PostgreSQL, which CI uses).
    """
    stripe_api = install_fake_stripe(settings, monkeypatch)
    order = us_card_order(quantity=2, stock=5)
    event = session_event(order)
    workers = 2 if connection.vendor == "postgresql" else 1
    start = threading.Barrier(workers)

    def post(_):
        try:
            if workers > 1:
                start.wait(timeout=30)
            return outcome(deliver(Client(), event))
        finally:
            if workers > 1:
                connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(post, range(2)))
    outcomes.append(outcome(deliver(Client(), event)))

    assert sorted(outcomes) == ["duplicate: already processed", "duplicate: already processed", "paid"]
    assert PaymentEvent.objects.filter(event_id=event["id"]).count() == 1
    assert OrderStatusHistory.objects.filter(order=order, status="confirmed").count() == 1
    assert_paid_and_confirmed(order)
    assert stock_of(order) == 5
    assert stripe_api.requests == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_payment_and_an_expiry_at_the_same_moment_leave_one_consistent_order(settings, monkeypatch):
    """Stripe reports the payment while the expiry of the same order is being applied: never paid and cancelled."""
    stripe_api = install_fake_stripe(settings, monkeypatch)
    stripe_api.reply("post", REFUNDS, {"id": unique("re"), "object": "refund", "status": "pending"})
    order = us_card_order(quantity=2, stock=5)
    events = [session_event(order), session_event(order, "checkout.session.expired", payment_status="unpaid")]
    workers = 2 if connection.vendor == "postgresql" else 1
    start = threading.Barrier(workers)

    def post(event):
        try:
            if workers > 1:
                start.wait(timeout=30)
            return outcome(deliver(Client(), event))
        finally:
            if workers > 1:
                connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(post, events))

    order.refresh_from_db()
    assert PaymentEvent.objects.count() == 2
    if outcomes[0] == "paid":
        assert outcomes[1] == "ignored: payment already paid"
        assert (order.status, order.payment_status) == ("confirmed", "paid")
        assert stock_of(order) == 5
        assert stripe_api.requests == []
    else:
        # The expiry won: the payment that arrived a moment later is recorded and refunded.
        assert outcomes == ["paid after cancellation: refunding", "cancelled: Payment not completed in time"]
        assert (order.status, order.payment_status) == ("cancelled", "refunded")
        assert stock_of(order) == 7
        assert [r.path for r in stripe_api.requests] == [REFUNDS]
    assert OrderStatusHistory.objects.filter(order=order).count() == 1
