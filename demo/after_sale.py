"""What happened to the demo orders after they were placed: the parcels they went out in, and a
return a shopper asked for.

Written as rows, as the orders are (`demo.orders`): the services would text and email the demo
shoppers. Each shipped or delivered demo order gets one parcel holding all its units, sent on its
shipped date by its market's carrier (UPS with a tracking number in the US, the MARQUE courier in
KG); in each market the newest delivered order still inside its return window (the demo delivers
one order of each lately) gets a return of one unit, waiting for the manager. A rerun adds nothing.
"""

from django.db import transaction

from checkout.models import Order
from demo.seeding import seeded_random
from returns.models import ReturnItem, ReturnRequest, ReturnStatusHistory
from returns.services import can_request_return
from shipments.models import Parcel, ParcelItem
from storefront.markets import Market

S = Order.Status
CARRIER = {Market.US: "ups", Market.KG: "courier"}
# What the shopper wrote, in the language KG shoppers mostly write in.
RETURN_NOTE = {
    Market.US: "The fit is too snug; I would like the next size up.",
    Market.KG: "Маломерит, хочу обменять на размер больше.",
}


def _tracking_number(order):
    """A UPS-shaped number for a US parcel; none for the courier, who texts the shopper."""
    if order.market != Market.US:
        return ""
    rng = seeded_random("tracking", order.order_number)
    return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(16))


def seed_parcels(*, order_numbers, managers) -> int:
    """One parcel of every unit for each shipped or delivered order of `order_numbers` without one."""
    orders = (
        Order.objects.filter(order_number__in=order_numbers, status__in=(S.SHIPPED, S.DELIVERED), parcels=None)
        .prefetch_related("items")
        .order_by("pk")
    )
    with transaction.atomic():
        made = 0
        for order in orders:
            parcel = Parcel.objects.create(
                order=order,
                carrier=CARRIER[order.market],
                tracking_number=_tracking_number(order),
                shipped_at=order.shipped_date or order.created_at,
                recorded_by=managers.get(order.market),
            )
            ParcelItem.objects.bulk_create(
                ParcelItem(parcel=parcel, order_item=item, quantity=item.quantity) for item in order.items.all()
            )
            made += 1
    return made


def seed_returns(*, order_numbers) -> int:
    """In each market, a return of one unit of its newest delivered order of `order_numbers` still
    inside the return window, when that market has none yet."""
    made = 0
    with transaction.atomic():
        for market in Market.values:
            delivered = Order.objects.in_markets([market]).filter(order_number__in=order_numbers, status=S.DELIVERED)
            if ReturnRequest.objects.filter(order__in=delivered).exists():
                continue
            order = next(
                (order for order in delivered.order_by("-delivered_date", "-pk") if can_request_return(order)), None
            )
            item = order.items.order_by("pk").first() if order else None
            if item is None:
                continue
            return_request = ReturnRequest.objects.create(
                order=order,
                user=order.user,
                market=order.market,
                reason=ReturnRequest.Reason.WRONG_SIZE,
                note=RETURN_NOTE[order.market],
            )
            ReturnItem.objects.create(return_request=return_request, order_item=item, quantity=1)
            ReturnStatusHistory.objects.create(
                return_request=return_request, status=return_request.status, changed_by=order.user
            )
            made += 1
    return made
