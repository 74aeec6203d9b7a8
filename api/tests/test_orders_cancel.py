"""orders/{number}/cancel: the web's rules (checkout.status.change_status), only the caller's own orders."""

import pytest

from accounts.tests.factories import KGUserFactory
from api.tests.conftest import authed, error_code
from catalog.tests.factories import SKUFactory
from checkout.models import Order
from checkout.status import change_status
from checkout.tests.factories import OrderFactory, OrderItemFactory
from storefront import sms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    sms.outbox.clear()


def cancel_url(order):
    return f"/api/v1/orders/{order.order_number}/cancel"


@pytest.fixture
def order(kg_shopper):
    """A pending cash order of 2 units of a SKU with 3 left on the shelf."""
    placed = OrderFactory(user=kg_shopper)
    OrderItemFactory(order=placed, sku=SKUFactory(stock=3), quantity=2)
    return placed


def test_cancelling_needs_a_token(api_client, order):
    assert api_client.post(cancel_url(order)).status_code == 401


def test_a_pending_order_is_cancelled_as_on_the_web(api, kg_shopper, order):
    response = api.post(cancel_url(order))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["can_cancel"] is False
    assert body["timeline"][-1]["status"] == "cancelled"
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.stock_restored
    change = order.status_history.get(status=Order.Status.CANCELLED)
    assert change.changed_by == kg_shopper
    assert order.items.get().sku.stock == 5  # the 2 units are back on the shelf
    assert body["refund"] is None  # a cash order: nothing was paid


def test_a_cancelled_card_order_says_where_its_refund_stands(settings):
    from checkout.payments import REFUND_REFUSED
    from checkout.tests.stripe_fakes import us_card_order

    settings.STRIPE_SECRET_KEY = ""
    order = us_card_order(status="cancelled", payment_status="paid", payment_reference="pi_back")
    client = authed(order.user)
    url = f"/api/v1/orders/{order.order_number}"
    assert client.get(url).json()["refund"] == "pending"
    order.payment_events.create(event_id="refund-refused-x", type=REFUND_REFUSED)
    assert client.get(url).json()["refund"] == "refused"
    Order.objects.filter(pk=order.pk).update(payment_status="refunded")
    assert client.get(url).json()["refund"] == "refunded"


def test_a_confirmed_order_can_still_be_cancelled(api, order):
    change_status(order=order, to=Order.Status.CONFIRMED)
    assert api.post(cancel_url(order)).json()["status"] == "cancelled"


@pytest.mark.parametrize("path", [["confirmed", "shipped"], ["confirmed", "shipped", "delivered"], ["cancelled"]])
def test_an_order_past_cancelling_is_a_409_and_stays_as_it_was(api, order, path):
    for to in path:
        change_status(order=order, to=to)
    response = api.post(cancel_url(order))
    assert response.status_code == 409
    assert error_code(response) == "status_change_refused"
    assert order.order_number in response.json()["error"]["message"]
    order.refresh_from_db()
    assert order.status == path[-1]


def test_another_shoppers_order_is_a_404_and_is_not_cancelled(order):
    response = authed(KGUserFactory()).post(cancel_url(order))
    assert response.status_code == 404
    assert error_code(response) == "order_not_found"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_an_unknown_number_is_a_404(api):
    assert api.post("/api/v1/orders/MQ-NOPE0000/cancel").status_code == 404
    assert api.post("/api/v1/orders/not%20a%20number/cancel").status_code == 404


def test_only_post_cancels(api, order):
    assert api.get(cancel_url(order)).status_code == 405
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
