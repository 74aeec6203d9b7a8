"""Recording a parcel: the one way an order's parcels are written.

The first parcel of a confirmed order ships it, through `checkout.status.change_status`, so the
history, the date and the customer's notification (with the tracking number) follow the one path.
Each later parcel tells the shopper about itself (`shipments.notify`).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from checkout.models import Order
from checkout.status import change_status
from shipments.carriers import carriers_for
from shipments.models import Parcel, ParcelItem
from shipments.notify import notify_parcel
from storefront.errors import Refused

# A parcel is packed once the order is confirmed; more may follow while it is on its way.
SHIPPABLE = (Order.Status.CONFIRMED, Order.Status.SHIPPED)


class ParcelRefused(Refused):
    code = "parcel_refused"


def remaining_quantities(order: Order) -> dict[int, int]:
    """{order item id: units of it not yet in any parcel} for every line of `order`."""
    items = list(order.items.values_list("pk", "quantity"))
    shipped = ParcelItem.objects.shipped_quantities([pk for pk, _quantity in items])
    return {pk: quantity - shipped.get(pk, 0) for pk, quantity in items}


def record_parcel(
    *, order: Order, carrier: str, tracking_number: str = "", quantities: dict[int, int], by=None
) -> Parcel:
    """Record a parcel of `order` holding `quantities` ({order item id: units}); never more units of
    a line than were ordered across all parcels. The first parcel of a confirmed order ships it; a
    later one is told to the shopper on its own."""
    quantities = {int(pk): int(units) for pk, units in quantities.items() if int(units) > 0}
    tracking_number = tracking_number.strip()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in SHIPPABLE:
            raise ParcelRefused(
                _("Order %(number)s is %(status)s: parcels are recorded once it is confirmed.")
                % {"number": locked.order_number, "status": locked.get_status_display().lower()}
            )
        if carrier not in {c.code for c in carriers_for(locked.market)}:
            raise ParcelRefused(_("Choose a carrier that delivers in this order's market."))
        if not quantities:
            raise ParcelRefused(_("Put at least one item in the parcel."))
        remaining = remaining_quantities(locked)
        for pk, units in quantities.items():
            if pk not in remaining:
                raise ParcelRefused(_("That item is not part of order %(number)s.") % {"number": locked.order_number})
            if units > remaining[pk]:
                raise ParcelRefused(
                    _("Only %(left)d of that item are left to ship in order %(number)s.")
                    % {"left": remaining[pk], "number": locked.order_number}
                )
        parcel = Parcel.objects.create(order=locked, carrier=carrier, tracking_number=tracking_number, recorded_by=by)
        ParcelItem.objects.bulk_create(
            ParcelItem(parcel=parcel, order_item_id=pk, quantity=units) for pk, units in quantities.items()
        )
        if locked.status == Order.Status.CONFIRMED:
            note = _("Parcel with %(carrier)s") % {"carrier": parcel.carrier_name}
            if tracking_number:
                note += f" · {tracking_number}"
            change_status(order=locked, to=Order.Status.SHIPPED, by=by, notes=note)
        else:
            notify_parcel(parcel)
    return parcel
