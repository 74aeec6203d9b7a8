"""Orders placed are counted for Prometheus, by market, once their transaction commits."""

from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Cart
from checkout.orders import place_order

pytestmark = pytest.mark.django_db


def placed_orders(market):
    return REGISTRY.get_sample_value("marque_orders_placed_total", {"market": market}) or 0


def test_a_placed_order_counts_once_for_its_market(django_capture_on_commit_callbacks):
    user = KGUserFactory()
    address = AddressFactory(user=user, city="Bishkek", is_default=True)
    sku = SKUFactory(product=ProductFactory(market="KG", price=Decimal("2990")), stock=5)
    Cart.objects.create(user=user, market="KG").items.create(sku=sku, quantity=1)
    before_kg, before_us = placed_orders("KG"), placed_orders("US")

    with django_capture_on_commit_callbacks(execute=True):
        place_order(user=user, address=address, payment_method="cash", checkout_key="metrics-1")
    # The same checkout submitted again finds its order and places nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = place_order(user=user, address=address, payment_method="cash", checkout_key="metrics-1")
    assert not again.created
    assert placed_orders("KG") == before_kg + 1
    assert placed_orders("US") == before_us
