"""Fixtures of the emails tests: orders of shoppers with a verified address, SMS kept offline."""

from decimal import Decimal

import pytest

from accounts.tests.factories import KGUserFactory, USUserFactory
from checkout.models import Order, OrderStatusHistory
from checkout.tests.factories import OrderFactory, OrderItemFactory
from emails.models import MessagePreferences


def verify(user):
    MessagePreferences.objects.update_or_create(user=user, defaults={"verified_email": user.email})
    return user


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what commits queue (the immediate task backend runs each task as it is queued)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def kg_order(db, sms_outbox):
    """A KG cash order (VAT inside the total) of a verified shopper, with one item and a discount."""
    user = verify(KGUserFactory(email="aida@example.com"))
    order = OrderFactory(
        user=user,
        delivery_address="Chui Avenue 120, apt. 4, Bishkek",
        subtotal=Decimal("2990.00"),
        shipping_cost=Decimal("250.00"),
        discount=Decimal("300.00"),
        discount_code_text="SPRING",
        tax=Decimal("315.00"),
        tax_rate=Decimal("0.12"),
        total_amount=Decimal("2940.00"),
    )
    OrderItemFactory(order=order, product_name="Linen shirt", price=Decimal("2990.00"), subtotal=Decimal("2990.00"))
    OrderStatusHistory.objects.create(order=order, status=Order.Status.PENDING)
    return order


@pytest.fixture
def us_order(db, sms_outbox):
    """A US card order, sales tax on top, of a verified shopper."""
    user = verify(USUserFactory(email="sam@example.com"))
    order = OrderFactory(
        user=user,
        delivery_address="500 Congress Ave, Austin, TX 73301",  # as checkout writes it: one line
        delivery_city="Austin",
        delivery_state="TX",
        delivery_postal_code="73301",
        payment_method="test",
        subtotal=Decimal("59.00"),
        shipping_cost=Decimal("7.95"),
        tax=Decimal("4.72"),
        tax_rate=Decimal("0.0825"),
        tax_included=False,
        total_amount=Decimal("71.67"),
    )
    OrderItemFactory(
        order=order,
        product_name="Denim jacket",
        price=Decimal("59.00"),
        subtotal=Decimal("59.00"),
        sku__product__market="US",
        sku__product__price=Decimal("59.00"),
    )
    OrderStatusHistory.objects.create(order=order, status=Order.Status.PENDING)
    return order
