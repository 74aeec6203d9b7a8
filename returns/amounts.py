"""What a return refunds.

An order's discount (delivery included) and, in the US, its sales tax are spread over what it
charged in proportion: each unit gives back its price times `paid / (subtotal + delivery)`, and the
delivery, when refunded, gives back its cost by the same share. KG amounts are rounded to whole som
(the som's prices are whole), US amounts to the cent. A refund never exceeds what the order paid
minus what earlier refunds of it gave back; the refund that gives back the last of the order (every
unit it had and its delivery) gives back all that is left, so rounding each line never keeps a som
or a cent of a fully returned order.
"""

from decimal import Decimal

from django.db.models import Q, Sum

from returns.models import Refund, ReturnItem, ReturnRequest
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
    # This return, and the earlier ones whose refunds gave back or are giving back (all but failed).
    refunded_with_it = ReturnRequest.objects.filter(order=order).filter(
        Q(pk=return_request.pk) | Q(refund__isnull=False) & ~Q(refund__status=Refund.Status.FAILED)
    )
    if holds_everything(order, refunded_with_it, delivery=include_delivery):
        total = left
    return quantize(max(min(total, left), Decimal(0)))


def holds_everything(order, returns, *, delivery: bool = False) -> bool:
    """Whether `returns` (a queryset of `order`'s return requests) hold every unit it had, and its
    delivery is refunded with them (`delivery`, or a refund of theirs included it), or it had none."""
    if order.shipping_cost > 0 and not (delivery or returns.filter(refund__includes_delivery=True).exists()):
        return False
    returned = dict(
        ReturnItem.objects.filter(return_request__in=returns)
        .values_list("order_item")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    return all(returned.get(pk, 0) >= quantity for pk, quantity in order.items.values_list("pk", "quantity"))
