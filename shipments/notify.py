"""Telling a shopper that another parcel of their order has left: an in-app notification, an SMS and
an email, as their preferences for shipping updates allow.

The first parcel ships the order, and the order's status says so (`checkout.notify`: "Order … is
on its way", with the tracking number). Each later parcel (an order sent in several) is news of
its own, told the same three ways, once per parcel: its carrier and tracking number, and the link
to the carrier's tracking page in the email.
"""

from django.utils.translation import gettext as _

from accounts.services import in_language_of
from checkout.notify import order_notification
from storefront.background import enqueue_after_commit


def parcel_texts(parcel):
    """(title, message) about `parcel`, a later parcel of its order, in the active language."""
    number = parcel.order.order_number
    title = _("Another parcel of order %(number)s is on its way") % {"number": number}
    if parcel.tracking_number:
        message = _(
            "Another parcel of your order %(number)s has shipped with %(carrier)s. Tracking number: %(tracking)s."
        ) % {"number": number, "carrier": parcel.carrier_name, "tracking": parcel.tracking_number}
    else:
        message = _("Another parcel of your order %(number)s has shipped with %(carrier)s.") % {
            "number": number,
            "carrier": parcel.carrier_name,
        }
    return title, message


def parcel_text_in_language(parcel):
    """The SMS about `parcel`, in its shopper's language."""
    return in_language_of(parcel.order.user, lambda: parcel_texts(parcel))[1]


def notify_parcel(parcel):
    """Record the in-app notification about `parcel` (a later parcel of a shipped order) and queue
    its SMS and email once the transaction that recorded it commits."""
    notification = order_notification(parcel.order, lambda: parcel_texts(parcel))
    if notification is None:
        return None
    enqueue_after_commit("shipments.tasks.text_parcel_update", parcel.pk)
    # The emails app (above shipments) writes the email and decides who takes it.
    enqueue_after_commit("emails.tasks.email_parcel_update", parcel.pk)
    return notification
