"""Telling a customer what happened to their order: an in-app notification, an SMS by market, and
an email (emails/order_emails.py) to a verified address, each as the shopper's preferences allow.

The notification is written in the same transaction as the change; the SMS is queued as a task
once that transaction commits, so a rolled-back change texts nobody and a slow SMS provider never
holds up a checkout or an admin action.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.services import in_language_of
from storefront.background import enqueue_after_commit
from storefront.market_urls import market_reverse
from storefront.money import format_money


def _tracking_numbers(order):
    """The tracking numbers of the order's parcels (the `shipments` app records them), oldest first."""
    parcels = getattr(order, "parcels", None)
    if parcels is None:
        return []
    return [
        number for number in parcels.order_by("shipped_at", "pk").values_list("tracking_number", flat=True) if number
    ]


def _shipped_text(order):
    tracking = _tracking_numbers(order)
    if not tracking:
        return _("Your order %(number)s has shipped.") % {"number": order.order_number}
    return _("Your order %(number)s has shipped. Tracking number: %(tracking)s.") % {
        "number": order.order_number,
        "tracking": ", ".join(tracking),
    }


def _texts(order, status):
    """(title, message) for an order that reached `status`, in the active language."""
    number, total = order.order_number, format_money(order.total_amount, order.currency)
    if status == "shipped":
        return _("Order %(number)s is on its way") % {"number": number}, _shipped_text(order)
    texts = {
        "pending": (
            _("Order %(number)s received") % {"number": number},
            _("Thank you! We have your order %(number)s (%(total)s) and will confirm it soon.")
            % {"number": number, "total": total},
        ),
        "confirmed": (
            _("Order %(number)s confirmed") % {"number": number},
            _("Your order %(number)s is confirmed and is being prepared.") % {"number": number},
        ),
        "delivered": (
            _("Order %(number)s delivered") % {"number": number},
            _("Your order %(number)s was delivered. Enjoy it, and tell others what you think.") % {"number": number},
        ),
        "cancelled": (
            _("Order %(number)s cancelled") % {"number": number},
            _("Your order %(number)s was cancelled. Anything you paid is refunded.") % {"number": number},
        ),
    }
    return texts[status]


# Apps above checkout say whether a shopper takes an order's SMS (the emails app: their message
# preferences); each check is `check(order, status) -> bool`, and every one must agree.
_sms_consents: list[Callable[[object, str], bool]] = []


def register_sms_consent(check: Callable[[object, str], bool]) -> None:
    """Add a check that may keep an order's SMS from a shopper who chose not to get it."""
    if check not in _sms_consents:
        _sms_consents.append(check)


def takes_sms(order, status) -> bool:
    """Whether the SMS for `order` reaching `status` goes out (yes, unless a registered check says no).
    A word that names no order status (a return's step, say) is an update of the order."""
    return all(check(order, status) for check in _sms_consents)


def order_notification(order, texts):
    """The in-app notification about `order` for its shopper (None without one): `texts()` gives its
    (title, message) in the shopper's language; it links to the order's page."""
    user = order.user
    if user is None:
        return None
    title, message = in_language_of(user, texts)
    return Notification.objects.create(
        user=user,
        type=Notification.Type.ORDER,
        title=title,
        message=message,
        link_url=market_reverse("checkout:order_detail", order.market_config, kwargs={"number": order.order_number}),
    )


def notify_customer(order, status):
    """Record an in-app notification for `order` reaching `status` and queue its SMS after commit."""
    notification = order_notification(order, lambda: _texts(order, status))
    if notification is None:
        return None
    enqueue_after_commit("checkout.tasks.text_order_update", order.pk, status)
    # The emails app (above checkout) picks the email for the status, if any, and who takes it.
    enqueue_after_commit("emails.tasks.email_status_update", order.pk, status)
    return notification


def sms_text(order, status):
    """The SMS for `order` reaching `status`, in the customer's language."""
    return in_language_of(order.user, lambda: _texts(order, status))[1]
