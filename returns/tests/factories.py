"""Delivered orders to return, and return requests at each step."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import KGUserFactory, USUserFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.tests.factories import OrderFactory, OrderItemFactory


def _line(order, *, market, price, quantity, stock=5):
    sku = SKUFactory(product=ProductFactory(market=market, price=price), stock=stock)
    return OrderItemFactory(order=order, sku=sku, quantity=quantity, price=price, subtotal=price * quantity)


def kg_delivered_order(*, user=None, delivered_ago=timedelta(days=2), discount=Decimal(0), **extra):
    """A KG cash order delivered `delivered_ago`: 1 × 1 490 and 2 × 750 som, delivery 250 som."""
    user = user or KGUserFactory()
    subtotal, shipping = Decimal("2990.00"), Decimal("250.00")
    fields = {
        "user": user,
        "status": "delivered",
        "delivered_date": timezone.now() - delivered_ago,
        "subtotal": subtotal,
        "shipping_cost": shipping,
        "discount": discount,
        "total_amount": subtotal + shipping - discount,
        **extra,
    }
    order = OrderFactory(**fields)
    _line(order, market="KG", price=Decimal("1490.00"), quantity=1)
    _line(order, market="KG", price=Decimal("750.00"), quantity=2)
    return order


def us_delivered_card_order(*, user=None, delivered_ago=timedelta(days=2), **extra):
    """A US card order paid through Stripe and delivered: 2 × $29.95, $7.00 delivery, $4.77 tax."""
    user = user or USUserFactory()
    fields = {
        "user": user,
        "status": "delivered",
        "delivered_date": timezone.now() - delivered_ago,
        "payment_method": "card",
        "payment_status": "paid",
        "payment_reference": "pi_test_returned",
        "delivery_city": "San Francisco",
        "delivery_state": "CA",
        "subtotal": Decimal("59.90"),
        "shipping_cost": Decimal("7.00"),
        "tax": Decimal("4.77"),
        "tax_included": False,
        "total_amount": Decimal("71.67"),
        **extra,
    }
    order = OrderFactory(**fields)
    _line(order, market="US", price=Decimal("29.95"), quantity=2)
    return order
