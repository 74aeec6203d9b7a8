"""Reads of a shopper's returns for their pages and the API."""

from django.db.models import Prefetch

from returns.models import ReturnItem


def own_returns(user):
    """The user's return requests with their order, lines, history and refund (a fixed number of queries)."""
    return user.return_requests.select_related("order", "refund").prefetch_related(
        Prefetch("items", queryset=ReturnItem.objects.select_related("order_item__product", "order_item__sku")),
        "history",
    )
