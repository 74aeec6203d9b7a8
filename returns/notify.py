"""Telling the shopper what happened to their return: an in-app notification written with the
change, and an SMS and an email queued once the change commits (as `checkout.notify` does for orders)."""

from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.services import in_language_of
from storefront.background import enqueue_after_commit
from storefront.market_urls import market_reverse
from storefront.money import format_money


def texts(return_request, status):
    """(title, message) for a return that reached `status`, in the active language."""
    number = return_request.order.order_number
    amount = ""
    refund = getattr(return_request, "refund", None) if status == "refunded" else None
    if refund is not None:
        amount = format_money(refund.amount, refund.currency)
    texts = {
        "requested": (
            _("Return requested for order %(number)s") % {"number": number},
            _("We have your return request for order %(number)s and will reply soon.") % {"number": number},
        ),
        "approved": (
            _("Return approved for order %(number)s") % {"number": number},
            _("Your return for order %(number)s is approved. Please send the items back.") % {"number": number},
        ),
        "rejected": (
            _("Return declined for order %(number)s") % {"number": number},
            _("We cannot accept the return for order %(number)s. See the order page for why.") % {"number": number},
        ),
        "received": (
            _("Return received for order %(number)s") % {"number": number},
            _("We received the items you returned from order %(number)s.") % {"number": number},
        ),
        "refunded": (
            _("Refund for order %(number)s") % {"number": number},
            _("We refunded %(amount)s for your return from order %(number)s.") % {"number": number, "amount": amount},
        ),
    }
    return texts[status]


def notify_shopper(return_request, status):
    """Record an in-app notification for the return reaching `status` and queue its SMS after commit."""
    user = return_request.user
    if user is None:
        return None
    title, message = in_language_of(user, lambda: texts(return_request, status))
    notification = Notification.objects.create(
        user=user,
        type=Notification.Type.ORDER,
        title=title,
        message=message,
        link_url=market_reverse(
            "returns:return_detail", return_request.market_config, kwargs={"pk": return_request.pk}
        ),
    )
    enqueue_after_commit("returns.tasks.text_return_update", return_request.pk, status)
    # The emails app stands above returns: its task is queued by name, as checkout queues its own.
    enqueue_after_commit("emails.tasks.email_return_update", return_request.pk, status)
    return notification


def sms_text(return_request, status):
    """The SMS for the return reaching `status`, in the shopper's language."""
    return in_language_of(return_request.user, lambda: texts(return_request, status))[1]
