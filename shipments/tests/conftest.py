"""Orders ready to ship, for the parcel tests."""

import pytest

from accounts.tests.factories import USUserFactory
from checkout.tests.factories import OrderFactory, OrderItemFactory


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


def order_with_lines(user=None, *, status="confirmed", quantities=(2, 1), **fields):
    """An order of `user` (a new KG shopper by default) in `status`, one line per quantity."""
    order = OrderFactory(status=status, **({"user": user} if user else {}), **fields)
    for quantity in quantities:
        OrderItemFactory(order=order, quantity=quantity)
    return order


@pytest.fixture
def kg_order(kg_shopper):
    return order_with_lines(kg_shopper)


@pytest.fixture
def us_order():
    return order_with_lines(USUserFactory(), payment_method="test")
