"""The shopper's order page and the API's order show each parcel, what it holds and where to follow it."""

import pytest

from accounts.tests.factories import KGUserFactory
from api.tests.conftest import authed
from catalog.models import SKU, Product
from shipments.services import record_parcel
from shipments.tests.conftest import order_with_lines

pytestmark = pytest.mark.django_db


def ship(order, carrier, number="", line=0):
    item = order.items.order_by("pk")[line]
    return record_parcel(order=order, carrier=carrier, tracking_number=number, quantities={item.pk: 1})


def test_the_order_page_shows_each_parcel_with_its_items_and_tracking_link(client, us_order):
    client.force_login(us_order.user)
    ship(us_order, "ups", "1Z999")
    ship(us_order, "other", "LOCAL-9")
    html = client.get(f"/us/orders/{us_order.order_number}/").text
    assert html.count('data-testid="parcel"') == 2
    assert 'href="https://www.ups.com/track?tracknum=1Z999"' in html
    assert "LOCAL-9" in html and html.count('data-testid="tracking-link"') == 1
    assert us_order.items.order_by("pk").first().product_name in html.split('data-testid="order-parcels"')[1]


def test_an_order_without_parcels_shows_no_parcel_section(client, kg_order):
    client.force_login(kg_order.user)
    assert 'data-testid="order-parcels"' not in client.get(f"/kg/orders/{kg_order.order_number}/").text


def test_another_shoppers_order_and_its_parcels_are_a_404(client, kg_order):
    ship(kg_order, "kep", "KEP-SECRET")
    client.force_login(KGUserFactory())
    response = client.get(f"/kg/orders/{kg_order.order_number}/")
    assert response.status_code == 404 and "KEP-SECRET" not in response.text


def test_the_order_page_reads_parcels_in_a_fixed_number_of_queries(client, kg_order, django_assert_max_num_queries):
    client.force_login(kg_order.user)
    ship(kg_order, "kep", "A")
    client.get(f"/kg/orders/{kg_order.order_number}/")
    with django_assert_max_num_queries(20) as one:
        client.get(f"/kg/orders/{kg_order.order_number}/")
    ship(kg_order, "courier", "B")
    ship(kg_order, "kep", "C", line=1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/kg/orders/{kg_order.order_number}/").status_code == 200


def test_the_api_order_detail_lists_parcels(us_order):
    ship(us_order, "fedex", "7489")
    body = authed(us_order.user).get(f"/api/v1/orders/{us_order.order_number}").json()
    first = us_order.items.order_by("pk").first()
    assert body["parcels"] == [
        {
            "carrier": "fedex",
            "carrier_name": "FedEx",
            "tracking_number": "7489",
            "tracking_url": "https://www.fedex.com/fedextrack/?trknbr=7489",
            "shipped_at": body["parcels"][0]["shipped_at"],
            "items": [
                {
                    "sku_code": first.sku_code,
                    "name": first.product_name,
                    "size": first.size,
                    "color": first.color,
                    "quantity": 1,
                }
            ],
        }
    ]


def test_the_api_keeps_other_shoppers_parcels_hidden(kg_order):
    ship(kg_order, "kep", "K")
    assert authed(KGUserFactory()).get(f"/api/v1/orders/{kg_order.order_number}").status_code == 404


def reads(user, language):
    """`user` reads the shop in `language`: an API caller is answered in their profile's language."""
    user.language = language
    user.save(update_fields=["language"])


def test_the_api_names_what_was_bought_in_the_callers_language(kg_order, django_assert_max_num_queries):
    for item in kg_order.items.select_related("product", "sku"):
        Product.objects.filter(pk=item.product_id).update(name_ru=f"Рубашка {item.pk}")
        SKU.objects.filter(pk=item.sku_id).update(color_ru="Тёмно-синий")
    ship(kg_order, "kep", "K")
    reads(kg_order.user, "ru")
    client = authed(kg_order.user)

    client.get(f"/api/v1/orders/{kg_order.order_number}")
    with django_assert_max_num_queries(12):
        body = client.get(f"/api/v1/orders/{kg_order.order_number}").json()

    first = kg_order.items.order_by("pk").first()
    assert [item["name"] for item in body["items"]] == [f"Рубашка {item.pk}" for item in kg_order.items.order_by("pk")]
    assert {item["color"] for item in body["items"]} == {"Тёмно-синий"}
    assert body["parcels"][0]["items"][0] | {"quantity": 1} == {
        "sku_code": first.sku_code,
        "name": f"Рубашка {first.pk}",
        "size": first.size,
        "color": "Тёмно-синий",
        "quantity": 1,
    }
    # In English, the words bought.
    reads(kg_order.user, "en")
    assert authed(kg_order.user).get(f"/api/v1/orders/{kg_order.order_number}").json()["items"][0]["name"] == (
        first.product_name
    )


def test_the_api_names_products_awaiting_a_review_in_the_callers_language(kg_shopper):
    order = order_with_lines(kg_shopper, status="delivered", quantities=(1,))
    item = order.items.get()
    Product.objects.filter(pk=item.product_id).update(name_ru="Льняная рубашка")
    reads(kg_shopper, "ru")

    (line,) = authed(kg_shopper).get("/api/v1/profile/reviews/awaiting").json()

    assert line["product_name"] == "Льняная рубашка"
