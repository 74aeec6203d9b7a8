"""Managers record parcels in the orders admin, for the orders of their own market only."""

import pytest
from django.urls import reverse

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import staff_in_role
from shipments.models import Parcel
from shipments.tests.conftest import order_with_lines

pytestmark = pytest.mark.django_db


def parcel_url(order):
    return reverse("admin:checkout_order_record_parcel", args=[order.pk])


@pytest.fixture
def kg_manager_client(client):
    client.force_login(staff_in_role(MARKET_MANAGER, "KG"))
    return client


def test_the_order_page_links_to_recording_a_parcel_and_lists_parcels(kg_manager_client, kg_order):
    response = kg_manager_client.get(reverse("admin:checkout_order_change", args=[kg_order.pk]))
    assert response.status_code == 200
    assert parcel_url(kg_order) in response.text and "Record a parcel" in response.text


def test_a_manager_records_a_parcel_and_the_order_ships(kg_manager_client, kg_order):
    first, second = kg_order.items.order_by("pk")
    page = kg_manager_client.get(parcel_url(kg_order))
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["carrier"].choices] == ["kep", "courier", "other"]
    response = kg_manager_client.post(
        parcel_url(kg_order),
        {"carrier": "kep", "tracking_number": "KEP77", f"item_{first.pk}": "2", f"item_{second.pk}": "0"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{kg_order.pk}/change/")
    kg_order.refresh_from_db()
    assert kg_order.status == "shipped"
    parcel = Parcel.objects.get(order=kg_order)
    assert parcel.tracking_number == "KEP77" and [(i.order_item, i.quantity) for i in parcel.items.all()] == [
        (first, 2)
    ]
    listed = kg_manager_client.get(reverse("admin:checkout_order_change", args=[kg_order.pk])).text
    assert "KEP77" in listed


def test_more_than_is_left_is_a_form_error_not_a_parcel(kg_manager_client, kg_order):
    first, second = kg_order.items.order_by("pk")
    response = kg_manager_client.post(
        parcel_url(kg_order), {"carrier": "kep", f"item_{first.pk}": "3", f"item_{second.pk}": "0"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    empty = kg_manager_client.post(
        parcel_url(kg_order), {"carrier": "kep", f"item_{first.pk}": "0", f"item_{second.pk}": "0"}
    )
    assert "Put at least one item in the parcel." in empty.text
    wrong_carrier = kg_manager_client.post(parcel_url(kg_order), {"carrier": "usps", f"item_{first.pk}": "1"})
    assert wrong_carrier.status_code == 200 and "carrier" in wrong_carrier.context["form"].errors
    assert not Parcel.objects.exists()


def test_another_markets_manager_cannot_see_or_add_parcels(client, kg_order):
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    first = kg_order.items.first()
    assert client.get(parcel_url(kg_order)).status_code == 404
    assert client.post(parcel_url(kg_order), {"carrier": "kep", f"item_{first.pk}": "1"}).status_code == 404
    assert not Parcel.objects.exists()


def test_parcels_list_is_scoped_to_the_managers_market(client, kg_order, us_order):
    from shipments.services import record_parcel

    record_parcel(order=kg_order, carrier="kep", tracking_number="KG-1", quantities={kg_order.items.first().pk: 1})
    record_parcel(order=us_order, carrier="ups", tracking_number="US-1", quantities={us_order.items.first().pk: 1})
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    response = client.get(reverse("admin:shipments_parcel_changelist"))
    assert [p.tracking_number for p in response.context["cl"].result_list] == ["US-1"]


def test_a_pending_order_offers_no_parcel(kg_manager_client, kg_shopper):
    order = order_with_lines(kg_shopper, status="pending")
    assert parcel_url(order) not in kg_manager_client.get(reverse("admin:checkout_order_change", args=[order.pk])).text
    assert kg_manager_client.get(parcel_url(order)).status_code == 403


def test_the_order_list_filters_shipped_not_delivered(kg_manager_client, kg_shopper):
    shipped = order_with_lines(kg_shopper, status="shipped")
    order_with_lines(kg_shopper, status="delivered")
    confirmed = order_with_lines(kg_shopper, status="confirmed")
    orders = reverse("admin:checkout_order_changelist")
    response = kg_manager_client.get(orders + "?shipping=in_transit")
    assert list(response.context["cl"].result_list) == [shipped]
    assert "Shipped, not delivered" in response.text
    assert list(kg_manager_client.get(orders + "?shipping=to_ship").context["cl"].result_list) == [confirmed]
