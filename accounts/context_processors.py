"""What every page's layout needs from the shopper's account."""

from accounts.selectors import unread_notification_count
from storefront.lazy import LazyCount


def account(request):
    """`unread_notifications`: counted (one query) only when a template uses it, 0 for visitors."""
    if not hasattr(request, "user"):
        return {}
    return {"unread_notifications": LazyCount(lambda: unread_notification_count(request.user))}
