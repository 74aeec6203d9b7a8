"""Stripe not answering: the shopper waits at most STRIPE_TIMEOUT, the order stands, stock is right.

The real Stripe client (accounts.stripe_client) talks to a local socket that accepts the connection
and never answers (the `silent_server` fixture): nothing in the SDK is replaced.
"""

import re
import time
from decimal import Decimal

import pytest
from django.utils.html import escape

from accounts.tests.factories import AddressFactory
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Order
from checkout.tests.factories import CartFactory, CartItemFactory
from storefront.market_urls import market_reverse
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

TIMEOUT = 1.0
# Time the request itself needs besides waiting for Stripe (rendering, the database).
MARGIN = 1.5
UNAVAILABLE = "Payment is not available right now, your order is saved — try again from the order page."


@pytest.fixture
def stripe_hangs(settings, silent_server, sms_outbox):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_API_BASE = silent_server
    settings.STRIPE_TIMEOUT = TIMEOUT
    settings.STRIPE_MAX_NETWORK_RETRIES = 0


@pytest.fixture
def us_cart(client, us_shopper):
    client.force_login(us_shopper)
    AddressFactory(user=us_shopper, city="Chicago", state="IL", postal_code="60606", is_default=True)
    sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("40")), stock=5)
    CartItemFactory(cart=CartFactory(user=us_shopper), sku=sku, quantity=2)
    return sku


def place_card_order(client):
    """The checkout form posted as the page rendered it, paying by card; the response followed."""
    url = market_reverse("checkout:checkout", MARKETS["US"])
    page = client.get(url).text
    data = {
        "address": re.search(r'name="address" value="(\d+)"', page).group(1),
        "payment_method": "card",
        "delivery_notes": "",
        "checkout_key": re.search(r'name="checkout_key" value="([^"]+)"', page).group(1),
    }
    return client.post(url, data, follow=True)


def test_checkout_while_stripe_hangs_keeps_the_order_and_answers_in_time(client, us_cart, stripe_hangs):
    started = time.monotonic()
    response = place_card_order(client)
    elapsed = time.monotonic() - started

    assert elapsed < TIMEOUT + MARGIN
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == market_reverse(
        "checkout:order_detail", MARKETS["US"], kwargs={"number": order.order_number}
    )
    assert escape(UNAVAILABLE) in response.text
    # Saved whole: every line, the stock taken once, waiting for its payment, no Stripe session.
    assert (order.status, order.payment_status, order.payment_method) == ("pending", "pending", "card")
    assert order.items.count() == 1 and order.items.get().quantity == 2
    assert order.stripe_checkout_session == ""
    assert SKU.objects.get(pk=us_cart.pk).stock == 3


def test_paying_again_from_the_order_page_while_stripe_hangs(client, us_cart, stripe_hangs):
    place_card_order(client)
    order = Order.objects.get()

    started = time.monotonic()
    response = client.post(
        market_reverse("checkout:order_pay", MARKETS["US"], kwargs={"number": order.order_number}), follow=True
    )

    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert escape(UNAVAILABLE) in response.text
    assert Order.objects.get(pk=order.pk).status == "pending"
    assert SKU.objects.get(pk=us_cart.pk).stock == 3
