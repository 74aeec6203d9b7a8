import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import KGUserFactory, USUserFactory, staff_in_role
from checkout.models import Order
from checkout.tests.factories import OrderFactory, OrderItemFactory
from dashboard.rollups import today
from storefront.markets import get_market


def market_today(market="KG"):
    """Today in `market`'s time zone: its days are the dashboard's."""
    return today([market])


def days_ago(n, hour=12, market="KG"):
    """A moment `n` days before `market`'s today, at `hour` o'clock in its time zone."""
    day = market_today(market) - datetime.timedelta(days=n)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo(get_market(market).time_zone))


def placed(when, *, market="KG", total="1000.00", status=Order.Status.DELIVERED, items=(), **fields):
    """An order of `market` placed at `when` (created_at is set after the save, past auto_now_add)."""
    user = KGUserFactory() if market == "KG" else USUserFactory()
    currency = "KGS" if market == "KG" else "USD"
    discount = Decimal(fields.pop("discount", "0.00"))
    order = OrderFactory(
        user=user,
        currency=currency,
        subtotal=Decimal(total) + discount,
        shipping_cost=Decimal("0.00"),
        tax=Decimal("0.00"),
        tax_included=True,
        discount=discount,
        total_amount=Decimal(total),
        status=status,
        **fields,
    )
    for item in items:
        OrderItemFactory(order=order, **item)
    Order.objects.filter(pk=order.pk).update(created_at=when)
    order.refresh_from_db()
    return order


@pytest.fixture
def kg_manager(db):
    return staff_in_role(MARKET_MANAGER, "KG")


@pytest.fixture
def kg_manager_client(client, kg_manager):
    client.force_login(kg_manager)
    return client


@pytest.fixture
def merchandiser_client(client, db):
    client.force_login(staff_in_role(MERCHANDISER))
    return client
