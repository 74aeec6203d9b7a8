"""What every page's layout needs from the shopper's account."""

from django.utils.functional import SimpleLazyObject

from accounts.selectors import unread_notification_count


def account(request):
    """`unread_notifications`: counted (one query) only when a template uses it, 0 for visitors."""
    if not hasattr(request, "user"):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_notification_count(request.user))}
