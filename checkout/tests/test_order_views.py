"""The customer's orders: the paged list, the order page, cancelling, paying, and nobody else's orders."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from accounts.tests.factories import AddressFactory, KGUserFactory, USUserFactory
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Cart, Order, SalesTaxRate
from checkout.orders import place_order
from checkout.payments import REFUND_REFUSED
from checkout.status import change_status
from checkout.tests.factories import OrderFactory, OrderItemFactory
from checkout.tests.stripe_fakes import us_card_order

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture(autouse=True)
def outbox(sms_outbox):
    return sms_outbox


def default_address(user):
    address = user.addresses.filter(is_default=True).first()
    if address:
        return address
    if user.market == "US":
        SalesTaxRate.objects.update_or_create(state="IL", defaults={"rate": Decimal("0.0625"), "taxes_shipping": False})
        return AddressFactory(
            user=user, street="Wacker Drive", building="233", city="Chicago", state="IL", postal_code="60606",
            is_default=True,
        )  # fmt: skip
    return AddressFactory(user=user, street="Chui Avenue", building="120", city="Bishkek", is_default=True)


def placed_order(user, *, quantity=1, stock=5, payment_method=None, notes=""):
    """An order placed through checkout (stock taken, history started): a Linen Shirt in M / Sand."""
    if user.market == "US":
        product = ProductFactory(name="Oxford Shirt", brand="Hudson Mill", market="US", price=Decimal("40"))
    else:
        product = ProductFactory(name="Linen Shirt", brand="Atelier Nord", market="KG", price=Decimal("2990"))
    sku = SKUFactory(product=product, size="M", color="Sand", stock=stock)
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": user.market})
    cart.items.create(sku=sku, quantity=quantity)
    method = payment_method or ("test" if user.market == "US" else "cash")
    order = place_order(user=user, address=default_address(user), payment_method=method, notes=notes).order
    return order, sku


def stock_of(sku):
    return SKU.objects.get(pk=sku.pk).stock


@pytest.fixture
def shopper(client, kg_shopper):
    client.force_login(kg_shopper)
    return kg_shopper


# --- the list ----------------------------------------------------------------------------------


def _orders_of(user, count):
    start = timezone.now() - timedelta(days=count)
    orders = []
    for i in range(count):
        order = OrderFactory(user=user)
        OrderItemFactory(order=order, quantity=2, price=Decimal("1495"), sku__product__price=Decimal("1495"))
        Order.objects.filter(pk=order.pk).update(created_at=start + timedelta(hours=i))
        orders.append(order)
    return orders[::-1]  # newest first


def listed_numbers(html):
    return re.findall(r">Order (MQ-[A-Z0-9]+)</a>", html)


def test_order_list_pages_ten_orders_at_a_time_newest_first(client, shopper):
    orders = _orders_of(shopper, 12)
    _orders_of(KGUserFactory(), 2)  # someone else's are never listed

    first = client.get("/kg/orders/").text
    second = client.get("/kg/orders/?page=2").text

    assert listed_numbers(first) == [o.order_number for o in orders[:10]]
    assert listed_numbers(second) == [o.order_number for o in orders[10:]]
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert "Page 2 of 2" in second and 'href="?page=1" rel="prev"' in second and 'rel="next"' not in second


def test_order_list_row_shows_number_date_units_total_and_status(client, shopper):
    (order,) = _orders_of(shopper, 1)
    html = client.get("/kg/orders/").text
    row = re.search(r'<ul[^>]*data-testid="order-list".*?</ul>', html, re.S).group(0)
    assert f'href="/kg/orders/{order.order_number}/"' in row
    assert "2 items" in row and "3 240 som" in row
    assert re.search(r'data-testid="order-status">Pending<', row)
    assert "Page 1 of" not in html  # one page: no pager


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("0", 2), ("99", 2), ("-1", 2)])
def test_odd_page_numbers_show_a_page_never_an_error(client, shopper, page, expected):
    orders = _orders_of(shopper, 11)
    response = client.get(f"/kg/orders/?page={page}")
    assert response.status_code == 200
    want = orders[:10] if expected == 1 else orders[10:]
    assert listed_numbers(response.text) == [o.order_number for o in want]


def test_empty_order_list_invites_shopping(client, shopper):
    html = client.get("/kg/orders/").text
    assert "You have not ordered anything yet." in html and 'href="/kg/' in html


def test_order_pages_need_sign_in(client):
    response = client.get("/kg/orders/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/kg/orders/"


# --- the order page ----------------------------------------------------------------------------


def test_order_page_shows_items_amounts_address_payment_and_timeline(client, shopper):
    order, _sku = placed_order(shopper, quantity=2, notes="Call at the gate")
    change_status(order=order, to="confirmed", notes="Checked by phone")

    response = client.get(f"/kg/orders/{order.order_number}/")
    html = response.text

    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert re.search(rf"<h1[^>]*>Order {order.order_number}</h1>", html)
    item = re.search(r'<li[^>]*data-testid="order-item".*?</li>', html, re.S).group(0)
    for text in ("Atelier Nord", "Linen Shirt", "Size: M", "Color: Sand", "2 990 som × 2", "5 980 som"):
        assert text in item, text
    amounts = re.search(r'aria-labelledby="amounts-heading".*?</section>', html, re.S).group(0)
    # 5 980 som ships free (over 5 000); the 12% VAT inside it is 640,71, shown as 641 som.
    assert re.search(r'data-testid="subtotal">5 980 som<', amounts)
    assert re.search(r'data-testid="shipping">Free<', amounts)
    assert "Including VAT 12%" in amounts and re.search(r'data-testid="tax">641 som<', amounts)
    assert re.search(r'data-testid="total">5 980 som<', amounts)
    assert "Payment: Cash on delivery" in amounts and re.search(r'data-testid="payment-status">Awaiting payment<', html)
    address = re.search(r'aria-labelledby="address-heading".*?</section>', html, re.S).group(0)
    for text in (shopper.full_name, "Chui Avenue, 120, Bishkek", shopper.phone, "Notes: Call at the gate"):
        assert text in address, text
    timeline = re.search(r'<ol[^>]*data-testid="status-timeline".*?</ol>', html, re.S).group(0)
    assert re.findall(r'<p class="font-medium">(\w+)</p>', timeline) == ["Pending", "Confirmed"]
    assert len(re.findall(r'<time datetime="\d{4}-\d\d-\d\dT', timeline)) == 2
    assert re.search(r'data-testid="order-status">Confirmed<', html)
    assert 'data-testid="cancel-order"' in html


def test_us_order_page_shows_sales_tax_and_the_pay_button_while_awaiting_payment(client, us_shopper):
    client.force_login(us_shopper)
    order, _sku = placed_order(us_shopper)
    html = client.get(f"/us/orders/{order.order_number}/").text

    assert "Waiting for your card payment." in html
    assert f'action="/us/orders/{order.order_number}/pay/"' in html and "Pay $50.45" in html
    assert "Sales tax 6.25%" in html and re.search(r'data-testid="tax">\$2.50<', html)
    assert "Test payment (no money moves)" in html


@pytest.mark.parametrize(
    ("moves", "cancellable"),
    [
        ((), True),
        (("confirmed",), True),
        (("confirmed", "shipped"), False),
        (("confirmed", "shipped", "delivered"), False),
        (("cancelled",), False),
    ],
    ids=["pending", "confirmed", "shipped", "delivered", "cancelled"],
)
def test_cancel_button_only_while_the_order_can_be_cancelled(client, shopper, moves, cancellable):
    order, _sku = placed_order(shopper)
    for status in moves:
        change_status(order=order, to=status)

    html = client.get(f"/kg/orders/{order.order_number}/").text

    assert ('data-testid="cancel-order"' in html) is cancellable
    assert (f'action="/kg/orders/{order.order_number}/cancel/"' in html) is cancellable


# --- cancelling --------------------------------------------------------------------------------


@pytest.mark.parametrize("moves", [(), ("confirmed",)], ids=["pending", "confirmed"])
def test_customer_cancels_stock_returns_and_they_are_told(
    client, shopper, outbox, django_capture_on_commit_callbacks, moves
):
    order, sku = placed_order(shopper, quantity=2, stock=5)
    for status in moves:
        change_status(order=order, to=status)
    assert stock_of(sku) == 3
    outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/kg/orders/{order.order_number}/cancel/")

    assert response.status_code == 302 and response["Location"] == f"/kg/orders/{order.order_number}/"
    assert messages_of(response) == [f"Order {order.order_number} is cancelled."]
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancelled_date is not None and order.stock_restored
    assert stock_of(sku) == 5
    last = order.status_history.last()
    assert (last.status, last.changed_by, last.notes) == ("cancelled", shopper, "Cancelled by the customer")
    assert Notification.objects.filter(user=shopper, title=f"Order {order.order_number} cancelled").count() == 1
    assert [(m.phone, "was cancelled" in m.text) for m in outbox] == [(shopper.phone, True)]

    page = client.get(response["Location"]).text
    assert re.search(r'data-testid="order-status">Cancelled<', page) and 'data-testid="cancel-order"' not in page


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        (("confirmed", "shipped"), "Order {n} can no longer be cancelled: it is shipped."),
        (("confirmed", "shipped", "delivered"), "Order {n} can no longer be cancelled: it is delivered."),
        (("cancelled",), "Order {n} is already cancelled."),
    ],
    ids=["shipped", "delivered", "cancelled"],
)
def test_cancel_is_refused_once_shipped_or_done(client, shopper, moves, message):
    order, sku = placed_order(shopper, quantity=2, stock=5)
    for status in moves:
        change_status(order=order, to=status)
    stock, history = stock_of(sku), order.status_history.count()
    notifications = Notification.objects.filter(user=shopper).count()

    response = client.post(f"/kg/orders/{order.order_number}/cancel/")

    assert response.status_code == 302 and response["Location"] == f"/kg/orders/{order.order_number}/"
    assert messages_of(response) == [message.format(n=order.order_number)]
    order.refresh_from_db()
    assert order.status == moves[-1]
    assert stock_of(sku) == stock and order.status_history.count() == history
    assert Notification.objects.filter(user=shopper).count() == notifications


def test_cancelling_a_paid_test_order_refunds_it(client, us_shopper, django_capture_on_commit_callbacks):
    client.force_login(us_shopper)
    order, sku = placed_order(us_shopper)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "pay"})
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("confirmed", "paid")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/us/orders/{order.order_number}/cancel/")

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "refunded")
    assert stock_of(sku) == 5


def test_cancel_is_post_only(client, shopper):
    order, _sku = placed_order(shopper)
    assert client.get(f"/kg/orders/{order.order_number}/cancel/").status_code == 405
    order.refresh_from_db()
    assert order.status == "pending"


# --- paying --------------------------------------------------------------------------------------


@pytest.fixture
def us_buyer(client, us_shopper):
    client.force_login(us_shopper)
    return us_shopper


def test_pay_sends_an_unpaid_test_order_to_the_test_payment_page(client, us_buyer):
    order, _sku = placed_order(us_buyer)
    response = client.post(f"/us/orders/{order.order_number}/pay/")
    assert response.status_code == 302 and response["Location"] == f"/us/orders/{order.order_number}/pay/test/"


def test_pay_for_an_order_not_waiting_for_payment_says_so(client, shopper):
    order, _sku = placed_order(shopper)
    response = client.post(f"/kg/orders/{order.order_number}/pay/")
    assert response["Location"] == f"/kg/orders/{order.order_number}/"
    assert messages_of(response) == ["This order is not waiting for a payment."]


def test_test_payment_paid_shows_the_confirmation(client, us_buyer, django_capture_on_commit_callbacks):
    order, sku = placed_order(us_buyer)
    page = client.get(f"/us/orders/{order.order_number}/pay/test/").text
    assert "Test mode" in page and "Decline the payment (test)" in page and "Pay $50.45 (test)" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "pay"})

    assert response["Location"] == f"/us/orders/{order.order_number}/paid/"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("confirmed", "paid") and stock_of(sku) == 4
    paid = client.get(response["Location"]).text
    assert "Thank you, your payment went through" in paid and 'hx-trigger="every 2s"' not in paid
    # Paid: the test payment page no longer offers to pay, it sends the shopper to the order.
    again = client.get(f"/us/orders/{order.order_number}/pay/test/")
    assert again.status_code == 302 and again["Location"] == f"/us/orders/{order.order_number}/"


def test_test_payment_declined_cancels_and_returns_the_stock(client, us_buyer, django_capture_on_commit_callbacks):
    order, sku = placed_order(us_buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "decline"})

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "failed") and stock_of(sku) == 5
    assert "The payment did not go through" in client.get(response["Location"]).text


def test_paying_twice_is_refused_with_a_message(client, us_buyer):
    order, _sku = placed_order(us_buyer)
    client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "pay"})
    response = client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "pay"})
    assert response["Location"] == f"/us/orders/{order.order_number}/paid/"
    assert messages_of(response) == ["This order is not waiting for a payment."]


def test_payment_status_partial_polls_until_the_payment_is_known(client, us_buyer):
    order, _sku = placed_order(us_buyer)
    url = f"/us/orders/{order.order_number}/payment-status/"

    waiting = client.get(url, headers={"HX-Request": "true"}).text
    assert waiting.strip().startswith('<div id="payment-status"') and "<html" not in waiting
    assert f'hx-get="{url}"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert "Confirming your payment" in waiting

    client.post(f"/us/orders/{order.order_number}/pay/test/", {"outcome": "pay"})
    paid = client.get(url, headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in paid and "Thank you, your payment went through" in paid
    assert paid.strip().startswith('<div id="payment-status"')


# --- nobody else's orders ------------------------------------------------------------------------

# (path, the methods the page answers): any other method is a 405 whoever owns the order.
ORDER_PAGES = [
    ("", {"GET"}),
    ("confirmation/", {"GET"}),
    ("cancel/", {"POST"}),
    ("cancel/confirm/", {"GET"}),
    ("pay/", {"POST"}),
    ("pay/test/", {"GET", "POST"}),
    ("paid/", {"GET"}),
    ("payment-status/", {"GET"}),
]


def _snapshot(order, sku):
    order.refresh_from_db()
    return (
        order.status,
        order.payment_status,
        order.updated_at,
        order.status_history.count(),
        stock_of(sku),
        Notification.objects.filter(user=order.user).count(),
    )


@pytest.fixture(params=["kg-shopper", "us-shopper", "superuser"])
def victim_and_intruder(request, admin_user):
    """An order awaiting something the intruder could change (cancel; for US also pay), and the intruder."""
    if request.param == "us-shopper":
        owner, intruder = USUserFactory(), USUserFactory()
    else:
        owner = KGUserFactory()
        intruder = admin_user if request.param == "superuser" else KGUserFactory()
    order, sku = placed_order(owner)
    return order, sku, intruder


@pytest.mark.parametrize(("path", "allowed"), ORDER_PAGES, ids=[p or "detail" for p, _ in ORDER_PAGES])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_users_order_is_a_404_and_nothing_changes(
    client, victim_and_intruder, path, allowed, method, django_capture_on_commit_callbacks
):
    order, sku, intruder = victim_and_intruder
    prefix = f"/{order.market.lower()}/orders/"
    client.force_login(intruder)
    before = _snapshot(order, sku)
    send = client.get if method == "GET" else client.post
    data = {"outcome": "pay"} if method == "POST" else {}

    with django_capture_on_commit_callbacks(execute=True):
        theirs = send(f"{prefix}{order.order_number}/{path}", data)
        missing = send(f"{prefix}MQ-NOSUCH00/{path}", data)

    expected = 404 if method in allowed else 405
    assert theirs.status_code == missing.status_code == expected
    assert order.order_number not in theirs.text
    assert _snapshot(order, sku) == before


@pytest.mark.parametrize("path", ["", "paid/", "payment-status/", "pay/test/"])
def test_the_owner_reaches_the_same_pages(client, path):
    owner = USUserFactory()
    order, _sku = placed_order(owner)
    client.force_login(owner)
    assert client.get(f"/us/orders/{order.order_number}/{path}").status_code == 200


@pytest.mark.parametrize(("path", "allowed"), ORDER_PAGES, ids=[p or "detail" for p, _ in ORDER_PAGES])
def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(client, path, allowed):
    order, sku = placed_order(USUserFactory())
    before = _snapshot(order, sku)
    method = sorted(allowed)[0]
    url = f"/us/orders/{order.order_number}/{path}"

    response = client.get(url) if method == "GET" else client.post(url, {"outcome": "pay"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert _snapshot(order, sku) == before


@pytest.mark.parametrize("number", ["%00", "MQ-%00ABC", "MQ 1", "%F0%9F%91%80"])
@pytest.mark.parametrize("page", ["", "cancel/", "pay/", "pay/test/", "paid/", "payment-status/"])
def test_an_order_number_that_cannot_exist_is_a_404_never_an_error(client, shopper, number, page):
    response = client.get(f"/kg/orders/{number}/{page}")
    assert response.status_code == 404


def test_an_order_without_a_name_shows_the_phone_once_in_its_delivery_address(client, shopper):
    shopper.full_name = ""
    shopper.save()
    AddressFactory(user=shopper, title="", street="Chui Avenue", building="120", city="Bishkek", is_default=True)
    order, _sku = placed_order(shopper)
    assert order.customer_name == shopper.phone  # no name, no address title: the phone stands in

    page = client.get(f"/kg/orders/{order.order_number}/").text
    section = page.split('id="address-heading"')[1].split("</section>")[0]

    assert section.count(shopper.phone) == 1


def test_the_order_page_names_what_was_bought_in_the_shoppers_language(client):
    shopper = KGUserFactory(language="ru")  # a signed-in shopper reads their own language
    product = ProductFactory(name="Wool Scarf", name_ru="Шерстяной шарф", market="KG")
    sku = SKUFactory(product=product, size="One size", size_ru="Единый размер", color="Black", color_ru="Черный")
    renamed = ProductFactory(name="Linen Shirt (new)", name_ru="Льняная рубашка", market="KG")
    order = OrderFactory(user=shopper)
    OrderItemFactory(order=order, product=product, sku=sku, product_name="Wool Scarf", size="One size", color="Black")
    OrderItemFactory(order=order, sku=SKUFactory(product=renamed, size="", color=""), product_name="Linen Shirt")
    client.force_login(shopper)

    text = " ".join(client.get(f"/kg/orders/{order.order_number}/").text.split())

    assert "Шерстяной шарф" in text and "Размер: Единый размер · Цвет: Черный" in text
    # A product renamed since the order keeps the name it was bought under.
    assert "Linen Shirt" in text and "Льняная рубашка" not in text


# --- where a cancelled payment's refund stands ---------------------------------------------------


def refund_notice(client, order):
    client.force_login(order.user)
    client.get(f"/us/orders/{order.order_number}/")  # warm the caches, as a running shop has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/us/orders/{order.order_number}/")
    assert response.status_code == 200
    assert len(queries) <= 10  # the order page's 9, and one for a refund still to make
    found = re.search(r'data-testid="refund-state">\s*<p>(.*?)</p>', response.content.decode(), re.S)
    return found.group(1) if found else None


def test_a_cancelled_card_payment_tells_the_shopper_where_its_refund_stands(client):
    order = us_card_order(status="cancelled", payment_status="paid", payment_reference="pi_back")
    assert "on its way back to your card" in refund_notice(client, order)

    order.payment_events.create(event_id="refund-refused-x", type=REFUND_REFUSED, outcome="Disputed")
    assert "could not be refunded automatically" in refund_notice(client, order)

    Order.objects.filter(pk=order.pk).update(payment_status="refunded")
    assert refund_notice(client, order).startswith("Your payment was refunded to your card.")


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "confirmed", "payment_status": "paid"},
        {"status": "cancelled", "payment_status": "pending"},
        {"status": "cancelled", "payment_status": "paid", "payment_method": "cash"},
        {"status": "cancelled", "payment_status": "refunded", "payment_method": "test"},
    ],
    ids=["not-cancelled", "never-paid", "cash", "test-payment"],
)
def test_no_refund_is_spoken_of_where_there_is_none(client, fields):
    assert refund_notice(client, us_card_order(**fields)) is None
