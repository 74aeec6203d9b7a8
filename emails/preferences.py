"""Reading a shopper's message preferences and whether their email address is verified."""

from emails.events import STATUS_KINDS, MessageKind
from emails.models import MessagePreferences

SMS, EMAIL = "sms", "email"


def preferences_for(user) -> MessagePreferences:
    """The shopper's saved preferences, or the defaults (unsaved) when they never chose."""
    found = MessagePreferences.objects.filter(user=user).first()
    return found or MessagePreferences(user=user)


def wants(user, kind: str, channel: str) -> bool:
    """Whether `user` takes messages of `kind` by `channel`; a guest order (no user) gets its SMS."""
    if user is None:
        return channel == SMS
    return preferences_for(user).wants(kind, channel)


def takes_order_sms(order, status: str) -> bool:
    """Whether the shopper of `order` takes the SMS for `status` (registered with checkout.notify)."""
    return wants(order.user, STATUS_KINDS.get(status, MessageKind.ORDER_UPDATES), SMS)


def verified_address(user) -> str:
    """The user's email address when they verified it, else ""."""
    if user is None or not user.email:
        return ""
    return user.email if preferences_for(user).email_verified_for(user.email) else ""
