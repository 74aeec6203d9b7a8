"""Template helpers for returns on pages of other apps (the customer's order page)."""

from django import template
from django.utils import timezone

from returns import services
from returns.models import ReturnRequest

register = template.Library()


@register.simple_tag
def order_returns(order):
    """`{% order_returns order as returns %}`: {can_request, deadline, requests} of the order."""
    deadline = services.return_deadline(order)
    requests = list(ReturnRequest.objects.filter(order=order).select_related("refund")) if deadline else []
    return {
        "can_request": deadline is not None and timezone.now() <= deadline,
        "deadline": deadline,
        "requests": requests,
    }
