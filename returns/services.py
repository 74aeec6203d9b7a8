"""The one way a return is requested and moves: shoppers request, managers approve or reject, mark
received and refund.

Every move locks the request's row, refuses what the workflow does not allow, records who, when and
why in the history, and tells the shopper (notification now, SMS after commit).

    requested → approved → received → refunded
    requested → rejected
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import SKU
from catalog.stock import add_sales, sync_in_stock
from checkout.models import Order
from checkout.payments import mark_refunded
from returns.amounts import holds_everything, refund_amount
from returns.models import Refund, ReturnItem, ReturnRequest, ReturnStatusHistory
from returns.notify import notify_shopper
from storefront.background import enqueue_after_commit
from storefront.errors import Refused

Status = ReturnRequest.Status

TRANSITIONS = {
    Status.REQUESTED: (Status.APPROVED, Status.REJECTED),
    Status.APPROVED: (Status.RECEIVED,),
    Status.RECEIVED: (Status.REFUNDED,),
    Status.REJECTED: (),
    Status.REFUNDED: (),
}
# Card payments go back through Stripe; the offline test payment is refunded without a gateway.
REFUND_METHODS = {Order.PaymentMethod.CARD: Refund.Method.STRIPE, Order.PaymentMethod.TEST: Refund.Method.TEST}


class ReturnRefused(Refused):
    """A return, or a move of one, that cannot go ahead; `message` says why."""

    code = "return_refused"


# --- the window and what may be returned ------------------------------------------------------


def return_deadline(order) -> datetime.datetime | None:
    """When `order`'s return window closes: `return_days` of its market after delivery (None if not delivered)."""
    if order.status != Order.Status.DELIVERED or order.delivered_date is None:
        return None
    return order.delivered_date + datetime.timedelta(days=order.market_config.shipping.return_days)


def can_request_return(order, *, now=None) -> bool:
    """Delivered, and the market's return window has not closed."""
    deadline = return_deadline(order)
    return deadline is not None and (now or timezone.now()) <= deadline


@dataclass(frozen=True)
class ReturnableLine:
    item: object
    returnable: int


def returnable_lines(order) -> list[ReturnableLine]:
    """Each line of `order` with how many units may still be returned (bought minus already asked for)."""
    asked = dict(
        ReturnItem.objects.filter(return_request__order=order)
        .exclude(return_request__status=Status.REJECTED)
        .values("order_item")
        .annotate(units=Sum("quantity"))
        .values_list("order_item", "units")
    )
    return [ReturnableLine(item, item.quantity - asked.get(item.pk, 0)) for item in order.items.all()]


def request_return(*, user, order: Order, quantities: dict[int, int], reason: str, note: str = "") -> ReturnRequest:
    """Record the shopper's return of `quantities` ({order item id: units}) of their delivered `order`.

    The order row is locked, so two requests sent together cannot both return the same units.
    """
    quantities = {item_id: units for item_id, units in quantities.items() if units}
    if not quantities:
        raise ReturnRefused(_("Choose at least one item to return."))
    if reason not in ReturnRequest.Reason.values:
        raise ReturnRefused(_("Choose a reason for the return."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk, user=user)
        if not can_request_return(locked):
            raise ReturnRefused(_("This order can no longer be returned."))
        lines = {line.item.pk: line for line in returnable_lines(locked)}
        for item_id, units in quantities.items():
            line = lines.get(item_id)
            if line is None or units < 0:
                raise ReturnRefused(_("Choose items of this order."))
            if units > line.returnable:
                raise ReturnRefused(
                    _("You can return at most %(count)d of %(name)s.")
                    % {"count": line.returnable, "name": line.item.product_name}
                )
        return_request = ReturnRequest.objects.create(
            order=locked, user=user, market=locked.market, reason=reason, note=note.strip()
        )
        ReturnItem.objects.bulk_create(
            ReturnItem(return_request=return_request, order_item_id=item_id, quantity=units)
            for item_id, units in sorted(quantities.items())
        )
        ReturnStatusHistory.objects.create(return_request=return_request, status=Status.REQUESTED, changed_by=user)
        notify_shopper(return_request, Status.REQUESTED)
    return return_request


# --- the managers' moves -----------------------------------------------------------------------


def next_steps(return_request) -> tuple[str, ...]:
    return TRANSITIONS[Status(return_request.status)]


def _lock(return_request, to):
    locked = (
        ReturnRequest.objects.select_for_update(of=("self",)).select_related("order", "user").get(pk=return_request.pk)
    )
    if to not in TRANSITIONS[Status(locked.status)]:
        raise ReturnRefused(
            _("Return %(id)s cannot go from %(current)s to %(new)s.")
            % {"id": locked.pk, "current": locked.get_status_display().lower(), "new": Status(to).label.lower()}
        )
    return locked


def _record(locked, to, *, by, note):
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    ReturnStatusHistory.objects.create(return_request=locked, status=to, note=note.strip(), changed_by=by)
    notify_shopper(locked, to)


def move_return(*, return_request: ReturnRequest, to: str, by=None, note: str = "") -> ReturnRequest:
    """Approve, reject or mark received (`to`); ReturnRefused when the workflow does not allow it.

    Receiving puts the returned units back on the shelf, exactly once.
    """
    to = Status(to)
    if to == Status.REFUNDED:
        raise ReturnRefused(_("Refund a return with its refund button."))
    with transaction.atomic():
        locked = _lock(return_request, to)
        if to == Status.RECEIVED:
            restock(locked)
        _record(locked, to, by=by, note=note)
    return locked


def restock(return_request) -> bool:
    """Put the returned units back in stock and out of the sales figures, once; True when it did."""
    claimed = ReturnRequest.objects.filter(pk=return_request.pk, stock_restored=False).update(
        stock_restored=True, updated_at=timezone.now()
    )
    return_request.stock_restored = True
    if not claimed:
        return False
    quantities, sold = {}, {}
    for sku_id, product_id, units in return_request.items.values_list(
        "order_item__sku_id", "order_item__product_id", "quantity"
    ):
        if sku_id is not None:
            quantities[sku_id] = quantities.get(sku_id, 0) + units
        if product_id is not None:
            sold[product_id] = sold.get(product_id, 0) - units
    # The same primary-key order as placing an order, so the two cannot deadlock.
    skus = SKU.objects.select_for_update().filter(pk__in=quantities).order_by("pk").values_list("pk", flat=True)
    for sku_id in skus:
        SKU.objects.filter(pk=sku_id).update(stock=F("stock") + quantities[sku_id])
    sync_in_stock(SKU.objects.filter(pk__in=quantities).values_list("product_id", flat=True).distinct())
    add_sales(sold)
    return True


def refund_return(*, return_request: ReturnRequest, by=None, include_delivery: bool = False, note: str = "") -> Refund:
    """Refund a received return: one Refund row per request, whatever is pressed twice.

    Card orders are refunded through Stripe by a task (the request becomes refunded when Stripe
    takes it); cash and bank transfer orders are recorded as paid out by `by` now.
    """
    with transaction.atomic():
        locked = _lock(return_request, Status.REFUNDED)
        if Refund.objects.filter(return_request=locked).exists():
            raise ReturnRefused(_("Return %(id)s already has a refund.") % {"id": locked.pk})
        order = locked.order
        if not order.is_paid and order.payment_method != Order.PaymentMethod.CASH:
            raise ReturnRefused(_("Order %(number)s was not paid.") % {"number": order.order_number})
        method = REFUND_METHODS.get(order.payment_method, Refund.Method.MANUAL)
        refund = Refund.objects.create(
            return_request=locked,
            amount=refund_amount(locked, include_delivery=include_delivery),
            currency=order.currency,
            includes_delivery=include_delivery,
            method=method,
            created_by=by,
        )
        if method == Refund.Method.STRIPE:
            enqueue_after_commit("returns.tasks.issue_card_refund", refund.pk)
        else:
            complete_refund(refund=refund, by=by, note=note)
    return refund


def complete_refund(*, refund: Refund, by=None, note: str = "", stripe_refund_id: str = "") -> bool:
    """Mark `refund` given back and its request refunded, once; False when it already was."""
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status == Refund.Status.SUCCEEDED:
            return False
        locked.status = Refund.Status.SUCCEEDED
        locked.refunded_at = timezone.now()
        locked.stripe_refund_id = stripe_refund_id or locked.stripe_refund_id
        locked.save(update_fields=["status", "refunded_at", "stripe_refund_id"])
        return_request = _lock(locked.return_request, Status.REFUNDED)
        _record(return_request, Status.REFUNDED, by=by, note=note)
        _settle_order(return_request.order)
    return True


def _settle_order(order) -> None:
    """The order's payment becomes refunded once its refunded returns have given back every unit
    it had and its delivery; a part returned leaves it paid."""
    if holds_everything(order, ReturnRequest.objects.filter(order=order, refund__status=Refund.Status.SUCCEEDED)):
        mark_refunded(order)


def fail_refund(*, refund: Refund, reason: str) -> None:
    """Keep why Stripe refused a refund; the request stays received, to be refunded by hand."""
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.FAILED, failure_reason=reason[:200]
    )
