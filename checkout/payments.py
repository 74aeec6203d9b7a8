"""Paying for orders online: Stripe Checkout for US cards, the offline test payment, refunds, expiry.

The redirect back from Stripe proves nothing: an order becomes paid only through `record_payment`,
called by the signature-checked webhook (or the test payment when Stripe is not configured), which
checks amount and currency against the order and never moves a paid order backwards. Each gateway
event is kept once in `PaymentEvent`; a repeated delivery, also a parallel one, changes nothing.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import stripe_client
from checkout.models import Order, PaymentEvent
from checkout.status import StatusChangeRefused, change_status
from storefront.background import RetryLater, Stalled, enqueue_after_commit, exclusive
from storefront.errors import Refused
from storefront.market_urls import market_reverse

logger = logging.getLogger(__name__)
PaymentStatus = Order.PaymentStatus
# Stripe refuses a Checkout Session that expires sooner than 30 minutes after it is created.
STRIPE_MIN_SESSION = timedelta(minutes=30, seconds=30)


class PaymentError(Refused):
    """A payment step that cannot go ahead; `message` is for the shopper."""

    code = "payment_refused"


class InvalidWebhook(Exception):
    """A webhook request whose signature is missing, wrong or too old."""


def minor_units(amount: Decimal) -> int:
    """An amount in cents (or tyiyn), as Stripe counts it: `Decimal("12.34")` → 1234."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


# --- starting a payment -------------------------------------------------------------------------


def start_stripe_checkout(order: Order, *, success_url: str, cancel_url: str) -> str:
    """The URL of the Stripe Checkout page that pays `order`: its open session, or a new one."""
    if not order.awaiting_online_payment or order.payment_method != Order.PaymentMethod.CARD:
        raise PaymentError(_("This order is not waiting for a card payment."))
    client = stripe_client.client()
    try:
        if order.stripe_checkout_session:
            session = client.v1.checkout.sessions.retrieve(order.stripe_checkout_session)
            if session.status == "open":
                return session.url
            if session.status == "complete":
                # Paid (or an async payment under way), the webhook not here yet: never a second charge.
                return success_url
        now = timezone.now()
        expires_at = max(order.payment_due_by or now, now + STRIPE_MIN_SESSION)
        session = client.v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": str(order.pk),
                "metadata": {"order_number": order.order_number},
                "payment_intent_data": {"metadata": {"order_number": order.order_number}},
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": order.currency.lower(),
                            "unit_amount": minor_units(order.total_amount),
                            "product_data": {"name": _("MARQUE order %(number)s") % {"number": order.order_number}},
                        },
                    }
                ],
                "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
                "cancel_url": cancel_url,
                "expires_at": int(expires_at.timestamp()),
                **({"customer_email": order.customer_email} if order.customer_email else {}),
            },
            # One session per order and deadline: a retried request gets the same session back.
            options={"idempotency_key": f"checkout-{order.order_number}-{int(expires_at.timestamp())}"},
        )
    except stripe.StripeError:
        logger.exception("Stripe Checkout for order %s could not start", order.order_number)
        raise PaymentError(
            _("Payment is not available right now, your order is saved — try again from the order page.")
        ) from None
    Order.objects.filter(pk=order.pk).update(
        stripe_checkout_session=session.id, payment_due_by=expires_at, updated_at=timezone.now()
    )
    order.stripe_checkout_session, order.payment_due_by = session.id, expires_at
    return session.url


def bank_details(order: Order) -> dict | None:
    """The shop's bank account for an order paid by bank transfer (shown on its confirmation)."""
    if order.payment_method != Order.PaymentMethod.BANK_TRANSFER:
        return None
    return settings.KG_BANK_DETAILS


@dataclass(frozen=True)
class PaymentStep:
    """What the customer does next to pay an order, for the web pages and the API alike.

    `provider` is `stripe`, `test`, `bank_transfer` or `cash`; `url` is the page that takes the
    payment while the order waits for one (Stripe's, or this site's test page as a path);
    `message` says why Stripe's page could not be opened (the order stands).
    """

    provider: str
    url: str = ""
    bank_details: dict | None = None
    message: str = ""


def next_payment_step(order: Order, *, absolute_url: Callable[[str], str]) -> PaymentStep:
    """How `order` is paid next: Stripe's page, the test payment page, the bank details, or cash.

    `absolute_url` turns this site's paths into the absolute URLs Stripe sends the customer back to.
    """

    def page(name):
        return market_reverse(name, order.market_config, kwargs={"number": order.order_number})

    method = order.payment_method
    if method == Order.PaymentMethod.BANK_TRANSFER:
        return PaymentStep(provider=method, bank_details=bank_details(order))
    if method == Order.PaymentMethod.TEST:
        url = page("checkout:order_test_payment") if order.awaiting_online_payment else ""
        return PaymentStep(provider="test", url=url)
    if method == Order.PaymentMethod.CARD:
        if not order.awaiting_online_payment:
            return PaymentStep(provider="stripe")
        try:
            url = start_stripe_checkout(
                order,
                success_url=absolute_url(page("checkout:order_paid")),
                cancel_url=absolute_url(page("checkout:order_detail")),
            )
        except PaymentError as error:
            return PaymentStep(provider="stripe", message=error.message)
        return PaymentStep(provider="stripe", url=url)
    return PaymentStep(provider=method)


# --- recording the outcome ----------------------------------------------------------------------


def record_payment(order: Order, *, amount: int, currency: str, reference: str) -> str:
    """The gateway took `amount` (minor units) in `currency` for `order`: mark it paid and confirm it.

    Returns what happened, for the event log. An amount or currency that does not match the order
    leaves it unpaid; a payment that arrives after the order was cancelled is refunded.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.is_paid or locked.payment_status == PaymentStatus.REFUNDED:
            if reference.startswith("pi_") and reference != locked.payment_reference:
                # A second, separate charge for the same order (two sessions both paid): give it back.
                enqueue_after_commit("checkout.tasks.refund_duplicate_payment", locked.order_number, reference)
                return "already paid: refunding the duplicate payment"
            return "already paid"
        if amount != minor_units(locked.total_amount) or (currency or "").upper() != locked.currency:
            logger.error(
                "Payment for order %s does not match: %s %s paid, %s %s due",
                locked.order_number,
                amount,
                currency,
                minor_units(locked.total_amount),
                locked.currency,
            )
            return "amount or currency mismatch: left unpaid"
        locked.payment_status = PaymentStatus.PAID
        locked.paid_at = timezone.now()
        locked.payment_reference = reference[:255]
        locked.save(update_fields=["payment_status", "paid_at", "payment_reference", "updated_at"])
        if locked.status == Order.Status.CANCELLED:
            enqueue_after_commit("checkout.tasks.refund_order_payment", locked.pk)
            return "paid after cancellation: refunding"
        if locked.status == Order.Status.PENDING:
            change_status(order=locked, to=Order.Status.CONFIRMED, notes="Payment received")
        # A card order is announced once paid: its confirmation email carries the paid receipt.
        enqueue_after_commit("emails.tasks.email_order_update", locked.pk, "placed" if locked.pays_online else "paid")
        return "paid"


def record_payment_failure(order: Order, *, reason: str) -> str:
    """The payment failed or its time ran out: cancel the unpaid order (stock returns); never a paid one."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.payment_status != PaymentStatus.PENDING:
            return f"ignored: payment already {locked.payment_status}"
        if locked.status != Order.Status.PENDING:
            return f"ignored: order already {locked.status}"
        locked.payment_status = PaymentStatus.FAILED
        locked.save(update_fields=["payment_status", "updated_at"])
        change_status(order=locked, to=Order.Status.CANCELLED, notes=reason)
        return "cancelled: " + reason


def record_offline_payment(order: Order, *, by=None) -> Order:
    """Staff received the cash on delivery or the bank transfer for `order`."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.payment_method not in (Order.PaymentMethod.CASH, Order.PaymentMethod.BANK_TRANSFER):
            raise PaymentError(
                _("Order %(number)s is paid online, not in cash or by transfer.") % {"number": locked.order_number}
            )
        if locked.payment_status != PaymentStatus.PENDING or locked.status == Order.Status.CANCELLED:
            raise PaymentError(_("Order %(number)s is not waiting for a payment.") % {"number": locked.order_number})
        locked.payment_status = PaymentStatus.PAID
        locked.paid_at = timezone.now()
        locked.payment_reference = f"received by {by}"[:255] if by else "received"
        locked.save(update_fields=["payment_status", "paid_at", "payment_reference", "updated_at"])
        enqueue_after_commit("emails.tasks.email_order_update", locked.pk, "paid")
    return locked


def pay_with_test_method(order: Order, *, succeed: bool) -> str:
    """The offline stand-in for the card gateway, only for test-payment orders while Stripe is off."""
    if order.payment_method != Order.PaymentMethod.TEST or stripe_client.configured():
        raise PaymentError(_("Test payments are not available for this order."))
    if not order.awaiting_online_payment:
        raise PaymentError(_("This order is not waiting for a payment."))
    if succeed:
        return record_payment(
            order,
            amount=minor_units(order.total_amount),
            currency=order.currency,
            reference=f"test_{order.order_number}",
        )
    return record_payment_failure(order, reason="Test payment declined")


# --- the Stripe webhook -------------------------------------------------------------------------

PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
FAILED_EVENTS = {
    "checkout.session.async_payment_failed": "Card payment failed",
    "checkout.session.expired": "Payment not completed in time",
}


def _order_of(session):
    metadata = session.get("metadata") or {}
    number = metadata.get("order_number", "")
    return Order.objects.filter(order_number=number).first() if number else None


def _apply(event) -> tuple[Order | None, str]:
    kind = event["type"]
    if kind not in PAID_EVENTS and kind not in FAILED_EVENTS:
        return None, "ignored: not a payment event"
    session = (event.get("data") or {}).get("object") or {}
    if session.get("mode") != "payment":
        return None, "ignored: not a payment session"
    order = _order_of(session)
    if order is None:
        return None, "ignored: no such order"
    if kind in FAILED_EVENTS:
        if order.stripe_checkout_session and session.get("id") != order.stripe_checkout_session:
            # The shopper already started again with a new session, which is still payable.
            return order, "ignored: not the order's current Checkout Session"
        return order, record_payment_failure(order, reason=FAILED_EVENTS[kind])
    if session.get("payment_status") != "paid":
        return order, "waiting: payment not settled yet"
    reference = session.get("payment_intent") or session.get("id") or ""
    return order, record_payment(
        order, amount=session.get("amount_total") or 0, currency=session.get("currency") or "", reference=reference
    )


def handle_stripe_webhook(payload: bytes, signature: str | None) -> str:
    """Verify and apply one Stripe event; InvalidWebhook for a bad or stale signature."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidWebhook("The Stripe webhook secret is not configured.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8") if isinstance(payload, bytes) else payload,
            signature or "",
            secret,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
        )
        # The verified body as plain data (the SDK's event objects are not dicts).
        event = json.loads(payload)
        if not isinstance(event, dict) or "id" not in event or "type" not in event:
            raise ValueError("Not a Stripe event.")
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = PaymentEvent.objects.create(event_id=event["id"], type=event["type"])
        except IntegrityError:
            # Delivered before (or right now, in parallel: the first one's insert held us until it committed).
            return "duplicate: already processed"
        order, outcome = _apply(event)
        record.order, record.outcome = order, outcome[:200]
        record.save(update_fields=["order", "outcome"])
    logger.info("Stripe event %s (%s): %s", event["id"], event["type"], outcome)
    return outcome


# --- refunds and expiry -------------------------------------------------------------------------


# Stripe could not be reached, was overloaded or failed inside: the same request, sent again with the
# same idempotency key, refunds once (Stripe answers a repeat with the first refund).
TRANSIENT_STRIPE_ERRORS = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def refund(*, order_id: int) -> bool:
    """Refund a cancelled order's online payment (Stripe or test); True when it is refunded.

    RetryLater when Stripe may take it on another try (the task tries again with backoff)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not order.is_paid or order.status != Order.Status.CANCELLED:
        return False
    if order.payment_method == Order.PaymentMethod.CARD:
        try:
            stripe_client.client().v1.refunds.create(
                params={"payment_intent": order.payment_reference, "metadata": {"order_number": order.order_number}},
                options={"idempotency_key": f"refund-{order.order_number}"},
            )
        except TRANSIENT_STRIPE_ERRORS as error:
            raise RetryLater(f"Refund of order {order.order_number}: {error.__class__.__name__}") from error
        except stripe.StripeError as error:
            if getattr(error, "code", None) == "charge_already_refunded":
                # Refunded before (by staff in Stripe's dashboard, or by a try whose answer was lost).
                mark_refunded(order)
                return True
            logger.exception("Refund of order %s failed; it stays paid until refunded by hand", order.order_number)
            _record_refusal(order, error)
            return False
    elif order.payment_method != Order.PaymentMethod.TEST:
        return False
    mark_refunded(order)
    return True


# A cancelled order's refund Stripe refused for good is kept as a payment event of this type: the
# hourly retry leaves it to staff (`STALLED_REFUNDS`).
REFUND_REFUSED = "refund.refused"


def refund_state(order: Order) -> str | None:
    """Where a cancelled online payment's refund stands, for the shopper's order page: "pending"
    (being sent: its task or the hourly retry), "refused" (Stripe refused it: staff refund it by
    hand), "refunded" (a card payment given back, cancelled or returned); None otherwise. One query
    for a cancelled order still paid, none for any other."""
    if not order.pays_online:
        return None
    if order.payment_status == PaymentStatus.REFUNDED:
        return "refunded" if order.payment_method == Order.PaymentMethod.CARD else None
    if order.status != Order.Status.CANCELLED or not order.is_paid:
        return None
    return "refused" if order.payment_events.filter(type=REFUND_REFUSED).exists() else "pending"


def refusal_reason(error: stripe.StripeError) -> str:
    """Why Stripe refused: its message for people, else the kind of error."""
    return str(getattr(error, "user_message", "") or error.__class__.__name__)


def _record_refusal(order, error):
    PaymentEvent.objects.get_or_create(
        event_id=f"refund-refused-{order.order_number}",
        defaults={"type": REFUND_REFUSED, "order": order, "outcome": refusal_reason(error)[:200]},
    )


def _unrefunded_cancelled_orders(*, made_before, made_after):
    """Card orders cancelled in that window that are still paid: their refund was not made, and
    Stripe did not refuse it."""
    return Order.objects.filter(
        status=Order.Status.CANCELLED,
        payment_status=PaymentStatus.PAID,
        payment_method=Order.PaymentMethod.CARD,
        cancelled_date__lte=made_before,
        cancelled_date__gt=made_after,
    ).exclude(payment_events__type=REFUND_REFUSED)


# A cancelled order's refund whose six tries (about half an hour) ran out while Stripe was away is
# sent again every hour, with the same idempotency key, for three days; then it is left to staff.
STALLED_REFUNDS = Stalled(
    lock="checkout.retry_stalled_refunds",
    task_path="checkout.tasks.refund_order_payment",
    pending=_unrefunded_cancelled_orders,
    log=logger,
    given_up="Order %s was cancelled 3 days ago and its card payment is still not refunded; refund it by hand",
    named_by="order_number",
)


def mark_refunded(order: Order) -> bool:
    """Record that all `order` paid went back to the shopper (a cancelled order's payment, or
    returns that gave back everything); True when its payment status changed. A cash order
    refunded before staff recorded the cash counts as refunded too."""
    changed = Order.objects.filter(pk=order.pk, payment_status__in=(PaymentStatus.PAID, PaymentStatus.PENDING))
    if order.payment_method != Order.PaymentMethod.CASH:
        changed = changed.filter(payment_status=PaymentStatus.PAID)
    if not changed.update(payment_status=PaymentStatus.REFUNDED, updated_at=timezone.now()):
        return False
    order.payment_status = PaymentStatus.REFUNDED
    return True


def refund_duplicate(*, order_number: str, payment_intent: str) -> bool:
    """Refund a second Stripe payment taken for an order that was already paid (RetryLater as `refund`)."""
    try:
        stripe_client.client().v1.refunds.create(
            params={
                "payment_intent": payment_intent,
                "metadata": {"order_number": order_number, "reason": "duplicate"},
            },
            options={"idempotency_key": f"refund-{payment_intent}"},
        )
    except TRANSIENT_STRIPE_ERRORS as error:
        raise RetryLater(f"Refund of payment {payment_intent}: {error.__class__.__name__}") from error
    except stripe.StripeError:
        logger.exception("Refund of duplicate payment %s of order %s failed", payment_intent, order_number)
        return False
    return True


def _stripe_session_still_payable(order) -> bool:
    """Expire the order's open Stripe session; True when Stripe says it was already completed."""
    if not (
        order.payment_method == Order.PaymentMethod.CARD
        and order.stripe_checkout_session
        and stripe_client.configured()
    ):
        return False
    try:
        stripe_client.client().v1.checkout.sessions.expire(order.stripe_checkout_session)
    except stripe.InvalidRequestError:
        session = stripe_client.client().v1.checkout.sessions.retrieve(order.stripe_checkout_session)
        return session.status == "complete"
    return False


def expire_unpaid_orders(*, now=None) -> int:
    """Cancel card and test orders not paid by their deadline; their stock returns. How many.

    One run at a time (a second, started meanwhile, expires nothing); each order is cancelled under
    its row lock and only while it still waits for payment, so no order is expired twice."""
    with exclusive("checkout.expire_unpaid_orders") as ours:
        return _expire_unpaid_orders(now or timezone.now()) if ours else 0


def _expire_unpaid_orders(now) -> int:
    overdue = Order.objects.filter(
        payment_method__in=Order.ONLINE_PAYMENT_METHODS,
        payment_status=PaymentStatus.PENDING,
        status=Order.Status.PENDING,
        payment_due_by__lt=now,
    )
    expired = 0
    for order in overdue.iterator():
        try:
            if _stripe_session_still_payable(order):
                continue  # paid at the last moment: the webhook is on its way
            if record_payment_failure(order, reason="Payment not received in time").startswith("cancelled"):
                expired += 1
        except (stripe.StripeError, StatusChangeRefused):
            logger.exception("Could not expire order %s", order.order_number)
    return expired
