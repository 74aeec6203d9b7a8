"""Fifty shoppers racing for a code with ten uses left: ten orders carry it, forty hear it is used up,
and it is never used more than its limit (PostgreSQL in parallel; SQLite one after another)."""

from decimal import Decimal

import pytest

from checkout.models import Cart, Order
from checkout.orders import CheckoutError
from checkout.status import change_status
from checkout.tests.test_races import a_sku, checkout, run_at_once, shopper
from promotions.models import DiscountCode
from promotions.tests.factories import DiscountCodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_fifty_shoppers_race_for_ten_uses_of_a_code_exactly_ten_get_it():
    code = DiscountCodeFactory(code="TEN", percent=10, usage_limit=10)
    sku = a_sku(stock=100)
    shoppers = [shopper((sku, 1)) for _ in range(50)]
    Cart.objects.update(discount_code=code)

    outcomes = run_at_once([checkout(user, address) for user, address in shoppers])

    placed = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, CheckoutError)]
    assert [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, CheckoutError)] == []
    assert len(placed) == 10 and len(refused) == 40
    assert {error.code for error in refused} == {"discount_code_limit_reached"}
    assert all("TEN" in error.message for error in refused)
    assert DiscountCode.objects.get(pk=code.pk).times_used == 10
    orders = Order.objects.filter(discount_code=code)
    assert orders.count() == 10 == Order.objects.count()
    assert set(orders.values_list("discount", flat=True)) == {Decimal("300.00")}
    assert set(orders.values_list("discount_code_text", flat=True)) == {"TEN"}


def test_a_cancelled_order_gives_its_use_back_once():
    code = DiscountCodeFactory(code="ONE", percent=10, usage_limit=1)
    sku = a_sku(stock=5)
    user, address = shopper((sku, 1))
    Cart.objects.update(discount_code=code)
    order = checkout(user, address)().order
    assert DiscountCode.objects.get(pk=code.pk).times_used == 1

    change_status(order=order, to=Order.Status.CANCELLED, notes="Changed my mind")
    order.refresh_from_db()
    from checkout.status import restore_stock

    restore_stock(order)  # a second attempt gives nothing back

    assert DiscountCode.objects.get(pk=code.pk).times_used == 0
