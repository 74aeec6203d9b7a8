"""Order emails: the confirmation with its receipt, payment received, shipped, delivered, cancelled,
and one for each later parcel of an order sent in several.

Each goes out once per order and event (a `SentEmail` row claims it before sending; a
`SentParcelEmail` row, per later parcel), in the shopper's language, as HTML with a plain-text
part, to their verified address only.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from checkout.models import Order
from emails.events import EVENT_KINDS, OrderEvent
from emails.models import SentEmail, SentParcelEmail
from emails.preferences import EMAIL, verified_address, wants
from shipments.models import Parcel
from shipments.notify import parcel_texts
from storefront.background import RetryLater
from storefront.market_urls import market_reverse
from storefront.money import format_money

logger = logging.getLogger(__name__)

# Events whose email carries the whole receipt; the others link to it.
RECEIPT_EVENTS = {OrderEvent.PLACED, OrderEvent.PAID}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _wording(order, event):
    """(subject, opening paragraph) for `event`, in the active language."""
    number, total = order.order_number, format_money(order.total_amount, order.currency)
    refunded = order.is_paid or order.payment_status == order.PaymentStatus.REFUNDED
    wording = {
        OrderEvent.PLACED: (
            _("Your MARQUE order %(number)s: receipt") % {"number": number},
            _("Thank you for your order %(number)s. Your receipt is below.") % {"number": number},
        ),
        OrderEvent.PAID: (
            _("Payment received for order %(number)s") % {"number": number},
            _("We received your payment of %(total)s for order %(number)s.") % {"number": number, "total": total},
        ),
        OrderEvent.SHIPPED: (
            _("Order %(number)s is on its way") % {"number": number},
            _("Your order %(number)s has shipped.") % {"number": number},
        ),
        OrderEvent.DELIVERED: (
            _("Order %(number)s delivered") % {"number": number},
            _("Your order %(number)s was delivered. Enjoy it, and tell others what you think.") % {"number": number},
        ),
        OrderEvent.CANCELLED: (
            _("Order %(number)s cancelled") % {"number": number},
            _("Your order %(number)s was cancelled. The %(total)s you paid is refunded to you.")
            % {"number": number, "total": total}
            if refunded
            else _("Your order %(number)s was cancelled. You were not charged.") % {"number": number},
        ),
    }
    return wording[event]


def build_order_email(*, order, event: str, to: str, parcels=(), wording=None) -> EmailMultiAlternatives:
    """The email for `order` and `event` to `to`, in the shopper's language.

    `parcels` is a list of {"carrier", "tracking_number", "tracking_url"} (each key optional) that
    the shipped email lists with its tracking links (`email_order_update` reads the order's parcels
    from the shipments app when the caller gives none). `wording`, when given, is called in the
    shopper's language for the (subject, opening paragraph) instead of the event's own.
    """
    event = OrderEvent(event)
    language = order.user.language if order.user_id else None
    with translation.override(language):
        subject, opening = wording() if wording else _wording(order, event)
        context = {
            "order": order,
            "event": event.value,
            "subject": subject,
            "opening": opening,
            "items": list(order.items.select_related("product", "sku")),
            "market": order.market_config,
            "with_receipt": event in RECEIPT_EVENTS,
            "parcels": [parcel for parcel in parcels if parcel],
            "order_url": absolute(
                market_reverse("checkout:order_detail", order.market_config, kwargs={"number": order.order_number})
            ),
            "receipt_url": absolute(
                market_reverse("emails:order_receipt", order.market_config, kwargs={"number": order.order_number})
            ),
            "profile_url": absolute(reverse("accounts:profile")),
        }
        text = render_to_string("emails/order_update.txt", context)
        html = render_to_string("emails/order_update.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def _listed(parcel) -> dict:
    return {
        "carrier": parcel.carrier_name,
        "tracking_number": parcel.tracking_number,
        "tracking_url": parcel.tracking_url,
    }


def parcels_of(order) -> list[dict]:
    """The order's parcels as the shipped email lists them: carrier, tracking number and link."""
    return [_listed(parcel) for parcel in Parcel.objects.filter(order=order).order_by("shipped_at", "pk")]


def send_once(user, kind: str, *, claim, build, already: str) -> bool:
    """Email `user` once, if they take messages of `kind` by email at a verified address; True when
    it was sent now. `claim(to)` writes the row that claims the email (a `SentRecord`; an
    IntegrityError when one was written before: `already` is logged), `build(to)` the message. A
    failure of the mail server may be tried again (RetryLater): the claim is given back first, so
    the next try sends it."""
    to = verified_address(user)
    if not to or not wants(user, kind, EMAIL):
        return False
    try:
        with transaction.atomic():
            claimed = claim(to)
    except IntegrityError:
        logger.info("%s: already sent", already)
        return False
    try:
        build(to).send()
    except (smtplib.SMTPException, OSError) as error:
        claimed.delete()
        raise RetryLater(f"mail server: {error}") from error
    return True


def email_order_update(*, order_id: int, event: str, parcels=()) -> bool:
    """Email the shopper about `event` of their order once, if they take order emails at a verified
    address (`send_once`)."""
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None or order.user is None:
        return False

    def build(to):
        listed = parcels or (parcels_of(order) if event == OrderEvent.SHIPPED else ())
        return build_order_email(order=order, event=event, to=to, parcels=listed)

    return send_once(
        order.user,
        EVENT_KINDS[OrderEvent(event)],
        claim=lambda to: SentEmail.objects.create(order=order, event=event, to_email=to, language=order.user.language),
        build=build,
        already=f"Order {order.order_number}: the {event} email",
    )


def email_parcel_update(*, parcel_id: int) -> bool:
    """Email the shopper about a later parcel of their order (`shipments.notify`) once, with its
    tracking link, if they take shipping updates by email at a verified address (`send_once`)."""
    parcel = Parcel.objects.select_related("order__user").filter(pk=parcel_id).first()
    if parcel is None or parcel.order.user is None:
        return False
    order, user = parcel.order, parcel.order.user
    return send_once(
        user,
        EVENT_KINDS[OrderEvent.SHIPPED],
        claim=lambda to: SentParcelEmail.objects.create(parcel=parcel, to_email=to, language=user.language),
        build=lambda to: build_order_email(
            order=order,
            event=OrderEvent.SHIPPED,
            to=to,
            parcels=[_listed(parcel)],
            wording=lambda: parcel_texts(parcel),
        ),
        already=f"Parcel {parcel.pk} of order {order.order_number}: its email",
    )
