"""The checkout page: sign-in, the cart checks, addresses, payment choices, totals, placing, bad input, budgets."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import Address, Notification
from accounts.tests.factories import AddressFactory, KGUserFactory, USUserFactory
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout import order_views
from checkout.models import CartItem, Order, OrderStatusHistory, SalesTaxRate
from checkout.orders import place_order
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory
from storefront import sms

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
KG_CHECKOUT = "/kg/checkout/"
US_CHECKOUT = "/us/checkout/"
TEST_PAYMENT_LABEL = "Test card payment: no money moves (Stripe is not configured)"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def radios(html, name):
    """{value: checked} of the radio inputs called `name`, in page order."""
    found = {}
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', html):
        if 'type="radio"' in tag:
            found[re.search(r'value="([^"]*)"', tag).group(1)] = bool(re.search(r"\schecked\b", tag))
    return found


def is_disabled(tag):
    """Whether an element's start tag carries the `disabled` attribute (not a `disabled:` class)."""
    return bool(re.search(r"\sdisabled(?=[\s>=])", re.sub(r'class="[^"]*"', "", tag)))


def checkout_key(html):
    return re.search(r'name="checkout_key" value="([^"]+)"', html).group(1)


def order_number_from(location):
    return re.search(r"/orders/(MQ-[A-Z0-9]+)/", location).group(1)


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    """Without Stripe keys the US market offers the labelled test payment."""
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture(autouse=True)
def _console_sms(sms_outbox):
    return sms_outbox


@pytest.fixture
def kg(client, kg_shopper):
    """A KG shopper signed in with a default and a second address and one shirt (2 990 som) in the cart."""
    client.force_login(kg_shopper)
    home = AddressFactory(
        user=kg_shopper, title="Home", street="Chui Avenue", building="120", city="Bishkek", is_default=True
    )
    work = AddressFactory(user=kg_shopper, title="Work", street="Manas Avenue", building="7", city="Osh")
    product = ProductFactory(name="Linen Shirt", brand="Atelier Nord", market="KG", price=Decimal("2990"))
    sku = SKUFactory(product=product, size="M", color="Sand", stock=5)
    cart = CartFactory(user=kg_shopper)
    line = CartItemFactory(cart=cart, sku=sku, quantity=1)
    return SimpleNamespace(user=kg_shopper, home=home, work=work, sku=sku, cart=cart, line=line, client=client)


@pytest.fixture
def us(client, us_shopper):
    """A US shopper signed in with an Illinois (default, 6.25%) and a California (7.25%) address, $40 in the cart."""
    client.force_login(us_shopper)
    SalesTaxRate.objects.update_or_create(state="IL", defaults={"rate": Decimal("0.0625"), "taxes_shipping": False})
    SalesTaxRate.objects.update_or_create(state="CA", defaults={"rate": Decimal("0.0725"), "taxes_shipping": False})
    illinois = AddressFactory(
        user=us_shopper,
        title="Home",
        street="Wacker Drive",
        building="233",
        city="Chicago",
        state="IL",
        postal_code="60606",
        is_default=True,
    )
    california = AddressFactory(
        user=us_shopper,
        title="Office",
        street="Market Street",
        building="1",
        city="San Francisco",
        state="CA",
        postal_code="94105",
    )
    product = ProductFactory(name="Oxford Shirt", brand="Hudson Mill", market="US", price=Decimal("40"))
    sku = SKUFactory(product=product, size="L", color="Blue", stock=5)
    cart = CartFactory(user=us_shopper)
    line = CartItemFactory(cart=cart, sku=sku, quantity=1)
    return SimpleNamespace(
        user=us_shopper, illinois=illinois, california=california, sku=sku, cart=cart, line=line, client=client
    )


def checkout_form(client, url, **fields):
    """The checkout form as the page rendered it (chosen address, first payment, its key), with `fields` changed."""
    html = client.get(url).text
    data = {
        "address": next(value for value, checked in radios(html, "address").items() if checked),
        "payment_method": next(value for value, checked in radios(html, "payment_method").items() if checked),
        "delivery_notes": "",
        "checkout_key": checkout_key(html),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


# --- who may check out, and with what cart ------------------------------------------------------


def test_visitor_is_sent_to_sign_in_and_comes_back_to_checkout(client, kg_shopper, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    response = client.get(KG_CHECKOUT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/kg/checkout/"

    sign_in_page = client.get(response["Location"]).text
    next_url = re.search(r'name="next" value="([^"]*)" id="id_next"', sign_in_page).group(1)
    assert next_url == KG_CHECKOUT
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"phone": kg_shopper.phone, "next": next_url})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    response = client.post("/accounts/login/code/", {"code": code})

    assert response.status_code == 302 and response["Location"] == KG_CHECKOUT


def test_visitor_post_places_nothing(client, kg):
    client.logout()
    response = client.post(KG_CHECKOUT, {"address": kg.home.pk, "payment_method": "cash", "checkout_key": "k" * 20})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Order.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_empty_cart_goes_back_to_the_cart_with_a_message(kg, method):
    kg.line.delete()
    response = getattr(kg.client, method)(KG_CHECKOUT, {} if method == "get" else {"payment_method": "cash"})
    assert response.status_code == 302 and response["Location"] == "/kg/cart/"
    assert messages_of(response) == ["Your cart is empty."]
    assert not Order.objects.exists()


def test_shopper_without_a_cart_goes_back_to_the_cart(client):
    client.force_login(KGUserFactory())
    response = client.get(KG_CHECKOUT)
    assert response["Location"] == "/kg/cart/" and messages_of(response) == ["Your cart is empty."]


@pytest.mark.parametrize(
    "problem",
    [
        pytest.param({"stock": 0}, id="sold-out"),
        pytest.param({"stock": 1, "quantity": 2}, id="more-than-stock"),
        pytest.param({"is_active": False}, id="inactive-sku"),
        pytest.param({"market": "US"}, id="not-sold-in-kg"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_cart_with_a_problem_line_goes_back_to_the_cart(kg, problem, method):
    ok_line = CartItemFactory(cart=kg.cart, sku=SKUFactory(stock=9), quantity=1)
    if "quantity" in problem:
        CartItem.objects.filter(pk=kg.line.pk).update(quantity=problem["quantity"])
    if "stock" in problem:
        SKU.objects.filter(pk=kg.sku.pk).update(stock=problem["stock"])
    if "is_active" in problem:
        SKU.objects.filter(pk=kg.sku.pk).update(is_active=False)
    if "market" in problem:
        kg.sku.product.market = problem["market"]
        kg.sku.product.save()
    data = {"address": kg.home.pk, "payment_method": "cash", "checkout_key": "k" * 20}

    response = kg.client.get(KG_CHECKOUT) if method == "get" else kg.client.post(KG_CHECKOUT, data)

    assert response.status_code == 302 and response["Location"] == "/kg/cart/"
    assert messages_of(response) == ["Some items in your cart need your attention before checkout."]
    assert not Order.objects.exists()
    assert CartItem.objects.filter(cart=kg.cart).count() == 2 and CartItem.objects.filter(pk=ok_line.pk).exists()


def test_signed_in_shopper_on_the_other_markets_checkout_is_sent_to_their_own(kg):
    response = kg.client.get(US_CHECKOUT)
    assert response.status_code == 302 and response["Location"] == KG_CHECKOUT


# --- the page ----------------------------------------------------------------------------------


def test_page_lists_the_shoppers_addresses_with_the_default_chosen(kg):
    AddressFactory(street="Somebody Elses Street")  # another shopper's address is never offered
    html = kg.client.get(KG_CHECKOUT).text

    assert radios(html, "address") == {str(kg.home.pk): True, str(kg.work.pk): False}
    assert "Chui Avenue, 120, Bishkek" in html and "Manas Avenue, 7, Osh" in html
    assert "Somebody Elses Street" not in html
    button = re.search(r'<button[^>]*data-testid="place-order"[^>]*>(.*?)</button>', html, re.S)
    assert button.group(1).strip() == "Place order" and not is_disabled(button.group(0))


def test_page_without_addresses_asks_for_one_and_cannot_place(kg):
    Address.objects.filter(user=kg.user).delete()
    html = kg.client.get(KG_CHECKOUT).text

    assert radios(html, "address") == {}
    assert "Add the address we should deliver to." in html and "Add a delivery address first." in html
    assert re.search(r"<details[^>]*\sopen", html), "the new-address form should be open"
    assert is_disabled(re.search(r'<button[^>]*data-testid="place-order"[^>]*>', html).group(0))


def test_address_from_the_query_string_is_chosen(kg):
    html = kg.client.get(f"{KG_CHECKOUT}?address={kg.work.pk}").text
    assert radios(html, "address") == {str(kg.home.pk): False, str(kg.work.pk): True}


def test_kg_page_offers_cash_and_bank_transfer_with_vat_included(kg):
    response = kg.client.get(KG_CHECKOUT)
    html = response.text

    assert response.status_code == 200
    assert radios(html, "payment_method") == {"cash": True, "bank_transfer": False}
    assert "Cash on delivery" in html and "Bank transfer" in html
    assert TEST_PAYMENT_LABEL not in html and "You pay on the next page" not in html
    summary = re.search(r'<div id="checkout-summary".*?</dl>', html, re.S).group(0)
    assert re.search(r"Linen Shirt <span[^>]*>\(M, Sand\)</span> × 1", summary)
    # 2 990 + 250 shipping = 3 240 som, of which 12% VAT = 347,14, shown as 347 som (included, not added).
    assert re.search(r'data-testid="subtotal">2 990 som<', summary)
    assert re.search(r'data-testid="shipping">250 som<', summary)
    assert "Including VAT 12%" in summary and re.search(r'data-testid="tax">347 som<', summary)
    assert re.search(r'data-testid="total">3 240 som<', summary)
    assert response["Cache-Control"].startswith("max-age=0")


def test_us_page_offers_the_labelled_test_payment_and_the_default_states_sales_tax(us):
    html = us.client.get(US_CHECKOUT).text

    assert radios(html, "payment_method") == {"test": True}
    assert TEST_PAYMENT_LABEL in html
    assert "You pay on the next page. We never see or keep your card number." in html
    assert "Place order and pay" in html
    assert radios(html, "address") == {str(us.illinois.pk): True, str(us.california.pk): False}
    # $40.00 + $7.95 shipping + 6.25% Illinois sales tax on $40.00 ($2.50) = $50.45.
    assert re.search(r'data-testid="subtotal">\$40.00<', html)
    assert re.search(r'data-testid="shipping">\$7.95<', html)
    assert "Sales tax 6.25%" in html and re.search(r'data-testid="tax">\$2.50<', html)
    assert re.search(r'data-testid="total">\$50.45<', html)


def test_us_page_offers_card_when_stripe_is_configured(us, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_placeholder"
    html = us.client.get(US_CHECKOUT).text
    assert radios(html, "payment_method") == {"card": True}
    assert TEST_PAYMENT_LABEL not in html


def test_us_page_for_the_california_address_shows_its_tax(us):
    html = us.client.get(f"{US_CHECKOUT}?address={us.california.pk}").text
    assert "Sales tax 7.25%" in html and re.search(r'data-testid="total">\$50.85<', html)


def test_summary_partial_for_another_address_is_only_the_fragment(us):
    response = us.client.get(f"/us/checkout/summary/?address={us.california.pk}", headers=HTMX)
    body = response.text

    assert response.status_code == 200
    assert body.strip().startswith('<div id="checkout-summary"') and body.strip().endswith("</div>")
    assert "<html" not in body and 'id="checkout-form"' not in body
    assert "Sales tax 7.25%" in body and re.search(r'data-testid="tax">\$2.90<', body)
    assert re.search(r'data-testid="total">\$50.85<', body)
    assert "Oxford Shirt" in body


@pytest.mark.parametrize("address", ["", "abc", "999999999", "someone-elses"])
def test_summary_partial_never_uses_an_address_that_is_not_the_shoppers(us, address):
    if address == "someone-elses":
        address = AddressFactory(user=USUserFactory(), city="New York", state="NY", postal_code="10001").pk
    response = us.client.get(f"/us/checkout/summary/?address={address}", headers=HTMX)

    assert response.status_code == 200
    assert "Calculated from your delivery address" in response.text
    assert re.search(r'data-testid="total">\$47.95<', response.text)


def test_summary_partial_needs_sign_in(client, us):
    client.logout()
    response = client.get(f"/us/checkout/summary/?address={us.california.pk}", headers=HTMX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- placing -----------------------------------------------------------------------------------


def test_kg_cash_order_is_placed_and_opens_the_confirmation(kg, django_capture_on_commit_callbacks):
    data = checkout_form(kg.client, KG_CHECKOUT, delivery_notes="  Call at the gate  ")
    with django_capture_on_commit_callbacks(execute=True):
        response = kg.client.post(KG_CHECKOUT, data)

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kg/orders/{order.order_number}/confirmation/"
    assert messages_of(response) == [f"Thank you! Your order {order.order_number} is placed."]
    assert (order.user, order.market, order.currency, order.payment_method) == (kg.user, "KG", "KGS", "cash")
    assert (order.subtotal, order.shipping_cost, order.tax, order.total_amount) == (
        Decimal("2990.00"),
        Decimal("250.00"),
        Decimal("347.00"),
        Decimal("3240.00"),
    )
    assert order.tax_included and order.delivery_address == "Chui Avenue, 120, Bishkek"
    assert order.delivery_notes == "Call at the gate" and order.checkout_key == data["checkout_key"]
    assert order.status == "pending" and order.payment_status == "pending" and order.payment_due_by is None
    item = order.items.get()
    assert (item.product_name, item.size, item.color, item.quantity, item.price) == (
        "Linen Shirt",
        "M",
        "Sand",
        1,
        Decimal("2990.00"),
    )
    kg.sku.refresh_from_db()
    assert kg.sku.stock == 4
    assert not CartItem.objects.filter(cart=kg.cart).exists()
    assert Notification.objects.filter(user=kg.user, title=f"Order {order.order_number} received").exists()
    assert [m.phone for m in sms.outbox] == [kg.user.phone]

    page = kg.client.get(response["Location"])
    assert page.status_code == 200 and "is placed." in page.text and "Linen Shirt" in page.text


def test_kg_order_to_the_chosen_second_address(kg):
    response = kg.client.post(KG_CHECKOUT, checkout_form(kg.client, KG_CHECKOUT, address=str(kg.work.pk)))
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.delivery_city == "Osh" and order.delivery_address == "Manas Avenue, 7, Osh"


def test_bank_transfer_order_page_shows_the_bank_details(kg, settings):
    response = kg.client.post(KG_CHECKOUT, checkout_form(kg.client, KG_CHECKOUT, payment_method="bank_transfer"))
    order = Order.objects.get()
    assert order.payment_method == "bank_transfer"
    assert response["Location"] == f"/kg/orders/{order.order_number}/confirmation/"

    html = kg.client.get(response["Location"]).text

    section = re.search(r'<section[^>]*data-testid="bank-details".*?</section>', html, re.S).group(0)
    details = settings.KG_BANK_DETAILS
    for value in (details["recipient"], details["bank"], details["account"], details["bic"], details["inn"]):
        assert value in section
    assert order.order_number in section and "3 240 som" in section


def test_cash_order_page_shows_no_bank_details(kg):
    response = kg.client.post(KG_CHECKOUT, checkout_form(kg.client, KG_CHECKOUT, payment_method="cash"))
    assert 'data-testid="bank-details"' not in kg.client.get(response["Location"]).text


def test_us_test_payment_order_goes_to_the_test_payment_page(us, django_capture_on_commit_callbacks):
    data = checkout_form(us.client, US_CHECKOUT, address=str(us.california.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = us.client.post(US_CHECKOUT, data)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/us/orders/{order.order_number}/pay/test/"
    assert (order.payment_method, order.payment_status, order.status) == ("test", "pending", "pending")
    assert order.payment_due_by is not None
    assert (order.delivery_state, order.tax_rate, order.tax, order.total_amount) == (
        "CA",
        Decimal("0.07250"),
        Decimal("2.90"),
        Decimal("50.85"),
    )
    assert not order.tax_included
    # A card order is announced once it is paid, not when it is placed.
    assert not Notification.objects.filter(user=us.user).exists() and sms.outbox == []

    page = us.client.get(response["Location"])
    assert page.status_code == 200
    assert "Test mode" in page.text and "Pay $50.85 (test)" in page.text


def test_the_same_form_posted_twice_places_one_order(kg):
    data = checkout_form(kg.client, KG_CHECKOUT)

    first = kg.client.post(KG_CHECKOUT, data)
    assert "is placed." in kg.client.get(first["Location"]).text
    second = kg.client.post(KG_CHECKOUT, data)

    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/kg/orders/{order.order_number}/confirmation/"
    assert messages_of(second) == []  # no second "Thank you"
    assert order.items.count() == 1 and OrderStatusHistory.objects.filter(order=order).count() == 1
    kg.sku.refresh_from_db()
    assert kg.sku.stock == 4


def test_the_same_test_payment_form_posted_twice_goes_to_the_payment_page_again(us):
    data = checkout_form(us.client, US_CHECKOUT)
    first = us.client.post(US_CHECKOUT, data)
    second = us.client.post(US_CHECKOUT, data)
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"] and first["Location"].endswith("/pay/test/")


def test_a_fresh_form_after_an_order_places_a_second_order(kg):
    kg.client.post(KG_CHECKOUT, checkout_form(kg.client, KG_CHECKOUT))
    CartItemFactory(cart=kg.cart, sku=kg.sku, quantity=1)
    kg.client.post(KG_CHECKOUT, checkout_form(kg.client, KG_CHECKOUT))
    assert Order.objects.filter(user=kg.user).count() == 2


# --- bad input ---------------------------------------------------------------------------------


def _bad_inputs():
    return [
        pytest.param(lambda kg: {"address": None}, "Choose a delivery address.", id="missing-address"),
        pytest.param(
            lambda kg: {"address": str(AddressFactory(user=KGUserFactory()).pk)},
            "Choose one of your delivery addresses.",
            id="another-users-address",
        ),
        pytest.param(lambda kg: {"address": "abc"}, "Choose one of your delivery addresses.", id="garbage-address"),
        pytest.param(
            lambda kg: {"payment_method": "test"}, "Choose a way to pay that this market offers.", id="us-test"
        ),
        pytest.param(lambda kg: {"payment_method": "card"}, "Choose a way to pay that this market offers.", id="card"),
        pytest.param(lambda kg: {"payment_method": None}, "Choose how you will pay.", id="missing-payment"),
        pytest.param(
            lambda kg: {"checkout_key": "bad key!"},
            "This checkout form is out of date. Please review your order again.",
            id="tampered-key",
        ),
        pytest.param(
            lambda kg: {"checkout_key": None},
            "This checkout form is out of date. Please review your order again.",
            id="missing-key",
        ),
        pytest.param(
            lambda kg: {"checkout_key": "k" * 65},
            "This checkout form is out of date. Please review your order again.",
            id="overlong-key",
        ),
        pytest.param(
            lambda kg: {"delivery_notes": "x" * 501},
            "Ensure this value has at most 500 characters (it has 501).",
            id="notes-too-long",
        ),
    ]


@pytest.mark.parametrize(("change", "error"), _bad_inputs())
def test_bad_input_is_a_400_with_a_clear_error_and_places_nothing(kg, change, error):
    data = checkout_form(kg.client, KG_CHECKOUT)
    data.update(change(kg))
    data = {key: value for key, value in data.items() if value is not None}

    response = kg.client.post(KG_CHECKOUT, data)

    assert response.status_code == 400
    assert error in response.text
    assert not Order.objects.exists()
    kg.sku.refresh_from_db()
    assert kg.sku.stock == 5
    assert list(CartItem.objects.filter(cart=kg.cart).values_list("sku_id", "quantity")) == [(kg.sku.pk, 1)]
    # The page comes back whole, with the shopper's choices and the summary.
    assert 'id="checkout-form"' in response.text and 'id="checkout-summary"' in response.text


def test_notes_of_exactly_500_characters_are_fine(kg):
    response = kg.client.post(KG_CHECKOUT, checkout_form(kg.client, KG_CHECKOUT, delivery_notes="x" * 500))
    assert response.status_code == 302 and len(Order.objects.get().delivery_notes) == 500


def test_a_400_keeps_what_the_shopper_typed_and_chose(kg):
    data = checkout_form(kg.client, KG_CHECKOUT, address=str(kg.work.pk), payment_method="nope")
    data["delivery_notes"] = "Ring twice"
    html = kg.client.post(KG_CHECKOUT, data).text
    assert radios(html, "address") == {str(kg.home.pk): False, str(kg.work.pk): True}
    assert "Ring twice</textarea>" in html
    assert checkout_key(html) == data["checkout_key"]


def test_a_tampered_key_gets_a_fresh_key_so_the_corrected_form_can_be_placed(kg):
    data = checkout_form(kg.client, KG_CHECKOUT, checkout_key="bad key!")
    html = kg.client.post(KG_CHECKOUT, data).text
    fresh = checkout_key(html)
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", fresh)

    response = kg.client.post(KG_CHECKOUT, {**data, "checkout_key": fresh})
    assert response.status_code == 302 and Order.objects.count() == 1


def test_an_address_in_the_other_market_is_refused(kg):
    us_address = AddressFactory(user=USUserFactory(), state="IL", postal_code="60606", city="Chicago")
    data = checkout_form(kg.client, KG_CHECKOUT, address=str(us_address.pk))
    assert kg.client.post(KG_CHECKOUT, data).status_code == 400
    assert not Order.objects.exists()


@pytest.mark.parametrize("payment_method", ["cash", "bank_transfer", "card"])
def test_us_shopper_cannot_pay_with_another_markets_method(us, payment_method):
    data = checkout_form(us.client, US_CHECKOUT, payment_method=payment_method)
    response = us.client.post(US_CHECKOUT, data)
    assert response.status_code == 400 and "Choose a way to pay that this market offers." in response.text
    assert not Order.objects.exists()


def _another_shopper_buys(sku, *, leaving):
    """Wrap the view's cart check so that right after it another shopper's order leaves `leaving` in stock."""
    real = order_views.summarize_cart

    def summarize_then_sell(**kwargs):
        summary = real(**kwargs)
        SKU.objects.filter(pk=sku.pk).update(stock=leaving)
        return summary

    return summarize_then_sell


@pytest.mark.parametrize(
    ("leaving", "message"),
    [
        (0, "Sorry, Linen Shirt (M / Sand) has just sold out. Remove it from your cart to continue."),
        (1, "Sorry, only 1 of Linen Shirt (M / Sand) is left. Lower the quantity to continue."),
    ],
)
def test_sold_out_meanwhile_goes_back_to_the_cart_with_the_message_and_the_cart_untouched(
    kg, monkeypatch, leaving, message
):
    CartItem.objects.filter(pk=kg.line.pk).update(quantity=2)
    data = checkout_form(kg.client, KG_CHECKOUT)
    monkeypatch.setattr(order_views, "summarize_cart", _another_shopper_buys(kg.sku, leaving=leaving))

    response = kg.client.post(KG_CHECKOUT, data)

    assert response.status_code == 302 and response["Location"] == "/kg/cart/"
    assert messages_of(response) == [message]
    assert not Order.objects.exists()
    assert list(CartItem.objects.filter(cart=kg.cart).values_list("sku_id", "quantity")) == [(kg.sku.pk, 2)]
    kg.sku.refresh_from_db()
    assert kg.sku.stock == leaving


# --- adding an address from checkout ------------------------------------------------------------


def test_adding_an_address_comes_back_with_it_chosen(kg):
    response = kg.client.post(
        "/kg/checkout/address/", {"title": "Gym", "street": "Toktogul Street", "building": "95", "city": "Bishkek"}
    )

    new = Address.objects.get(user=kg.user, street="Toktogul Street")
    assert response.status_code == 302 and response["Location"] == f"{KG_CHECKOUT}?address={new.pk}"
    assert messages_of(response) == ["Address saved."]
    assert not new.is_default and Address.objects.get(pk=kg.home.pk).is_default
    html = kg.client.get(response["Location"]).text
    assert radios(html, "address")[str(new.pk)] is True
    assert [value for value, checked in radios(html, "address").items() if checked] == [str(new.pk)]


def test_saving_a_new_address_keeps_the_notes_and_the_payment_already_typed(kg):
    page = kg.client.get(KG_CHECKOUT).text
    # The new address's fields post with the checkout form, so its button sends what was typed there too.
    assert re.search(r'<input[^>]*name="street"[^>]*form="checkout-form"', page)
    assert re.search(r'<button[^>]*form="checkout-form"[^>]*formaction="/kg/checkout/address/"', page)
    Address.objects.filter(user=kg.user).delete()

    response = kg.client.post(
        "/kg/checkout/address/",
        {
            "street": "Toktogul Street",
            "city": "Bishkek",
            "payment_method": "bank_transfer",
            "delivery_notes": "Ring twice, third floor",
        },
    )
    html = kg.client.get(response["Location"]).text

    assert [value for value, checked in radios(html, "payment_method").items() if checked] == ["bank_transfer"]
    assert "Ring twice, third floor</textarea>" in html
    # Kept once: the next visit to checkout starts afresh.
    assert "Ring twice" not in kg.client.get(KG_CHECKOUT).text


def test_an_address_with_errors_keeps_the_notes_and_the_payment_too(kg):
    response = kg.client.post(
        "/kg/checkout/address/",
        {"street": "", "city": "Bishkek", "payment_method": "bank_transfer", "delivery_notes": "Side door"},
    )

    assert response.status_code == 400
    assert [value for value, checked in radios(response.text, "payment_method").items() if checked] == ["bank_transfer"]
    assert "Side door</textarea>" in response.text


def test_first_address_added_at_checkout_becomes_the_default(kg):
    Address.objects.filter(user=kg.user).delete()
    response = kg.client.post("/kg/checkout/address/", {"street": "Toktogul Street", "city": "Bishkek"})
    new = Address.objects.get(user=kg.user)
    assert new.is_default and response["Location"] == f"{KG_CHECKOUT}?address={new.pk}"


def test_us_address_added_at_checkout_sets_the_tax_of_its_state(us):
    SalesTaxRate.objects.update_or_create(state="NY", defaults={"rate": Decimal("0.04"), "taxes_shipping": True})
    response = us.client.post(
        "/us/checkout/address/",
        {"street": "Fifth Avenue", "building": "350", "city": "New York", "state": "NY", "postal_code": "10118"},
    )
    html = us.client.get(response["Location"]).text
    # New York taxes shipping too: 4% of $47.95 = $1.92.
    assert "Sales tax 4%" in html and re.search(r'data-testid="tax">\$1.92<', html)


@pytest.mark.parametrize(
    ("market", "data", "errors"),
    [
        ("kg", {"street": "", "city": "Bishkek"}, {"street": "This field is required."}),
        ("kg", {"street": "Chui", "city": "Atlantis"}, {"city": "Select a valid choice."}),
        ("kg", {"street": "Chui", "city": "Bishkek", "postal_code": "12"}, {"postal_code": "6 digits"}),
        (
            "us",
            {"street": "Main St", "city": "Austin", "state": "", "postal_code": "abcde"},
            {"state": "This field is required.", "postal_code": "Enter a 5-digit ZIP code"},
        ),
    ],
)
def test_invalid_address_is_a_400_with_field_errors(kg_shopper, us_shopper, client, market, data, errors):
    user = kg_shopper if market == "kg" else us_shopper
    client.force_login(user)
    before = Address.objects.count()

    response = client.post(f"/{market}/checkout/address/", data)

    assert response.status_code == 400
    html = response.text
    for field, message in errors.items():
        error = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
        assert error and message in error.group(1), field
    assert re.search(r"<details[^>]*\sopen", html), "the address form with its errors must be open"
    assert Address.objects.count() == before


def test_adding_an_address_needs_sign_in_and_post(client, kg):
    assert kg.client.get("/kg/checkout/address/").status_code == 405
    client.logout()
    response = client.post("/kg/checkout/address/", {"street": "Chui", "city": "Bishkek"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Address.objects.count() == 2


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(kg):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(kg.user)
    return strict


def _csrf_posts(kg):
    order = place_order(user=kg.user, address=kg.home, payment_method="cash", checkout_key="csrf-order-1").order
    number = order.order_number
    CartItemFactory(cart=kg.cart, sku=kg.sku, quantity=1)
    return order, [
        (KG_CHECKOUT, {"address": kg.home.pk, "payment_method": "cash", "checkout_key": "csrf-order-2"}),
        ("/kg/checkout/address/", {"street": "Toktogul Street", "city": "Bishkek"}),
        (f"/kg/orders/{number}/cancel/", {}),
        (f"/kg/orders/{number}/pay/", {}),
        (f"/kg/orders/{number}/pay/test/", {"outcome": "pay"}),
    ]


def test_posts_without_the_csrf_token_are_refused(kg, csrf_client):
    order, posts = _csrf_posts(kg)
    for url, data in posts:
        assert csrf_client.post(url, data).status_code == 403, url
    order.refresh_from_db()
    assert order.status == "pending" and Order.objects.count() == 1
    assert Address.objects.filter(user=kg.user).count() == 2


def test_posts_with_the_csrf_token_go_through(kg, csrf_client):
    order, _posts = _csrf_posts(kg)
    html = csrf_client.get(KG_CHECKOUT).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = {
        "address": kg.home.pk,
        "payment_method": "cash",
        "checkout_key": checkout_key(html),
        "csrfmiddlewaretoken": token,
    }
    assert csrf_client.post(KG_CHECKOUT, data).status_code == 302
    response = csrf_client.post(f"/kg/orders/{order.order_number}/cancel/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Order.objects.count() == 2
    order.refresh_from_db()
    assert order.status == "cancelled"


# --- query budgets ------------------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, budget, **kwargs):
    client.get(url, **kwargs)  # warm the exchange-rate and menu caches, as a running shop has them
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "headers", "budget"),
    [
        (US_CHECKOUT, {}, 14),
        ("/us/checkout/summary/?address={california}", HTMX, 7),
    ],
    ids=["checkout-page", "summary-partial"],
)
def test_checkout_queries_do_not_grow_with_lines(us, django_assert_max_num_queries, url, headers, budget):
    url = url.format(california=us.california.pk)
    counts = []
    for lines in (1, 20):
        while CartItem.objects.filter(cart=us.cart).count() < lines:
            sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("5")), stock=9)
            CartItemFactory(cart=us.cart, sku=sku, quantity=1)
        counts.append(_count_queries(us.client, url, django_assert_max_num_queries, budget, headers=headers))
    assert counts[0] == counts[1]


def _order_with_items(user, n_items):
    order = OrderFactory(user=user)
    for _ in range(n_items):
        OrderItemFactory(order=order, price=Decimal("10"), sku__product__price=Decimal("10"))
    order.subtotal = sum(item.subtotal for item in order.items.all())
    order.total_amount = order.subtotal + order.shipping_cost
    order.save()
    OrderStatusHistory.objects.create(order=order, status="pending", changed_by=user)
    return order


def test_order_list_queries_do_not_grow_with_orders(kg, django_assert_max_num_queries):
    counts = []
    for orders in (1, 12):
        while Order.objects.filter(user=kg.user).count() < orders:
            _order_with_items(kg.user, 3)
        counts.append(_count_queries(kg.client, "/kg/orders/", django_assert_max_num_queries, 8))
    assert counts[0] == counts[1]


def test_order_detail_queries_do_not_grow_with_items(kg, django_assert_max_num_queries):
    counts = []
    for items in (1, 20):
        order = _order_with_items(kg.user, items)
        for status in ("confirmed", "shipped", "delivered"):
            OrderStatusHistory.objects.create(order=order, status=status, changed_by=kg.user)
        url = f"/kg/orders/{order.order_number}/"
        # Session, user, order, items, history, the header's three badges, the order's parcels.
        counts.append(_count_queries(kg.client, url, django_assert_max_num_queries, 9))
    assert counts[0] == counts[1]
