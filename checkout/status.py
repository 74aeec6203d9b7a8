"""The one way an order's status changes: customers cancelling, managers in the admin, payments.

`change_status` locks the order row, refuses moves the workflow does not allow, sets the matching
date, records who and why in the history, returns the stock and the discount code's use of a
cancelled order exactly once,
queues a refund of anything paid online, and notifies the customer.

    pending → confirmed → shipped → delivered
    pending | confirmed → cancelled
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import SKU
from catalog.stock import add_sales, announce_units_returned, sync_in_stock
from checkout.models import Order, OrderStatusHistory
from checkout.notify import notify_customer
from promotions.codes import release_use
from storefront.background import enqueue_after_commit
from storefront.errors import Refused

Status = Order.Status

TRANSITIONS = {
    Status.PENDING: (Status.CONFIRMED, Status.CANCELLED),
    Status.CONFIRMED: (Status.SHIPPED, Status.CANCELLED),
    Status.SHIPPED: (Status.DELIVERED,),
    Status.DELIVERED: (),
    Status.CANCELLED: (),
}
DATE_FIELDS = {
    Status.CONFIRMED: "confirmed_date",
    Status.SHIPPED: "shipped_date",
    Status.DELIVERED: "delivered_date",
    Status.CANCELLED: "cancelled_date",
}


class StatusChangeRefused(Refused):
    """A move the workflow does not allow; `message` says why."""

    code = "status_change_refused"


def next_statuses(order) -> tuple[str, ...]:
    """Where `order` may go from its current status."""
    return TRANSITIONS[Status(order.status)]


def _refusal(order, to):
    if order.status == to:
        return _("Order %(number)s is already %(status)s.") % {
            "number": order.order_number,
            "status": Status(to).label.lower(),
        }
    if to == Status.CANCELLED:
        return _("Order %(number)s can no longer be cancelled: it is %(status)s.") % {
            "number": order.order_number,
            "status": order.get_status_display().lower(),
        }
    if to == Status.CONFIRMED and order.awaiting_online_payment:
        return _("Order %(number)s is waiting for its card payment.") % {"number": order.order_number}
    return _("Order %(number)s cannot go from %(current)s to %(new)s.") % {
        "number": order.order_number,
        "current": order.get_status_display().lower(),
        "new": Status(to).label.lower(),
    }


def restore_stock(order) -> bool:
    """Put a cancelled order's units back on the shelf and its discount code's use back, once; True when it did."""
    if order.stock_restored:
        return False
    with transaction.atomic():
        # Claimed in the database, not on this copy: a second call with an older copy finds it done.
        claimed = Order.objects.filter(pk=order.pk, stock_restored=False).update(
            stock_restored=True, updated_at=timezone.now()
        )
        order.stock_restored = True
        if not claimed:
            return False
        quantities, sold = {}, {}
        for sku_id, product_id, quantity in order.items.values_list("sku_id", "product_id", "quantity"):
            if sku_id is not None:
                quantities[sku_id] = quantities.get(sku_id, 0) + quantity
            if product_id is not None:
                sold[product_id] = sold.get(product_id, 0) - quantity
        # The same primary-key order as placement, so a cancellation and a checkout cannot deadlock.
        skus = SKU.objects.select_for_update().filter(pk__in=quantities).order_by("pk").values_list("pk", flat=True)
        for sku_id in skus:
            SKU.objects.filter(pk=sku_id).update(stock=F("stock") + quantities[sku_id])
        if order.discount_code_id:
            release_use(order.discount_code_id)
        # The units come back on the shelf and out of the sales figures.
        sync_in_stock(SKU.objects.filter(pk__in=quantities).values_list("product_id", flat=True).distinct())
        add_sales(sold)
        announce_units_returned(quantities)
    return True


def change_status(*, order: Order, to: str, by=None, notes: str = "") -> Order:
    """Move `order` to status `to` as `by` (None for the system); StatusChangeRefused when not allowed."""
    to = Status(to)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if to not in TRANSITIONS[Status(locked.status)]:
            raise StatusChangeRefused(_refusal(locked, to))
        if to == Status.CONFIRMED and locked.awaiting_online_payment:
            raise StatusChangeRefused(_refusal(locked, to))
        locked.status = to
        setattr(locked, DATE_FIELDS[to], timezone.now())
        locked.save(update_fields=["status", DATE_FIELDS[to], "updated_at"])
        OrderStatusHistory.objects.create(order=locked, status=to, notes=notes.strip(), changed_by=by)
        if to == Status.CANCELLED:
            restore_stock(locked)
            if locked.is_paid:
                enqueue_after_commit("checkout.tasks.refund_order_payment", locked.pk)
        notify_customer(locked, to)
    return locked
