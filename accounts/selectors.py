"""Reads of a shopper's account that more than one place needs."""

from accounts.models import Notification


def unread_notifications(user):
    """The user's notifications not read yet."""
    return Notification.objects.filter(user=user, is_read=False)


def unread_notification_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return unread_notifications(user).count()
