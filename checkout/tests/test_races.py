"""Checkouts and cancellations arriving at the same time: stock is never oversold, nothing deadlocks.

Each checkout runs in its own thread with its own connection and real transactions, all released
together by a barrier. On SQLite, whose writers take turns, the same checkouts run one after another
in the test's thread (the rules are the same; the parallel run needs PostgreSQL, which CI uses).
"""

import fcntl
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import CartItem, Order, OrderItem
from checkout.orders import CheckoutError, SoldOut, place_order
from checkout.status import StatusChangeRefused, change_status
from checkout.tests.factories import CartFactory, CartItemFactory

# serialized_rollback keeps the rows migrations create (exchange rates, tax rates) for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BARRIER_TIMEOUT = 20


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    settings.STRIPE_SECRET_KEY = ""


def parallel():
    return connection.vendor == "postgresql"


# PostgreSQL allows 100 connections; one crowd of 50 threads at a time on this machine (also across
# xdist workers and parallel runs) keeps two crowds from running the server out of them.
CROWD_LOCK = Path(tempfile.gettempdir()) / "marque-checkout-races.lock"


def _connect():
    """Open this thread's connection before the start line; wait a little if the server is full."""
    for attempt in range(40):
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            if attempt == 39:
                raise
            time.sleep(0.25)


def run_at_once(jobs):
    """Run every job (a no-argument callable) at once on PostgreSQL, one by one on SQLite.

    Returns each job's outcome in order: its return value, or the exception it raised.
    """
    if not parallel():
        outcomes = []
        for job in jobs:
            try:
                outcomes.append(job())
            except Exception as error:
                outcomes.append(error)
        return outcomes

    start = threading.Barrier(len(jobs))

    def attempt(job):
        try:
            try:
                _connect()
            finally:
                # Even a thread that could not connect reaches the start line, so nobody waits for it.
                start.wait(timeout=BARRIER_TIMEOUT)
            return job()
        except Exception as error:
            return error
        finally:
            connection.close()

    with CROWD_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                return list(pool.map(attempt, jobs))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shopper(*lines):
    """A KG shopper with an address and a cart of (sku, quantity) lines, in that order."""
    user = KGUserFactory()
    address = AddressFactory(user=user, city="Bishkek")
    cart = CartFactory(user=user)
    for sku, quantity in lines:
        CartItemFactory(cart=cart, sku=sku, quantity=quantity)
    return user, address


def checkout(user, address, key=None):
    def job():
        return place_order(user=user, address=address, payment_method="cash", checkout_key=key)

    return job


def cancel(order):
    def job():
        return change_status(order=order, to=Order.Status.CANCELLED, notes="Cancelled by the customer")

    return job


def a_sku(stock, name="Merino Sweater"):
    return SKUFactory(product=ProductFactory(name=name, price=Decimal("3000")), price=Decimal("3000"), stock=stock)


def stock_of(sku):
    return SKU.objects.get(pk=sku.pk).stock


def unexpected(outcomes, *allowed):
    """Outcomes that are neither a placement/order nor one of the `allowed` refusals."""
    return [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, allowed)]


def sold_units(sku):
    """Units of `sku` in orders still standing."""
    lines = OrderItem.objects.filter(sku=sku).exclude(order__status=Order.Status.CANCELLED)
    return sum(lines.values_list("quantity", flat=True))


# --- the last units -----------------------------------------------------------------------------


def test_fifty_shoppers_race_for_the_last_unit_one_gets_it():
    sku = a_sku(stock=1)
    shoppers = [shopper((sku, 1)) for _ in range(50)]

    outcomes = run_at_once([checkout(user, address) for user, address in shoppers])

    assert unexpected(outcomes, SoldOut) == []
    placed = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, SoldOut)]
    assert len(placed) == 1 and len(refused) == 49
    assert placed[0].created and Order.objects.count() == 1
    assert {error.message for error in refused} == {
        f"Sorry, {sku} has just sold out. Remove it from your cart to continue."
    }
    assert stock_of(sku) == 0
    winner = placed[0].order.user
    # The winner's cart is empty; every other cart still holds its line.
    assert CartItem.objects.filter(cart__user=winner).count() == 0
    assert CartItem.objects.filter(sku=sku).count() == 49


def test_fifty_shoppers_race_for_ten_units_ten_get_one_each():
    sku = a_sku(stock=10)
    shoppers = [shopper((sku, 1)) for _ in range(50)]

    outcomes = run_at_once([checkout(user, address) for user, address in shoppers])

    assert unexpected(outcomes, SoldOut) == []
    placed = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(placed) == 10 and Order.objects.count() == 10
    assert len({p.order.user_id for p in placed}) == 10
    assert sum(isinstance(o, SoldOut) for o in outcomes) == 40
    assert stock_of(sku) == 0 and sold_units(sku) == 10


def test_shoppers_wanting_several_units_never_oversell():
    sku = a_sku(stock=7)
    wanted = [1, 2, 3] * 6
    outcomes = run_at_once([checkout(*shopper((sku, n))) for n in wanted])

    assert unexpected(outcomes, SoldOut) == []
    placed = [o for o in outcomes if not isinstance(o, BaseException)]
    assert stock_of(sku) == 7 - sold_units(sku) >= 0
    assert sum(p.order.items.get().quantity for p in placed) == sold_units(sku)
    # What is left cannot serve any refused shopper (each was refused for lack of stock).
    refused_wants = [n for n, o in zip(wanted, outcomes, strict=True) if isinstance(o, SoldOut)]
    assert all(n > stock_of(sku) for n in refused_wants)
    assert placed and len(placed) + len(refused_wants) == len(wanted)


# --- lock order ---------------------------------------------------------------------------------


def test_two_skus_bought_in_opposite_orders_do_not_deadlock():
    first, second = a_sku(stock=20, name="Jacket"), a_sku(stock=20, name="Trousers")
    shoppers = [shopper((first, 1), (second, 2)) if n % 2 else shopper((second, 2), (first, 1)) for n in range(8)]
    # The cart lines really are in opposite orders.
    orders_of_lines = {
        tuple(CartItem.objects.filter(cart__user=user).values_list("sku_id", flat=True)) for user, _ in shoppers
    }
    assert orders_of_lines == {(first.pk, second.pk), (second.pk, first.pk)}

    outcomes = run_at_once([checkout(user, address) for user, address in shoppers])

    assert unexpected(outcomes) == []
    assert Order.objects.count() == 8
    assert (stock_of(first), stock_of(second)) == (12, 4)


# --- the same checkout submitted again ----------------------------------------------------------


def test_the_same_checkout_submitted_five_times_at_once_places_one_order():
    sku = a_sku(stock=10)
    user, address = shopper((sku, 3))

    outcomes = run_at_once([checkout(user, address, key="double-click-key-01") for _ in range(5)])

    assert unexpected(outcomes) == []
    assert [o.created for o in outcomes].count(True) == 1
    assert {o.order.pk for o in outcomes} == {Order.objects.get(user=user).pk}
    assert stock_of(sku) == 7
    assert Order.objects.get(user=user).items.get().quantity == 3


def test_the_same_cart_submitted_without_a_key_is_placed_once_the_rest_find_it_empty():
    sku = a_sku(stock=10)
    user, address = shopper((sku, 2))

    outcomes = run_at_once([checkout(user, address) for _ in range(5)])

    assert unexpected(outcomes, CheckoutError) == []
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(o.code == "empty_cart" for o in outcomes if isinstance(o, BaseException))
    assert stock_of(sku) == 8 and Order.objects.filter(user=user).count() == 1


# --- cancellations ------------------------------------------------------------------------------


def test_one_order_cancelled_five_times_at_once_returns_its_stock_once():
    sku = a_sku(stock=5)
    user, address = shopper((sku, 3))
    order = place_order(user=user, address=address, payment_method="cash").order
    assert stock_of(sku) == 2

    outcomes = run_at_once([cancel(order) for _ in range(5)])

    assert unexpected(outcomes, StatusChangeRefused) == []
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all("already cancelled" in o.message for o in outcomes if isinstance(o, StatusChangeRefused))
    assert stock_of(sku) == 5
    assert Order.objects.get(pk=order.pk).status_history.filter(status=Order.Status.CANCELLED).count() == 1


def test_cancellations_racing_checkouts_keep_every_unit_accounted_for():
    """Four orders are cancelled while eight shoppers buy the same two SKUs, lines in the opposite order."""
    jacket, trousers = a_sku(stock=5, name="Jacket"), a_sku(stock=5, name="Trousers")
    earlier = []
    for _ in range(4):
        user, address = shopper((jacket, 1), (trousers, 1))
        earlier.append(place_order(user=user, address=address, payment_method="cash").order)
    assert (stock_of(jacket), stock_of(trousers)) == (1, 1)
    buyers = [shopper((trousers, 1), (jacket, 1)) for _ in range(8)]

    # Interleaved, so the one-by-one run on SQLite also mixes them: cancel, buy, cancel, buy…
    jobs = []
    for n in range(8):
        if n < 4:
            jobs.append(cancel(earlier[n]))
        jobs.append(checkout(*buyers[n]))
    outcomes = run_at_once(jobs)

    assert unexpected(outcomes, SoldOut) == []
    cancelled = [o for o in outcomes if isinstance(o, Order)]
    placed = [o for o in outcomes if not isinstance(o, BaseException | Order)]
    assert len(cancelled) == 4 and all(o.status == Order.Status.CANCELLED for o in cancelled)
    # At least the unit on the shelf from the start is sold; at most it and the four returned ones.
    assert 1 <= len(placed) <= 5
    assert len(placed) + sum(isinstance(o, SoldOut) for o in outcomes) == 8
    for sku in (jacket, trousers):
        assert stock_of(sku) == 5 - sold_units(sku) >= 0
        assert sold_units(sku) == len(placed)
    assert Order.objects.filter(stock_restored=True).count() == 4
    if not parallel():
        assert len(placed) == 5  # one by one: each cancellation frees a unit the next buyer takes
