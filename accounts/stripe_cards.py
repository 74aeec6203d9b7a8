"""Saving a US card through Stripe: the card number goes to Stripe's hosted page, never to us.

`start_card_setup` opens a Stripe Checkout Session in setup mode for the shopper's Stripe customer;
when Stripe sends them back, `finish_card_setup` reads the saved PaymentMethod from Stripe's API
(server to server, so a forged return URL proves nothing) and keeps its display copy: brand,
last 4 digits, expiry and holder, with the `pm_…` id as the gateway reference.
"""

import logging

import stripe
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import services, stripe_client
from accounts.models import PaymentMethod, User
from storefront.errors import Refused
from storefront.markets import CardType, PaymentType

logger = logging.getLogger(__name__)

STRIPE_BRANDS = {"visa": CardType.VISA, "mastercard": CardType.MASTERCARD, "amex": CardType.AMEX}


class CardSetupError(Refused):
    """Saving the card did not work; `message` is for the shopper."""

    code = "card_not_saved"


def _customer_id(client, user: User) -> str:
    """The shopper's Stripe customer, created on first use."""
    if user.stripe_customer_id:
        return user.stripe_customer_id
    customer = client.v1.customers.create(
        params={"phone": user.phone, "name": user.full_name or user.phone, "metadata": {"user_id": str(user.pk)}},
        options={"idempotency_key": f"customer-{user.pk}"},
    )
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, stripe_customer_id="").update(stripe_customer_id=customer.id)
    user.stripe_customer_id = customer.id if updated else User.objects.get(pk=user.pk).stripe_customer_id
    return user.stripe_customer_id


def start_card_setup(user: User, *, success_url: str, cancel_url: str) -> str:
    """The URL of Stripe's page where the shopper enters the card to save."""
    try:
        client = stripe_client.client()
        session = client.v1.checkout.sessions.create(
            params={
                "mode": "setup",
                "currency": user.currency.lower(),
                "customer": _customer_id(client, user),
                "payment_method_types": ["card"],
                "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
                "cancel_url": cancel_url,
                "metadata": {"user_id": str(user.pk)},
            }
        )
    except stripe.StripeError:
        logger.exception("Stripe card setup for user %s could not start", user.pk)
        raise CardSetupError(_("We couldn't reach the payment service. Please try again in a moment.")) from None
    return session.url


def finish_card_setup(user: User, session_id: str) -> PaymentMethod:
    """Save the display copy of the card the shopper just gave Stripe (once, however often called)."""
    if not session_id or not session_id.startswith("cs_") or not user.stripe_customer_id:
        raise CardSetupError(_("We couldn't find the card you added. Please try again."))
    try:
        session = (
            stripe_client.client().v1.checkout.sessions.retrieve(
                session_id, params={"expand": ["setup_intent.payment_method"]}
            )
        ).to_dict()
    except stripe.StripeError:
        logger.warning("Stripe setup session %s could not be read", session_id, exc_info=True)
        raise CardSetupError(_("We couldn't find the card you added. Please try again.")) from None
    intent = session.get("setup_intent")
    if session.get("mode") != "setup" or session.get("customer") != user.stripe_customer_id:
        raise CardSetupError(_("We couldn't find the card you added. Please try again."))
    if session.get("status") != "complete" or not intent or intent.get("status") != "succeeded":
        raise CardSetupError(_("The card was not saved. Please try again."))
    return _keep_card(user, intent["payment_method"])


def save_stripe_payment_method(user: User, payment_method_id: str) -> PaymentMethod:
    """Save the display copy of a card an app gave Stripe itself (a `pm_…` id from Stripe's SDK).

    The card is read from Stripe's API, never from the request: it must be a card attached to the
    shopper's own Stripe customer, or attached to no one yet (it is then attached to theirs).
    Saving the same card twice returns the saved one.
    """
    if not payment_method_id.startswith("pm_") or len(payment_method_id) > 100:
        raise CardSetupError(_("We couldn't find the card you added. Please try again."))
    existing = user.payment_methods.filter(gateway_reference=payment_method_id).first()
    if existing:
        return existing
    try:
        client = stripe_client.client()
        method = client.v1.payment_methods.retrieve(payment_method_id).to_dict()
        owner = method.get("customer")
        if owner and owner != user.stripe_customer_id:
            raise CardSetupError(_("We couldn't find the card you added. Please try again."))
        if not owner:
            customer = _customer_id(client, user)
            method = client.v1.payment_methods.attach(payment_method_id, params={"customer": customer}).to_dict()
    except stripe.StripeError:
        logger.warning("Stripe payment method %s could not be read or attached", payment_method_id, exc_info=True)
        raise CardSetupError(_("We couldn't find the card you added. Please try again.")) from None
    if method.get("type") != "card":
        raise CardSetupError(_("We couldn't find the card you added. Please try again."))
    return _keep_card(user, method)


def _keep_card(user: User, method: dict) -> PaymentMethod:
    """The shopper's saved copy of Stripe's PaymentMethod `method` (made once, however often called)."""
    existing = user.payment_methods.filter(gateway_reference=method["id"]).first()
    if existing:
        return existing
    card = method.get("card") or {}
    brand = STRIPE_BRANDS.get(card.get("brand", ""))
    if brand is None:
        raise CardSetupError(_("This card brand is not accepted in your market."))
    holder = (method.get("billing_details") or {}).get("name") or user.full_name or user.phone
    try:
        return services.add_payment_method(
            user=user,
            payment_type=PaymentType.CARD,
            card_type=brand,
            last4=card.get("last4", ""),
            expiry_month=card.get("exp_month"),
            expiry_year=card.get("exp_year"),
            card_holder_name=holder,
            gateway_reference=method["id"],
        )
    except ValidationError as error:
        raise CardSetupError(" ".join(error.messages)) from None


def forget_card(method: PaymentMethod) -> None:
    """Detach a removed card from the shopper's Stripe customer (best effort; our copy is gone anyway)."""
    if not method.gateway_reference.startswith("pm_"):
        return
    try:
        stripe_client.client().v1.payment_methods.detach(method.gateway_reference)
    except stripe.StripeError:
        logger.warning("Could not detach %s at Stripe", method.gateway_reference, exc_info=True)
