"""Stripe at its boundary, for the payment tests: a fake HTTP transport under the real SDK, real webhook signatures.

Outgoing calls go through the real `stripe.StripeClient` (request building, form encoding, error
mapping) down to `FakeStripeHTTP`, which records each request and answers with canned JSON; a
request nobody prepared an answer for fails the test. Incoming webhooks are signed with
HMAC-SHA256 exactly as Stripe signs them and posted to the real URL.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import stripe
from django.utils import timezone

from accounts import stripe_client
from accounts.tests.factories import USUserFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout import payments
from checkout.tests.factories import OrderFactory, OrderItemFactory

WEBHOOK_URL = "/payments/stripe/webhook/"
WEBHOOK_SECRET = "whsec_test_marque_0123456789abcdef"
SECRET_KEY = "sk_test_x"
_ids = itertools.count(1)


def unique(prefix):
    return f"{prefix}_test_{next(_ids):06d}_{time.monotonic_ns() % 10**9}"


@dataclass
class StripeRequest:
    method: str
    url: str
    path: str
    params: dict
    idempotency_key: str | None
    headers: dict = field(repr=False)


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers the SDK's requests from `reply()` rules, most recent first; keeps every request in `requests`."""

    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.requests: list[StripeRequest] = []
        self._rules = []
        self._lock = threading.Lock()

    def reply(self, method, path, body=None, *, status=200, error=None):
        """Answer `method path` with `body` (JSON), or raise `error` (an exception) as the transport would."""
        self._rules.insert(0, (method.lower(), path, status, body, error))

    def reply_error(
        self, method, path, *, status=400, type="invalid_request_error", message="No such object", code=None
    ):
        error = {"type": type, "message": message} | ({"code": code} if code else {})
        self.reply(method, path, {"error": error}, status=status)

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        encoded = post_data.decode() if isinstance(post_data, bytes) else (post_data or parts.query)
        recorded = StripeRequest(
            method=method.lower(),
            url=url,
            path=parts.path,
            params=dict(parse_qsl(encoded, keep_blank_values=True)),
            idempotency_key=headers.get("Idempotency-Key"),
            headers=dict(headers),
        )
        with self._lock:
            self.requests.append(recorded)
            rule = next((r for r in self._rules if r[0] == recorded.method and r[1] == recorded.path), None)
        if rule is None:
            raise AssertionError(f"Unexpected Stripe request: {recorded.method.upper()} {recorded.path}")
        _method, _path, status, body, error = rule
        if error is not None:
            raise error
        return json.dumps(body), status, {"request-id": unique("req")}

    def request_stream(self, *args, **kwargs):
        raise AssertionError("The shop never streams from Stripe")

    def close(self):
        pass

    def to(self, method, path):
        return [r for r in self.requests if r.method == method.lower() and r.path == path]


def install_fake_stripe(settings, monkeypatch, *, configured=True) -> FakeStripeHTTP:
    """Stripe configured (or not), its API answered by the returned fake instead of the network.

    Even with Stripe not configured the fake is installed, so a call that should not happen fails.
    """
    settings.STRIPE_SECRET_KEY = SECRET_KEY if configured else ""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # Order texts go to the console provider, never to a real SMS gateway.
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    fake = FakeStripeHTTP()
    monkeypatch.setattr(
        stripe_client, "client", lambda: stripe.StripeClient(SECRET_KEY, http_client=fake, max_network_retries=0)
    )
    return fake


def session_json(session_id, *, status="open", payment_status="unpaid", url=None, **extra):
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": status,
        "payment_status": payment_status,
        "url": url if url is not None else f"https://checkout.stripe.com/c/pay/{session_id}",
        **extra,
    }


# --- orders ---------------------------------------------------------------------------------------

US_TOTAL = Decimal("71.67")  # 2 × 29.95 + 7.00 shipping + 4.77 sales tax


def us_card_order(*, payment_method="card", quantity=2, stock=5, session=True, due_in=timedelta(minutes=30), **extra):
    """A US order of `quantity` units (stock left: `stock`) awaiting its card payment of 71.67 USD."""
    user = extra.pop("user", None) or USUserFactory()
    sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("29.95")), stock=stock)
    defaults = {
        "user": user,
        "payment_method": payment_method,
        "customer_email": user.email,
        "delivery_city": "San Francisco",
        "delivery_state": "CA",
        "subtotal": Decimal("29.95") * quantity,
        "shipping_cost": Decimal("7.00"),
        "tax": US_TOTAL - Decimal("29.95") * quantity - Decimal("7.00"),
        "tax_included": False,
        "total_amount": US_TOTAL,
        "payment_due_by": timezone.now() + due_in if due_in is not None else None,
        "stripe_checkout_session": unique("cs") if session and payment_method == "card" else "",
    }
    order = OrderFactory(**{**defaults, **extra})
    OrderItemFactory(order=order, sku=sku, quantity=quantity, price=sku.price, subtotal=sku.price * quantity)
    return order


# --- webhooks -------------------------------------------------------------------------------------


def session_event(
    order,
    type="checkout.session.completed",
    *,
    event_id=None,
    payment_status="paid",
    amount=None,
    currency="usd",
    payment_intent="pi_test_marque_1",
    session_id=None,
    mode="payment",
):
    """A Stripe event about `order`'s Checkout Session, shaped as Stripe sends it."""
    return {
        "id": event_id or unique("evt"),
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": type,
        "data": {
            "object": {
                "id": session_id or order.stripe_checkout_session or unique("cs"),
                "object": "checkout.session",
                "mode": mode,
                "status": "expired" if type == "checkout.session.expired" else "complete",
                "payment_status": payment_status,
                "amount_total": payments.minor_units(order.total_amount) if amount is None else amount,
                "currency": currency,
                "payment_intent": payment_intent,
                "client_reference_id": str(order.pk),
                "metadata": {"order_number": order.order_number},
            }
        },
    }


def signature_header(payload: str, *, secret=WEBHOOK_SECRET, timestamp=None) -> str:
    """`Stripe-Signature` as Stripe computes it: HMAC-SHA256 of "<timestamp>.<payload>"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, event, *, secret=WEBHOOK_SECRET, timestamp=None, header=None):
    """POST `event` to the webhook URL, signed (or with `header` as given; "" sends none)."""
    payload = event if isinstance(event, str) else json.dumps(event)
    if header is None:
        header = signature_header(payload, secret=secret, timestamp=timestamp)
    headers = {"Stripe-Signature": header} if header else {}
    return client.post(WEBHOOK_URL, data=payload, content_type="application/json", headers=headers)
