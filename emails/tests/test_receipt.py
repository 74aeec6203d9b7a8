"""The printable receipt under the order: the owner's only, with the market's tax line."""

import pytest

from accounts.tests.factories import KGUserFactory
from storefront.market_urls import market_reverse

pytestmark = pytest.mark.django_db


def receipt_url(order):
    return market_reverse("emails:order_receipt", order.market_config, kwargs={"number": order.order_number})


def test_the_owner_gets_the_kg_receipt_with_vat_inside(client, kg_order, django_assert_max_num_queries):
    client.force_login(kg_order.user)
    with django_assert_max_num_queries(8):
        response = client.get(receipt_url(kg_order))
    assert response.status_code == 200
    text = response.text
    assert kg_order.order_number in text
    assert "Linen shirt" in text
    assert "Including VAT 12%" in text
    assert "Sales tax" not in text
    assert "SPRING" in text
    assert "Chui Avenue 120" in text
    assert "receipt.css" in text


def test_the_us_receipt_adds_sales_tax(client, us_order):
    client.force_login(us_order.user)
    response = client.get(receipt_url(us_order))
    assert response.status_code == 200
    assert "Sales tax 8.25%" in response.text
    assert "$4.72" in response.text
    assert "Including VAT" not in response.text


def test_another_shoppers_receipt_is_a_404(client, kg_order):
    client.force_login(KGUserFactory())
    assert client.get(receipt_url(kg_order)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, kg_order):
    response = client.get(receipt_url(kg_order))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_order_page_and_the_confirmation_link_to_the_receipt(client, kg_order):
    client.force_login(kg_order.user)
    for name in ("checkout:order_detail", "checkout:order_confirmation"):
        page = client.get(market_reverse(name, kg_order.market_config, kwargs={"number": kg_order.order_number}))
        assert receipt_url(kg_order) in page.text
