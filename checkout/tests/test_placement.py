"""Placing an order: what it snapshots and charges, what it refuses, and that a refusal changes nothing.

Everything runs through `place_order` against the database; only two tests replace a project
function, to make a step after the stock decrement fail and prove the whole placement rolls back.
"""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import Notification
from accounts.tests.factories import AddressFactory, KGUserFactory, USUserFactory
from catalog.models import SKU, MarketPrice, Product
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Cart, CartItem, Order, OrderItem, OrderStatusHistory, new_order_number
from checkout.orders import CheckoutError, SoldOut, payment_choices, place_order
from checkout.tests.factories import CartFactory, CartItemFactory
from storefront.markets import get_market

pytestmark = pytest.mark.django_db

ORDER_NUMBER = re.compile(r"^MQ-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$")


@pytest.fixture(autouse=True)
def _offline(settings):
    """Console SMS for both markets and no Stripe keys (the test payment), whatever the environment says."""
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    settings.STRIPE_SECRET_KEY = ""


# --- building carts -----------------------------------------------------------------------------


def kg_sku(price="2000", stock=5, **kwargs):
    product = kwargs.pop("product", None) or ProductFactory(price=Decimal(price))
    return SKUFactory(product=product, price=Decimal(price), stock=stock, **kwargs)


def us_sku(price="40.00", stock=5, **kwargs):
    product = kwargs.pop("product", None) or ProductFactory(market="US", price=Decimal(price))
    return SKUFactory(product=product, price=Decimal(price), stock=stock, **kwargs)


def shopper(market="KG", *lines, state="TX"):
    """A user of `market` with a delivery address there and a cart holding `lines` of (sku, quantity)."""
    if market == "KG":
        user = KGUserFactory()
        address = AddressFactory(user=user, city="Bishkek", street="Chui Avenue", building="120")
    else:
        user = USUserFactory()
        address = AddressFactory(user=user, city="Austin", street="Congress Ave", state=state, postal_code="73301")
    cart = CartFactory(user=user)
    for sku, quantity in lines:
        CartItemFactory(cart=cart, sku=sku, quantity=quantity)
    return user, address, cart


def place(user, address, payment_method=None, **kwargs):
    method = payment_method if payment_method is not None else ("cash" if user.market == "KG" else "test")
    return place_order(user=user, address=address, payment_method=method, **kwargs)


def cart_lines(cart):
    return sorted(CartItem.objects.filter(cart=cart).values_list("sku_id", "quantity"))


def stocks(*skus):
    return {sku.pk: SKU.objects.get(pk=sku.pk).stock for sku in skus}


def assert_nothing_placed(user, cart, lines_before, stock_before, *skus):
    assert not Order.objects.filter(user=user).exists()
    assert not OrderItem.objects.exists()
    assert not OrderStatusHistory.objects.exists()
    assert not Notification.objects.filter(user=user).exists()
    assert cart_lines(cart) == lines_before
    assert stocks(*skus) == stock_before


# --- what an order records ----------------------------------------------------------------------


def test_items_are_snapshots_of_name_brand_size_color_image_and_the_market_price(settings):
    product = ProductFactory(name="Oxford Shirt", brand="Atelier Nord", price=Decimal("2990"))
    white = SKUFactory(product=product, size="M", color="White", price=Decimal("2990"), stock=4,
                       variant_image="variants/oxford-white.jpg")  # fmt: skip
    blue = SKUFactory(product=product, size="L", color="Blue", price=Decimal("3190"), stock=4)
    # A merchandiser's fixed KG price wins over the SKU's base price.
    MarketPrice.objects.create(product=product, sku=blue, market="KG", price=Decimal("2790"))
    user, address, _cart = shopper("KG", (white, 2), (blue, 1))

    order = place(user, address).order

    items = {item.sku_id: item for item in order.items.all()}
    assert set(items) == {white.pk, blue.pk}
    first, second = items[white.pk], items[blue.pk]
    assert (first.product_name, first.product_brand, first.size, first.color) == (
        "Oxford Shirt",
        "Atelier Nord",
        "M",
        "White",
    )
    assert first.sku_code == white.sku_code and first.product_id == product.pk
    assert first.image_url == settings.MEDIA_URL + "variants/oxford-white.jpg"
    assert (first.price, first.quantity, first.subtotal) == (Decimal("2990.00"), 2, Decimal("5980.00"))
    assert (second.size, second.color, second.image_url) == ("L", "Blue", "")
    assert (second.price, second.quantity, second.subtotal) == (Decimal("2790.00"), 1, Decimal("2790.00"))

    # Later catalog edits and deletions never reach the order.
    product.name, product.brand = "Renamed", "Other Brand"
    product.save()
    SKU.objects.filter(pk=white.pk).update(size="XS", color="Black", price=Decimal("9990"))
    blue.delete()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.product_name, first.product_brand, first.size, first.color, first.price) == (
        "Oxford Shirt",
        "Atelier Nord",
        "M",
        "White",
        Decimal("2990.00"),
    )
    assert second.sku_id is None and (second.size, second.color, second.price) == ("L", "Blue", Decimal("2790.00"))
    order.refresh_from_db()
    assert order.subtotal == Decimal("8770.00")


def test_product_image_is_used_when_the_variant_has_none(settings):
    sku = kg_sku(product=ProductFactory(price=Decimal("2000"), image="products/coat.jpg"))
    user, address, _cart = shopper("KG", (sku, 1))
    item = place(user, address).order.items.get()
    assert item.image_url == settings.MEDIA_URL + "products/coat.jpg"


def test_kg_order_totals_include_vat_in_the_price_and_the_shipping():
    sku = kg_sku("2000")
    user, address, _cart = shopper("KG", (sku, 2))

    order = place(user, address).order

    assert order.market == "KG" and order.currency == "KGS"
    assert order.subtotal == Decimal("4000.00")
    assert order.shipping_cost == Decimal("250.00")  # under the 5 000 som threshold
    assert order.total_amount == Decimal("4250.00")  # VAT is inside, never added
    assert order.tax_included is True and order.tax_rate == Decimal("0.12")
    assert order.tax == Decimal("455.00")  # 4 250 × 0.12 / 1.12 = 455.36, shipping included, in whole som


@pytest.mark.parametrize(
    ("price", "quantity", "shipping", "total", "vat"),
    [
        ("2499.99", 2, "250.00", "5249.98", "562.00"),  # VAT 562.498  # 4 999.98: just under the threshold
        ("2500", 2, "0.00", "5000.00", "536.00"),  # exactly 5 000: free
        ("6000", 1, "0.00", "6000.00", "643.00"),
    ],
)
def test_kg_free_shipping_from_5000_som(price, quantity, shipping, total, vat):
    user, address, _cart = shopper("KG", (kg_sku(price), quantity))
    order = place(user, address).order
    assert (order.shipping_cost, order.total_amount, order.tax) == (Decimal(shipping), Decimal(total), Decimal(vat))


@pytest.mark.parametrize(
    ("state", "price", "quantity", "subtotal", "shipping", "tax", "rate", "total"),
    [
        # Texas taxes shipping: (40 + 7.95) × 6.25 % = 2.996875 → 3.00
        ("TX", "40.00", 1, "40.00", "7.95", "3.00", "0.0625", "50.95"),
        # California does not: 40 × 7.25 % = 2.90
        ("CA", "40.00", 1, "40.00", "7.95", "2.90", "0.0725", "50.85"),
        # Free shipping from $100; nothing to tax on it then.
        ("TX", "50.00", 2, "100.00", "0.00", "6.25", "0.0625", "106.25"),
        ("CA", "60.00", 2, "120.00", "0.00", "8.70", "0.0725", "128.70"),
        # Just under $100 pays shipping again.
        ("TX", "33.33", 3, "99.99", "7.95", "6.75", "0.0625", "114.69"),
        # Oregon has no sales tax.
        ("OR", "40.00", 1, "40.00", "7.95", "0.00", "0", "47.95"),
    ],
)
def test_us_sales_tax_follows_the_delivery_state(state, price, quantity, subtotal, shipping, tax, rate, total):
    user, address, _cart = shopper("US", (us_sku(price), quantity), state=state)

    order = place(user, address).order

    assert order.market == "US" and order.currency == "USD"
    assert order.delivery_state == state
    assert order.tax_included is False
    assert (order.subtotal, order.shipping_cost, order.tax, order.tax_rate, order.total_amount) == (
        Decimal(subtotal),
        Decimal(shipping),
        Decimal(tax),
        Decimal(rate),
        Decimal(total),
    )


def test_the_order_copies_the_customer_and_the_delivery_address():
    user, address, _cart = shopper("US", (us_sku(), 1), state="CA")
    address.apartment = "4B"
    address.save()

    order = place(user, address, notes="  Leave it with the doorman  ").order

    assert order.user == user
    assert (order.customer_name, order.customer_phone, order.customer_email) == (user.full_name, user.phone, user.email)
    assert order.delivery_address == address.one_line() and "apt. 4B" in order.delivery_address
    assert (order.delivery_city, order.delivery_state, order.delivery_postal_code) == ("Austin", "CA", "73301")
    assert order.delivery_notes == "Leave it with the doorman"
    assert order.payment_method == "test" and order.payment_status == Order.PaymentStatus.PENDING
    assert order.status == Order.Status.PENDING


def test_card_and_test_orders_get_a_payment_deadline_cash_orders_none(settings):
    settings.CHECKOUT_PAYMENT_MINUTES = 45
    us_user, us_address, _cart = shopper("US", (us_sku(), 1))
    kg_user, kg_address, _cart = shopper("KG", (kg_sku(), 1))
    before = timezone.now()

    online = place(us_user, us_address, "test").order
    cash = place(kg_user, kg_address, "cash").order

    assert before + timedelta(minutes=45) <= online.payment_due_by <= timezone.now() + timedelta(minutes=45)
    assert cash.payment_due_by is None


def test_first_status_is_recorded_with_the_shopper_the_cart_is_emptied_and_stock_taken():
    shirt, coat = kg_sku(stock=5), kg_sku("4000", stock=3)
    user, address, cart = shopper("KG", (shirt, 2), (coat, 3))

    placement = place(user, address)

    assert placement.created is True
    history = list(placement.order.status_history.values_list("status", "changed_by", "notes"))
    assert history == [(Order.Status.PENDING, user.pk, "Order placed")]
    assert Cart.objects.filter(pk=cart.pk).exists() and cart_lines(cart) == []
    assert stocks(shirt, coat) == {shirt.pk: 3, coat.pk: 0}


def test_customer_name_falls_back_to_the_address_title_then_the_phone():
    user, address, _cart = shopper("KG", (kg_sku(), 1))
    user.full_name = ""
    user.save()
    address.title = "Office"
    address.save()
    assert place(user, address).order.customer_name == "Office"

    other, other_address, _cart = shopper("KG", (kg_sku(), 1))
    other.full_name = ""
    other.save()
    other_address.title = ""
    other_address.save()
    assert place(other, other_address).order.customer_name == other.phone


# --- order numbers and repeated submits ---------------------------------------------------------


def test_order_numbers_are_mq_and_eight_unguessable_characters_and_unique():
    numbers = []
    for _ in range(4):
        user, address, _cart = shopper("KG", (kg_sku(), 1))
        numbers.append(place(user, address).order.order_number)
    assert all(ORDER_NUMBER.match(number) for number in numbers), numbers
    assert len(set(numbers)) == 4
    # Not a counter: consecutive orders differ in more than their last characters.
    assert len({number[:7] for number in numbers}) == 4

    generated = [new_order_number() for _ in range(500)]
    assert all(ORDER_NUMBER.match(number) for number in generated)
    assert len(set(generated)) == 500
    # Every position varies (a sequence would keep its leading characters); 500 draws from 32
    # symbols cover far more than 20 of them at each position.
    for position in range(3, 11):
        assert len({number[position] for number in generated}) > 20


def test_the_same_checkout_key_twice_places_one_order():
    sku = kg_sku(stock=5)
    user, address, cart = shopper("KG", (sku, 2))

    first = place(user, address, checkout_key="checkout-key-0001")
    # The shopper fills the cart again and the old form is submitted once more.
    CartItemFactory(cart=cart, sku=sku, quantity=1)
    second = place(user, address, checkout_key="checkout-key-0001")

    assert first.created is True and second.created is False
    assert second.order.pk == first.order.pk
    assert Order.objects.filter(user=user).count() == 1
    assert stocks(sku) == {sku.pk: 3}
    assert cart_lines(cart) == [(sku.pk, 1)]  # the new cart is left for the next checkout
    assert OrderStatusHistory.objects.filter(order=first.order).count() == 1

    third = place(user, address, checkout_key="checkout-key-0002")
    assert third.created is True and third.order.pk != first.order.pk
    assert stocks(sku) == {sku.pk: 2}


def test_a_checkout_key_belongs_to_one_user():
    sku = kg_sku(stock=5)
    first_user, first_address, _cart = shopper("KG", (sku, 1))
    second_user, second_address, _cart = shopper("KG", (sku, 1))

    first = place(first_user, first_address, checkout_key="shared-key-123")
    second = place(second_user, second_address, checkout_key="shared-key-123")

    assert first.created and second.created
    assert first.order.pk != second.order.pk and second.order.user == second_user
    assert stocks(sku) == {sku.pk: 3}


# --- refusals -----------------------------------------------------------------------------------


def test_an_empty_cart_or_no_cart_is_refused():
    user, address, cart = shopper("KG")
    with pytest.raises(CheckoutError, match="Your cart is empty") as refused:
        place(user, address)
    assert refused.value.code == "empty_cart"

    cart.delete()
    with pytest.raises(CheckoutError, match="Your cart is empty"):
        place(user, address)
    assert not Order.objects.exists()


def test_another_users_address_is_refused():
    sku = kg_sku()
    user, _address, cart = shopper("KG", (sku, 1))
    _other, their_address, _cart = shopper("KG")

    with pytest.raises(CheckoutError, match="Choose one of your delivery addresses") as refused:
        place(user, their_address)

    assert refused.value.code == "address"
    assert_nothing_placed(user, cart, [(sku.pk, 1)], {sku.pk: 5}, sku)


def test_no_address_is_refused():
    user, _address, _cart = shopper("KG", (kg_sku(), 1))
    with pytest.raises(CheckoutError) as refused:
        place(user, None)
    assert refused.value.code == "address"


def test_an_address_of_the_old_market_is_refused_after_the_shopper_moves():
    sku = us_sku()
    user, kg_address, cart = shopper("KG")
    user.phone = "+14155550142"  # the shopper's number is American now: so is their market
    user.save()
    assert user.market == "US" and kg_address.market == "KG"
    CartItemFactory(cart=cart, sku=sku, quantity=1)

    with pytest.raises(CheckoutError, match="Choose one of your delivery addresses") as refused:
        place(user, kg_address, "test")

    assert refused.value.code == "address"
    assert_nothing_placed(user, cart, [(sku.pk, 1)], {sku.pk: 5}, sku)


@pytest.mark.parametrize(
    ("market", "method", "stripe_key"),
    [
        ("US", "cash", ""),
        ("US", "bank_transfer", ""),
        ("US", "card", ""),  # no Stripe keys: only the test payment
        ("US", "test", "sk_test_123"),  # Stripe configured: the test payment is gone
        ("KG", "card", ""),
        ("KG", "test", ""),
        ("KG", "digital_wallet", ""),
        ("KG", "", ""),
        ("KG", "bitcoin", ""),
    ],
)
def test_a_payment_method_the_market_does_not_offer_is_refused(settings, market, method, stripe_key):
    settings.STRIPE_SECRET_KEY = stripe_key
    sku = kg_sku() if market == "KG" else us_sku()
    user, address, cart = shopper(market, (sku, 1))

    with pytest.raises(CheckoutError, match="Choose a way to pay that this market offers") as refused:
        place(user, address, method)

    assert refused.value.code == "payment_method"
    assert_nothing_placed(user, cart, [(sku.pk, 1)], {sku.pk: 5}, sku)


@pytest.mark.parametrize(
    ("market", "method", "stripe_key"),
    [("KG", "cash", ""), ("KG", "bank_transfer", ""), ("US", "test", ""), ("US", "card", "sk_test_123")],
)
def test_the_payment_methods_a_market_offers_are_accepted(settings, market, method, stripe_key):
    settings.STRIPE_SECRET_KEY = stripe_key
    assert method in dict(payment_choices(get_market(market)))
    user, address, _cart = shopper(market, (kg_sku() if market == "KG" else us_sku(), 1))
    order = place(user, address, method).order
    assert order.payment_method == method


@pytest.mark.parametrize(
    "key", ["", "short", "has spaces in it", "semicolon;drop", "é-accented-key", "k" * 65, "checkout-key-0001\n"]
)
def test_a_malformed_checkout_key_is_refused(key):
    sku = kg_sku()
    user, address, cart = shopper("KG", (sku, 1))
    with pytest.raises(CheckoutError, match="out of date") as refused:
        place(user, address, checkout_key=key)
    assert refused.value.code == "key"
    assert_nothing_placed(user, cart, [(sku.pk, 1)], {sku.pk: 5}, sku)


def test_an_inactive_account_cannot_order():
    sku = kg_sku()
    user, address, cart = shopper("KG", (sku, 1))
    user.is_active = False
    user.save()
    with pytest.raises(CheckoutError) as refused:
        place(user, address)
    assert refused.value.code == "inactive"
    assert_nothing_placed(user, cart, [(sku.pk, 1)], {sku.pk: 5}, sku)


@pytest.mark.parametrize("what", ["sku", "product"])
def test_an_item_deactivated_since_it_was_added_is_refused_and_nothing_changes(what):
    fine, gone = kg_sku(stock=5), kg_sku(stock=5)
    user, address, cart = shopper("KG", (fine, 1), (gone, 1))
    if what == "sku":
        SKU.objects.filter(pk=gone.pk).update(is_active=False)
    else:
        Product.objects.filter(pk=gone.product_id).update(is_active=False)

    with pytest.raises(CheckoutError, match="can no longer be bought") as refused:
        place(user, address)

    assert refused.value.code == "unavailable" and not isinstance(refused.value, SoldOut)
    assert str(gone.product) in refused.value.message
    assert_nothing_placed(user, cart, [(fine.pk, 1), (gone.pk, 1)], {fine.pk: 5, gone.pk: 5}, fine, gone)


def test_an_item_not_sold_in_the_market_is_refused():
    kg_only = kg_sku(stock=5)
    user, address, cart = shopper("US", (us_sku(stock=5), 1), (kg_only, 1))

    with pytest.raises(CheckoutError, match="can no longer be bought") as refused:
        place(user, address, "test")

    assert refused.value.code == "unavailable"
    assert not Order.objects.exists() and len(cart_lines(cart)) == 2
    assert SKU.objects.get(pk=kg_only.pk).stock == 5


def test_more_than_the_stock_is_sold_out_with_a_clear_message_and_nothing_changes():
    plenty = kg_sku(stock=10)
    product = ProductFactory(name="Wool Coat", price=Decimal("4000"))
    scarce = SKUFactory(product=product, size="M", color="Camel", price=Decimal("4000"), stock=2)
    user, address, cart = shopper("KG", (plenty, 3), (scarce, 3))

    with pytest.raises(SoldOut) as refused:
        place(user, address, checkout_key="sold-out-key-1")

    assert refused.value.code == "sold_out"
    assert refused.value.message == "Sorry, only 2 of Wool Coat (M / Camel) are left. Lower the quantity to continue."
    assert_nothing_placed(user, cart, [(plenty.pk, 3), (scarce.pk, 3)], {plenty.pk: 10, scarce.pk: 2}, plenty, scarce)

    # Once the shopper lowers the quantity the same checkout goes through.
    CartItem.objects.filter(cart=cart, sku=scarce).update(quantity=2)
    placement = place(user, address, checkout_key="sold-out-key-1")
    assert placement.created and stocks(plenty, scarce) == {plenty.pk: 7, scarce.pk: 0}


def test_one_left_and_none_left_say_so():
    product = ProductFactory(name="Silk Scarf", price=Decimal("1500"))
    last = SKUFactory(product=product, size="", color="Red", price=Decimal("1500"), stock=1)
    user, address, cart = shopper("KG", (last, 2))
    with pytest.raises(SoldOut, match=r"^Sorry, only 1 of Silk Scarf \(Red\) is left\. Lower the quantity"):
        place(user, address)

    SKU.objects.filter(pk=last.pk).update(stock=0)
    with pytest.raises(SoldOut) as refused:
        place(user, address)
    assert refused.value.message == "Sorry, Silk Scarf (Red) has just sold out. Remove it from your cart to continue."
    assert cart_lines(cart) == [(last.pk, 2)]


@pytest.mark.parametrize(
    "target",
    ["checkout.orders.OrderStatusHistory.objects.create", "checkout.orders.notify_customer"],
)
def test_a_failure_after_the_stock_is_taken_rolls_everything_back(
    target, sms_outbox, django_capture_on_commit_callbacks
):
    shirt, coat = kg_sku(stock=5), kg_sku(stock=2)
    user, address, cart = shopper("KG", (shirt, 2), (coat, 2))
    taken = []

    def fail(*args, **kwargs):
        # By now the order row exists and the stock is decremented, inside the transaction.
        taken.append((Order.objects.filter(user=user).count(), stocks(shirt, coat)))
        raise RuntimeError("the database went away")

    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch(target, side_effect=fail),
        pytest.raises(RuntimeError, match="went away"),
    ):
        place(user, address, checkout_key="failing-key-01")

    assert taken == [(1, {shirt.pk: 3, coat.pk: 0})]
    assert_nothing_placed(user, cart, [(shirt.pk, 2), (coat.pk, 2)], {shirt.pk: 5, coat.pk: 2}, shirt, coat)
    assert sms_outbox == []

    # The same checkout can be submitted again and places the order once.
    placement = place(user, address, checkout_key="failing-key-01")
    assert placement.created and stocks(shirt, coat) == {shirt.pk: 3, coat.pk: 0}


# --- telling the customer -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["cash", "bank_transfer"])
def test_cash_and_transfer_orders_notify_the_customer_and_text_them_after_commit(
    method, sms_outbox, django_capture_on_commit_callbacks
):
    user, address, _cart = shopper("KG", (kg_sku(), 1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place(user, address, method).order
    # Nothing is texted until the order is committed.
    assert sms_outbox == []
    notification = Notification.objects.get(user=user)
    assert notification.type == Notification.Type.ORDER
    assert order.order_number in notification.title and order.order_number in notification.message
    assert order.order_number in notification.link_url and notification.link_url.startswith("/kg/")

    for callback in callbacks:
        callback()
    assert len(sms_outbox) == 1
    assert sms_outbox[0].phone == user.phone and sms_outbox[0].market == "KG"
    assert order.order_number in sms_outbox[0].text


def test_a_test_payment_order_is_announced_only_once_paid(sms_outbox, django_capture_on_commit_callbacks):
    user, address, _cart = shopper("US", (us_sku(), 1))
    with django_capture_on_commit_callbacks(execute=True):
        place(user, address, "test")
    assert not Notification.objects.filter(user=user).exists()
    assert sms_outbox == []


def test_a_refused_checkout_texts_nobody(sms_outbox, django_capture_on_commit_callbacks):
    user, address, _cart = shopper("KG", (kg_sku(stock=1), 2))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(SoldOut):
        place(user, address)
    assert callbacks == [] and sms_outbox == []
