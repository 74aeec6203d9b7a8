"""What a return refunds.

An order's discount (delivery included) and, in the US, its sales tax are spread over what it
charged in proportion: each unit gives back its price times `paid / (subtotal + delivery)`, and the
delivery, when refunded, gives back its cost by the same share. KG amounts are rounded to whole som
(the som's prices are whole), US amounts to the cent. A refund never exceeds what the order paid
minus what earlier refunds of it gave back.
"""

from decimal import Decimal

from django.db.models import Sum

from returns.models import Refund
from storefront.money import quantize, round_to_shown_unit


def _paid_share(order) -> Decimal:
    charged = order.subtotal + order.shipping_cost
    if charged <= 0:
        return Decimal(0)
    return order.total_amount / charged


def line_refund(order, order_item, quantity) -> Decimal:
    """What `quantity` units of `order_item` paid, after the order's discount (and tax)."""
    return round_to_shown_unit(order_item.price * quantity * _paid_share(order), order.currency)


def delivery_refund(order) -> Decimal:
    """What the order's delivery paid, after the order's discount (and tax)."""
    return round_to_shown_unit(order.shipping_cost * _paid_share(order), order.currency)


def already_refunded(order, *, excluding=None) -> Decimal:
    """What refunds of the order's other returns gave back or are giving back (all but failed)."""
    refunds = Refund.objects.filter(return_request__order=order).exclude(status=Refund.Status.FAILED)
    if excluding is not None:
        refunds = refunds.exclude(return_request=excluding)
    return refunds.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def refund_amount(return_request, *, include_delivery: bool) -> Decimal:
    """What refunding `return_request` gives back: its lines, plus the delivery when asked, capped."""
    order = return_request.order
    total = sum((line_refund(order, item.order_item, item.quantity) for item in return_request.items.all()), Decimal(0))
    if include_delivery:
        total += delivery_refund(order)
    left = order.total_amount - already_refunded(order, excluding=return_request)
    return quantize(max(min(total, left), Decimal(0)))
