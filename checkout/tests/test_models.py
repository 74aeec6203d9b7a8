"""Carts and orders: the database keeps their rules, and an order's history is never lost."""

import itertools
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import SKU, Product
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Cart, CartItem, Order, OrderItem, new_order_number
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


def refused_by_database():
    return pytest.raises(IntegrityError)


# --- carts -------------------------------------------------------------------------------------


def test_a_cart_belongs_to_a_user_or_a_session():
    with refused_by_database(), transaction.atomic():
        Cart.objects.create(user=None, session_key=None)


def test_a_visitors_cart_is_tied_to_the_session(kg_shopper):
    assert Cart.objects.create(session_key="abc123", market="US").user is None
    assert Cart.objects.create(user=kg_shopper).session_key is None


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_cart_line_holds_at_least_one_unit(quantity):
    with refused_by_database(), transaction.atomic():
        CartItemFactory(quantity=quantity)


def test_a_sku_is_on_one_line_of_a_cart():
    item = CartItemFactory()
    with refused_by_database(), transaction.atomic():
        CartItemFactory(cart=item.cart, sku=item.sku)
    CartItemFactory(sku=item.sku)  # the same SKU in someone else's cart
    assert CartItem.objects.filter(sku=item.sku).count() == 2


def test_cart_counts_units():
    cart = CartFactory()
    CartItemFactory(cart=cart, sku=SKUFactory(price=Decimal("2990.00")), quantity=2)
    CartItemFactory(cart=cart, sku=SKUFactory(price=Decimal("1500.50")), quantity=1)
    assert cart.total_items == 3
    assert CartFactory().total_items == 0


def test_a_cart_has_one_money_total_the_market_priced_one(settings):
    """A KG cart with an ALL-market item (priced in dollars) adds som to som, never base prices."""
    from catalog.models import ExchangeRate
    from checkout.cart import summarize_cart

    ExchangeRate.objects.update_or_create(market="KG", defaults={"rate": Decimal("87.5")})
    cart = CartFactory()
    CartItemFactory(cart=cart, sku=SKUFactory(price=Decimal("2990.00"), stock=5), quantity=1)
    everywhere = ProductFactory(market="ALL", price=Decimal("49.00"))
    CartItemFactory(cart=cart, sku=SKUFactory(product=everywhere, price=Decimal("49.00"), stock=5), quantity=1)

    summary = summarize_cart(cart=cart, market=cart.market_config)

    assert not hasattr(cart, "total_price")  # the sum of mixed-currency base prices is gone
    assert summary.subtotal > Decimal("2990.00") + Decimal("49.00") * 80


# --- orders: what the database refuses ---------------------------------------------------------


def test_an_order_total_must_add_up_when_tax_is_added():
    with refused_by_database(), transaction.atomic():
        OrderFactory(
            subtotal=Decimal("100.00"),
            shipping_cost=Decimal("7.00"),
            tax=Decimal("9.00"),
            tax_included=False,
            total_amount=Decimal("107.00"),
        )


def test_an_order_total_must_add_up_when_vat_is_included():
    with refused_by_database(), transaction.atomic():
        OrderFactory(
            subtotal=Decimal("2990.00"),
            shipping_cost=Decimal("250.00"),
            tax=Decimal("320.36"),
            tax_included=True,
            total_amount=Decimal("3560.36"),
        )


def test_orders_whose_totals_add_up_are_kept(us_shopper):
    us = OrderFactory(
        user=us_shopper,
        subtotal=Decimal("100.00"),
        shipping_cost=Decimal("8.00"),
        tax=Decimal("8.50"),
        tax_included=False,
        total_amount=Decimal("116.50"),
    )
    kg = OrderFactory()
    assert (us.currency, us.total_amount, kg.currency, kg.total_amount) == (
        "USD",
        Decimal("116.50"),
        "KGS",
        Decimal("3240.00"),
    )


@pytest.mark.parametrize(
    ("subtotal", "shipping", "tax"),
    [("0.10", "0.20", "0.00"), ("19.99", "7.95", "8.87"), ("99.99", "7.95", "1.10")],
)
def test_totals_that_add_up_to_the_cent_are_accepted(subtotal, shipping, tax):
    subtotal, shipping, tax = Decimal(subtotal), Decimal(shipping), Decimal(tax)
    order = OrderFactory(
        subtotal=subtotal, shipping_cost=shipping, tax=tax, tax_included=False, total_amount=subtotal + shipping + tax
    )
    assert order.total_amount == subtotal + shipping + tax


@pytest.mark.parametrize(("price", "quantity"), [("1.10", 3), ("19.99", 7)])
def test_line_totals_that_add_up_to_the_cent_are_accepted(price, quantity):
    item = OrderItemFactory(price=Decimal(price), quantity=quantity, subtotal=Decimal(price) * quantity)
    assert item.subtotal == Decimal(price) * quantity


def test_order_numbers_are_unique():
    OrderFactory(order_number="MQ-ABCDEFGH")
    with refused_by_database(), transaction.atomic():
        OrderFactory(order_number="MQ-ABCDEFGH")


@pytest.mark.parametrize("quantity", [0, -2])
def test_an_order_line_holds_at_least_one_unit(quantity):
    with refused_by_database(), transaction.atomic():
        OrderItemFactory(quantity=quantity, subtotal=Decimal("0"))


def test_an_order_line_total_is_price_times_quantity():
    with refused_by_database(), transaction.atomic():
        OrderItemFactory(price=Decimal("2990.00"), quantity=2, subtotal=Decimal("2990.00"))


# --- order numbers -----------------------------------------------------------------------------

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ORDER_NUMBER = re.compile(rf"^MQ-[{ALPHABET}]{{8}}$")


def test_order_numbers_look_like_mq_and_eight_unambiguous_characters():
    order = OrderFactory()
    assert ORDER_NUMBER.match(order.order_number), order.order_number
    assert all(ORDER_NUMBER.match(new_order_number()) for _ in range(200))


def test_order_numbers_are_not_sequential():
    numbers = [OrderFactory().order_number for _ in range(30)]
    assert len(set(numbers)) == len(numbers)
    assert numbers != sorted(numbers)
    # Read as base-32 numbers, consecutive orders are never neighbours: no counter shows through.
    values = [int("".join(str(ALPHABET.index(c)).zfill(2) for c in n[3:])) for n in numbers]
    assert not any(abs(a - b) <= 1 for a, b in itertools.pairwise(values))


# --- order properties ----------------------------------------------------------------------------


def test_items_count_counts_units_across_lines():
    order = OrderFactory()
    OrderItemFactory(order=order, quantity=2)
    OrderItemFactory(order=order, quantity=3)
    assert order.items_count == 5
    assert OrderFactory().items_count == 0


def test_items_count_uses_prefetched_items_without_a_query(django_assert_num_queries):
    order = OrderFactory()
    OrderItemFactory(order=order, quantity=2)
    OrderItemFactory(order=order, quantity=1)
    order = Order.objects.prefetch_related("items").get(pk=order.pk)
    with django_assert_num_queries(0):
        assert order.items_count == 3


@pytest.mark.parametrize(
    ("status", "is_active", "can_cancel"),
    [
        ("pending", True, True),
        ("confirmed", True, True),
        ("shipped", True, False),
        ("delivered", False, False),
        ("cancelled", False, False),
    ],
)
def test_which_orders_are_active_and_which_can_be_cancelled(status, is_active, can_cancel):
    order = OrderFactory(status=status)
    assert (order.is_active, order.can_cancel) == (is_active, can_cancel)


def test_every_status_is_covered():
    assert set(Order.Status.values) == {"pending", "confirmed", "shipped", "delivered", "cancelled"}


def test_active_orders_are_those_still_on_their_way():
    for status in Order.Status.values:
        OrderFactory(status=status)
    assert sorted(Order.objects.active().values_list("status", flat=True)) == ["confirmed", "pending", "shipped"]


# --- history is never lost ---------------------------------------------------------------------


@pytest.fixture
def delivered_order():
    product = ProductFactory(name="Linen Shirt", brand="Atelier Nord", price=Decimal("2990.00"))
    sku = SKUFactory(product=product, sku_code="LIN-M-SAND", size="M", color="Sand", price=Decimal("2990.00"))
    order = OrderFactory(
        status="delivered",
        subtotal=Decimal("5980.00"),
        shipping_cost=Decimal("0.00"),
        tax=Decimal("640.71"),
        tax_included=True,
        total_amount=Decimal("5980.00"),
    )
    item = OrderItemFactory(
        order=order, sku=sku, quantity=2, subtotal=Decimal("5980.00"), image_url="https://cdn.example.com/shirt.jpg"
    )
    return order, item


SNAPSHOT = {
    "sku_code": "LIN-M-SAND",
    "product_name": "Linen Shirt",
    "product_brand": "Atelier Nord",
    "size": "M",
    "color": "Sand",
    "image_url": "https://cdn.example.com/shirt.jpg",
    "price": Decimal("2990.00"),
    "quantity": 2,
    "subtotal": Decimal("5980.00"),
}
AMOUNTS = {
    "currency": "KGS",
    "subtotal": Decimal("5980.00"),
    "shipping_cost": Decimal("0.00"),
    "tax": Decimal("640.71"),
    "total_amount": Decimal("5980.00"),
}


def _snapshot(item):
    return {field: getattr(item, field) for field in SNAPSHOT}


def _amounts(order):
    return {field: getattr(order, field) for field in AMOUNTS}


def test_deleting_a_product_keeps_the_order_lines_and_amounts(delivered_order):
    order, item = delivered_order
    product = item.product
    product.delete()

    assert not Product.objects.filter(pk=product.pk).exists()
    assert not SKU.objects.filter(product_id=product.pk).exists()
    item = OrderItem.objects.get(pk=item.pk)
    assert (item.sku_id, item.product_id) == (None, None)
    assert _snapshot(item) == SNAPSHOT
    order.refresh_from_db()
    assert _amounts(order) == AMOUNTS
    assert (order.status, order.items_count) == ("delivered", 2)


def test_deleting_a_sku_keeps_the_order_line(delivered_order):
    _order, item = delivered_order
    item.sku.delete()
    item.refresh_from_db()
    assert item.sku_id is None
    assert item.product_id is not None
    assert _snapshot(item) == SNAPSHOT


def test_deactivating_a_product_and_its_skus_keeps_everything(delivered_order):
    order, item = delivered_order
    Product.objects.filter(pk=item.product_id).update(is_active=False)
    SKU.objects.filter(product_id=item.product_id).update(is_active=False)

    item = OrderItem.objects.select_related("sku", "product").get(pk=item.pk)
    assert (item.product.is_active, item.sku.is_active) == (False, False)
    assert _snapshot(item) == SNAPSHOT
    order.refresh_from_db()
    assert _amounts(order) == AMOUNTS


def test_a_later_price_change_does_not_alter_the_order(delivered_order):
    order, item = delivered_order
    SKU.objects.filter(pk=item.sku_id).update(price=Decimal("3490.00"))
    Product.objects.filter(pk=item.product_id).update(price=Decimal("3490.00"), name="Linen Shirt II")
    item.refresh_from_db()
    order.refresh_from_db()
    assert _snapshot(item) == SNAPSHOT
    assert _amounts(order) == AMOUNTS


def test_deleting_the_customer_keeps_the_order(delivered_order):
    order, item = delivered_order
    order.user.delete()
    order.refresh_from_db()
    assert order.user_id is None
    assert _amounts(order) == AMOUNTS
    assert order.items.get() == item
