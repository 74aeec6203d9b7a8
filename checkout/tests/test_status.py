"""The status workflow: allowed and refused moves, dates and history, stock returned once, refunds, notices."""

from decimal import Decimal

import pytest

from accounts.models import Notification
from accounts.tests.factories import AddressFactory, KGUserFactory, StaffFactory, USUserFactory
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout import payments
from checkout.models import Order, OrderStatusHistory
from checkout.orders import place_order
from checkout.status import StatusChangeRefused, change_status, next_statuses, restore_stock
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

Status = Order.Status
DATES = ("confirmed_date", "shipped_date", "delivered_date", "cancelled_date")


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def skus():
    """Two KG SKUs with 5 units each."""
    return [SKUFactory(product=ProductFactory(price=Decimal("2000")), price=Decimal("2000"), stock=5) for _ in range(2)]


def placed_order(*lines, market="KG"):
    """An order placed through checkout: (sku, quantity) lines, cash in KG, the test payment in US."""
    user = KGUserFactory() if market == "KG" else USUserFactory()
    if market == "KG":
        address = AddressFactory(user=user, city="Bishkek")
    else:
        address = AddressFactory(user=user, city="Austin", state="TX", postal_code="73301")
    cart = CartFactory(user=user)
    for sku, quantity in lines:
        CartItemFactory(cart=cart, sku=sku, quantity=quantity)
    method = "cash" if market == "KG" else "test"
    return place_order(user=user, address=address, payment_method=method).order


def us_order():
    sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("40")), price=Decimal("40"), stock=5)
    return placed_order((sku, 2), market="US"), sku


def stock(sku):
    return SKU.objects.get(pk=sku.pk).stock


def state_of(order):
    """Everything a refused move must leave alone."""
    fresh = Order.objects.get(pk=order.pk)
    return {
        "status": fresh.status,
        "dates": [getattr(fresh, name) for name in DATES],
        "stock_restored": fresh.stock_restored,
        "payment_status": fresh.payment_status,
        "updated_at": fresh.updated_at,
        "history": list(fresh.status_history.values_list("pk", flat=True)),
        "notifications": Notification.objects.count(),
        "stock": dict(SKU.objects.values_list("pk", "stock")),
    }


def move(order, *statuses, by=None):
    for status in statuses:
        order = change_status(order=order, to=status, by=by)
    return order


# --- the allowed path ---------------------------------------------------------------------------


def test_an_order_goes_pending_confirmed_shipped_delivered_with_dates_and_history(skus, staff):
    order = placed_order((skus[0], 2))
    assert next_statuses(order) == (Status.CONFIRMED, Status.CANCELLED)

    confirmed = change_status(order=order, to="confirmed", by=staff, notes="  Called the customer  ")
    assert confirmed.status == Status.CONFIRMED
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == Status.CONFIRMED and fresh.confirmed_date is not None
    assert (fresh.shipped_date, fresh.delivered_date, fresh.cancelled_date) == (None, None, None)

    shipped = change_status(order=fresh, to=Status.SHIPPED, by=staff, notes="DHL 123")
    assert next_statuses(shipped) == (Status.DELIVERED,)
    delivered = change_status(order=shipped, to=Status.DELIVERED)
    assert next_statuses(delivered) == ()

    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == Status.DELIVERED and fresh.cancelled_date is None
    assert fresh.confirmed_date <= fresh.shipped_date <= fresh.delivered_date
    history = list(fresh.status_history.values_list("status", "changed_by", "notes"))
    assert history == [
        (Status.PENDING, order.user_id, "Order placed"),
        (Status.CONFIRMED, staff.pk, "Called the customer"),
        (Status.SHIPPED, staff.pk, "DHL 123"),
        (Status.DELIVERED, None, ""),
    ]
    # Nothing came back on the shelf along the way.
    assert stock(skus[0]) == 3 and not fresh.stock_restored


@pytest.mark.parametrize("path", [(), (Status.CONFIRMED,)], ids=["from-pending", "from-confirmed"])
def test_cancelling_returns_the_stock_and_records_who(skus, staff, path):
    order = move(placed_order((skus[0], 2), (skus[1], 3)), *path, by=staff)
    assert (stock(skus[0]), stock(skus[1])) == (3, 2)

    cancelled = change_status(order=order, to=Status.CANCELLED, by=order.user, notes="Changed my mind")

    assert cancelled.status == Status.CANCELLED
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.cancelled_date is not None and fresh.stock_restored
    assert (stock(skus[0]), stock(skus[1])) == (5, 5)
    last = fresh.status_history.last()
    assert (last.status, last.changed_by, last.notes) == (Status.CANCELLED, order.user, "Changed my mind")


# --- refused moves ------------------------------------------------------------------------------


CONFIRMED = (Status.CONFIRMED,)
SHIPPED = (Status.CONFIRMED, Status.SHIPPED)
DELIVERED = (Status.CONFIRMED, Status.SHIPPED, Status.DELIVERED)
CANCELLED = (Status.CANCELLED,)


@pytest.mark.parametrize(
    ("path", "to", "message"),
    [
        (DELIVERED, Status.CANCELLED, "can no longer be cancelled: it is delivered"),
        (SHIPPED, Status.CANCELLED, "can no longer be cancelled: it is shipped"),
        ((), Status.SHIPPED, "cannot go from pending to shipped"),
        ((), Status.DELIVERED, "cannot go from pending to delivered"),
        (CONFIRMED, Status.DELIVERED, "cannot go from confirmed to delivered"),
        (CONFIRMED, Status.PENDING, "cannot go from confirmed to pending"),
        (SHIPPED, Status.CONFIRMED, "cannot go from shipped to confirmed"),
        (DELIVERED, Status.SHIPPED, "cannot go from delivered to shipped"),
        ((), Status.PENDING, "is already pending"),
        (CONFIRMED, Status.CONFIRMED, "is already confirmed"),
        (SHIPPED, Status.SHIPPED, "is already shipped"),
        (DELIVERED, Status.DELIVERED, "is already delivered"),
        (CANCELLED, Status.CANCELLED, "is already cancelled"),
        (CANCELLED, Status.CONFIRMED, "cannot go from cancelled to confirmed"),
        (CANCELLED, Status.PENDING, "cannot go from cancelled to pending"),
    ],
)
def test_a_refused_move_says_why_and_changes_nothing(skus, staff, path, to, message):
    order = move(placed_order((skus[0], 2)), *path, by=staff)
    before = state_of(order)

    with pytest.raises(StatusChangeRefused) as refused:
        change_status(order=order, to=to, by=staff, notes="try")

    assert refused.value.message == str(refused.value)
    assert refused.value.message.startswith(f"Order {order.order_number} ")
    assert message in refused.value.message
    assert state_of(order) == before


def test_a_stale_copy_cannot_move_an_order_past_the_workflow(skus, staff):
    """The check reads the locked row, not the caller's copy."""
    order = placed_order((skus[0], 1))
    stale = Order.objects.get(pk=order.pk)
    move(order, Status.CONFIRMED, Status.SHIPPED, by=staff)
    assert stale.status == Status.PENDING
    with pytest.raises(StatusChangeRefused, match="can no longer be cancelled: it is shipped"):
        change_status(order=stale, to=Status.CANCELLED, by=stale.user)
    assert Order.objects.get(pk=order.pk).status == Status.SHIPPED and stock(skus[0]) == 4


def test_an_unknown_status_is_an_error_not_a_move(skus):
    order = placed_order((skus[0], 1))
    before = state_of(order)
    with pytest.raises(ValueError):
        change_status(order=order, to="lost")
    assert state_of(order) == before


# --- stock returns exactly once -----------------------------------------------------------------


def test_cancelling_twice_is_refused_and_the_stock_returns_once(skus):
    order = placed_order((skus[0], 2))
    change_status(order=order, to=Status.CANCELLED)
    assert stock(skus[0]) == 5
    with pytest.raises(StatusChangeRefused, match="is already cancelled"):
        change_status(order=order, to=Status.CANCELLED)
    assert stock(skus[0]) == 5
    assert OrderStatusHistory.objects.filter(order=order, status=Status.CANCELLED).count() == 1


def test_restore_stock_twice_returns_the_units_once(skus):
    order = placed_order((skus[0], 2), (skus[1], 1))
    assert restore_stock(order) is True
    assert (stock(skus[0]), stock(skus[1])) == (5, 5)
    assert restore_stock(order) is False
    assert restore_stock(Order.objects.get(pk=order.pk)) is False
    assert (stock(skus[0]), stock(skus[1])) == (5, 5)


def test_restore_stock_with_a_copy_read_before_the_first_restore_returns_the_units_once(skus):
    order = placed_order((skus[0], 2))
    earlier_copy = Order.objects.get(pk=order.pk)
    assert restore_stock(order) is True
    assert restore_stock(earlier_copy) is False
    assert stock(skus[0]) == 5


def test_restore_stock_sums_lines_of_one_sku_and_skips_deleted_skus(skus):
    order = OrderFactory()
    OrderItemFactory(order=order, sku=skus[0], quantity=2)
    OrderItemFactory(order=order, sku=skus[0], quantity=1)
    gone = OrderItemFactory(order=order, sku=skus[1], quantity=4)
    skus[1].delete()
    gone.refresh_from_db()
    assert gone.sku_id is None

    assert restore_stock(order) is True
    assert stock(skus[0]) == 8


def test_a_cancelled_order_of_a_deleted_account_still_returns_its_stock(skus):
    order = placed_order((skus[0], 2))
    order.user.delete()
    order.refresh_from_db()
    assert order.user is None
    notices = Notification.objects.count()

    change_status(order=order, to=Status.CANCELLED)

    assert stock(skus[0]) == 5
    assert Notification.objects.count() == notices  # nobody to tell


# --- online payments ----------------------------------------------------------------------------


def test_a_test_payment_order_awaiting_payment_cannot_be_confirmed_but_can_be_cancelled(staff):
    order, sku = us_order()
    assert order.awaiting_online_payment
    before = state_of(order)

    with pytest.raises(StatusChangeRefused) as refused:
        change_status(order=order, to=Status.CONFIRMED, by=staff)

    assert refused.value.message == f"Order {order.order_number} is waiting for its card payment."
    assert state_of(order) == before

    change_status(order=order, to=Status.CANCELLED, by=staff)
    assert stock(sku) == 5


def test_a_card_order_awaiting_payment_cannot_be_confirmed(staff):
    order = OrderFactory(payment_method="card", market="US", user=USUserFactory(), currency="USD")
    with pytest.raises(StatusChangeRefused, match="waiting for its card payment"):
        change_status(order=order, to=Status.CONFIRMED, by=staff)
    assert Order.objects.get(pk=order.pk).status == Status.PENDING


def test_a_paid_test_order_is_confirmed_and_refunded_after_it_is_cancelled(
    staff, sms_outbox, django_capture_on_commit_callbacks
):
    order, sku = us_order()
    with django_capture_on_commit_callbacks(execute=True):
        assert payments.pay_with_test_method(order, succeed=True) == "paid"
    paid = Order.objects.get(pk=order.pk)
    assert paid.status == Status.CONFIRMED and paid.payment_status == Order.PaymentStatus.PAID
    assert paid.status_history.last().notes == "Payment received"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_status(order=paid, to=Status.CANCELLED, by=staff, notes="Out of stock at the warehouse")
    # The refund waits for the commit: a rolled-back cancellation refunds nothing.
    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.PAID
    for callback in callbacks:
        callback()

    refunded = Order.objects.get(pk=order.pk)
    assert refunded.status == Status.CANCELLED
    assert refunded.payment_status == Order.PaymentStatus.REFUNDED
    assert stock(sku) == 5


def test_an_unpaid_cancelled_order_stays_unpaid(django_capture_on_commit_callbacks):
    order, _sku = us_order()
    with django_capture_on_commit_callbacks(execute=True):
        change_status(order=order, to=Status.CANCELLED)
    assert Order.objects.get(pk=order.pk).payment_status == Order.PaymentStatus.PENDING


# --- telling the customer -----------------------------------------------------------------------


@pytest.mark.parametrize("to", [Status.CONFIRMED, Status.CANCELLED])
def test_each_change_notifies_the_customer_in_app_and_by_sms_after_commit(
    skus, staff, sms_outbox, django_capture_on_commit_callbacks, to
):
    with django_capture_on_commit_callbacks(execute=True):
        order = placed_order((skus[0], 1))
    sms_outbox.clear()
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_status(order=order, to=to, by=staff)
    notification = Notification.objects.get()
    assert notification.user == order.user and notification.type == Notification.Type.ORDER
    assert order.order_number in notification.title
    assert sms_outbox == []  # the text goes once the change is committed

    for callback in callbacks:
        callback()
    assert [(message.phone, message.market) for message in sms_outbox] == [(order.customer_phone, "KG")]
    assert order.order_number in sms_outbox[0].text


def test_the_whole_journey_texts_once_per_status(skus, staff, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = placed_order((skus[0], 1))
        move(order, Status.CONFIRMED, Status.SHIPPED, Status.DELIVERED, by=staff)
    assert len(sms_outbox) == 4
    assert Notification.objects.filter(user=order.user, type=Notification.Type.ORDER).count() == 4
    titles = set(Notification.objects.filter(user=order.user).values_list("title", flat=True))
    assert len(titles) == 4


def test_a_refused_change_tells_nobody(skus, sms_outbox, django_capture_on_commit_callbacks):
    order = move(placed_order((skus[0], 1)), Status.CONFIRMED, Status.SHIPPED)
    notices = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(StatusChangeRefused):
        change_status(order=order, to=Status.CANCELLED)
    assert callbacks == [] and sms_outbox == []
    assert Notification.objects.count() == notices
