"""Recording parcels: quantities within what was ordered, carriers of the market, the order shipped once."""

import pytest

from accounts.models import Notification
from checkout.models import OrderStatusHistory
from checkout.notify import sms_text
from shipments.carriers import carrier, carriers_for
from shipments.models import Parcel
from shipments.services import ParcelRefused, record_parcel, remaining_quantities
from shipments.tests.conftest import order_with_lines

pytestmark = pytest.mark.django_db


def lines(order):
    return list(order.items.order_by("pk"))


def test_the_first_parcel_ships_a_confirmed_order_through_the_status_path(kg_order, admin_user):
    first, second = lines(kg_order)
    parcel = record_parcel(
        order=kg_order, carrier="kep", tracking_number=" KEP123 ", quantities={first.pk: 1}, by=admin_user
    )
    kg_order.refresh_from_db()
    assert kg_order.status == "shipped" and kg_order.shipped_date is not None
    change = OrderStatusHistory.objects.get(order=kg_order, status="shipped")
    assert change.changed_by == admin_user and "KEP123" in change.notes
    assert parcel.tracking_number == "KEP123" and parcel.recorded_by == admin_user
    assert [(line.order_item, line.quantity) for line in parcel.items.all()] == [(first, 1)]
    assert Notification.objects.filter(user=kg_order.user, title__contains="on its way").count() == 1
    assert remaining_quantities(kg_order) == {first.pk: 1, second.pk: 1}


def test_later_parcels_leave_a_shipped_order_shipped_and_each_tells_of_itself(kg_order):
    first, second = lines(kg_order)
    record_parcel(order=kg_order, carrier="kep", quantities={first.pk: 2})
    record_parcel(order=kg_order, carrier="courier", quantities={second.pk: 1})
    assert Parcel.objects.filter(order=kg_order).count() == 2
    assert OrderStatusHistory.objects.filter(order=kg_order, status="shipped").count() == 1
    assert remaining_quantities(kg_order) == {first.pk: 0, second.pk: 0}
    titles = list(Notification.objects.filter(user=kg_order.user).order_by("pk").values_list("title", flat=True))
    number = kg_order.order_number
    assert titles == [f"Order {number} is on its way", f"Another parcel of order {number} is on its way"]


def test_parcels_never_hold_more_than_was_ordered(kg_order):
    first, _second = lines(kg_order)
    record_parcel(order=kg_order, carrier="kep", quantities={first.pk: 1})
    with pytest.raises(ParcelRefused, match="Only 1 of that item are left"):
        record_parcel(order=kg_order, carrier="kep", quantities={first.pk: 2})
    assert Parcel.objects.filter(order=kg_order).count() == 1


@pytest.mark.parametrize(
    ("quantities", "message"),
    [({}, "at least one item"), ("zero", "at least one item"), ("foreign", "not part of order")],
)
def test_an_empty_parcel_or_another_orders_line_is_refused(kg_order, quantities, message):
    if quantities == "zero":
        quantities = {lines(kg_order)[0].pk: 0}
    elif quantities == "foreign":
        quantities = {lines(order_with_lines())[0].pk: 1}
    with pytest.raises(ParcelRefused, match=message):
        record_parcel(order=kg_order, carrier="kep", quantities=quantities)
    kg_order.refresh_from_db()
    assert kg_order.status == "confirmed" and not Parcel.objects.exists()


def test_a_carrier_of_the_other_market_is_refused(kg_order, us_order):
    with pytest.raises(ParcelRefused, match="carrier"):
        record_parcel(order=kg_order, carrier="usps", quantities={lines(kg_order)[0].pk: 1})
    with pytest.raises(ParcelRefused, match="carrier"):
        record_parcel(order=us_order, carrier="kep", quantities={lines(us_order)[0].pk: 1})


@pytest.mark.parametrize("status", ["pending", "cancelled", "delivered"])
def test_parcels_wait_for_a_confirmed_order(kg_shopper, status):
    order = order_with_lines(kg_shopper, status=status)
    with pytest.raises(ParcelRefused, match="once it is confirmed"):
        record_parcel(order=order, carrier="kep", quantities={lines(order)[0].pk: 1})


def test_the_shipped_sms_gives_the_tracking_numbers_when_there_are_some(kg_order, us_order):
    record_parcel(order=kg_order, carrier="courier", quantities={lines(kg_order)[0].pk: 1})
    assert sms_text(kg_order, "shipped") == f"Your order {kg_order.order_number} has shipped."
    record_parcel(
        order=us_order, carrier="ups", tracking_number="1Z999AA10123456784", quantities={lines(us_order)[0].pk: 1}
    )
    assert sms_text(us_order, "shipped") == (
        f"Your order {us_order.order_number} has shipped. Tracking number: 1Z999AA10123456784."
    )


def test_the_shipped_sms_is_sent_with_the_tracking_number(kg_order, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_parcel(order=kg_order, carrier="kep", tracking_number="KEP-42", quantities={lines(kg_order)[0].pk: 1})
    texts = [message.text for message in sms_outbox if kg_order.order_number in message.text]
    assert len(texts) == 1 and "KEP-42" in texts[0]


def test_each_market_offers_its_carriers_and_links_only_where_a_tracking_page_exists():
    assert [c.code for c in carriers_for("US")] == ["usps", "ups", "fedex", "other"]
    assert [c.code for c in carriers_for("KG")] == ["kep", "courier", "other"]
    assert carrier("ups").tracking_link("1Z 99") == "https://www.ups.com/track?tracknum=1Z%2099"
    assert carrier("kep").tracking_link("KEP1") == "" and carrier("other").tracking_link("X") == ""
    assert carrier("usps").tracking_link("  ") == ""
    assert carrier("gone").code == "other"
