"""Managers at work in the admin: their market's orders, status moves, bulk actions, tax rates, stale SKU forms."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Notification
from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import (
    AddressFactory,
    KGUserFactory,
    USUserFactory,
    staff_in_role,
)
from catalog.models import SKU
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout import admin as checkout_admin
from checkout.models import Cart, Order, SalesTaxRate
from checkout.orders import place_order
from checkout.payments import pay_with_test_method
from checkout.status import change_status

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:checkout_order_changelist")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


class _FormReader(HTMLParser):
    """What a browser would submit for the form `form_id`: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.pairs = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._select["options"].append((a.get("value", ""), "selected" in a))
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and "name" in a:
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and "name" in a:
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = [value for value, selected in select["options"] if selected]
            if not chosen and not select["multiple"] and select["options"]:
                chosen = [select["options"][0][0]]
            self.pairs.extend((select["name"], value) for value in chosen)
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))


def form_data(html, form_id):
    """The data the page's form `form_id` submits as rendered (a dict of lists for the test client)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {}
    for name, value in reader.pairs:
        data.setdefault(name, []).append(value)
    assert data, f"no form {form_id!r} on the page"
    return data


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def kg_manager():
    return staff_in_role(MARKET_MANAGER, "KG")


@pytest.fixture
def kg_manager_client(client, kg_manager):
    client.force_login(kg_manager)
    return client


def placed(user=None, *, payment_method=None, quantity=1, stock=5):
    """An order placed through checkout by `user` (a new KG shopper by default), and its SKU."""
    user = user or KGUserFactory()
    if user.market == "US":
        SalesTaxRate.objects.update_or_create(state="IL", defaults={"rate": Decimal("0.0625"), "taxes_shipping": False})
        address = AddressFactory(user=user, city="Chicago", state="IL", postal_code="60606", is_default=True)
        product = ProductFactory(market="US", price=Decimal("40"))
    else:
        address = AddressFactory(user=user, city="Bishkek", is_default=True)
        product = ProductFactory(market="KG", price=Decimal("2990"))
    sku = SKUFactory(product=product, stock=stock)
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": user.market})
    cart.items.create(sku=sku, quantity=quantity)
    method = payment_method or ("test" if user.market == "US" else "cash")
    return place_order(user=user, address=address, payment_method=method).order, sku


def moved(order, *statuses):
    for status in statuses:
        change_status(order=order, to=status)
    order.refresh_from_db()
    return order


def change_url(order):
    return reverse("admin:checkout_order_change", args=[order.pk])


def listed(client, query=""):
    response = client.get(ORDERS + query)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


# --- a market manager's orders ------------------------------------------------------------------


@pytest.fixture
def both_markets():
    kg = [placed()[0], moved(placed()[0], "confirmed")]
    us_paid, _sku = placed(USUserFactory())
    pay_with_test_method(us_paid, succeed=True)
    us = [placed(USUserFactory())[0], Order.objects.get(pk=us_paid.pk)]
    return {"KG": kg, "US": us}


def test_kg_manager_lists_only_kg_orders(kg_manager_client, both_markets):
    response = kg_manager_client.get(ORDERS)
    assert set(response.context["cl"].result_list) == set(both_markets["KG"])
    for order in both_markets["US"]:
        assert order.order_number not in response.text
    assert listed(kg_manager_client, "?market=US") == set(both_markets["KG"])


def test_kg_manager_opening_a_us_order_is_told_it_does_not_exist(kg_manager_client, both_markets):
    order = both_markets["US"][0]
    response = kg_manager_client.get(change_url(order))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert any("doesn’t exist" in m for m in messages_of(response))


def test_kg_manager_posting_to_a_us_order_changes_nothing(kg_manager_client, both_markets):
    order = both_markets["US"][0]
    before = (order.status, order.delivery_notes, order.status_history.count())
    data = {"new_status": "cancelled", "status_note": "Not mine", "delivery_notes": "Leave at the door"}

    response = kg_manager_client.post(change_url(order), data)

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    order.refresh_from_db()
    assert (order.status, order.delivery_notes, order.status_history.count()) == before


def test_kg_manager_bulk_action_on_a_us_order_changes_nothing(kg_manager_client, both_markets):
    us_confirmed = both_markets["US"][1]
    assert us_confirmed.status == "confirmed"

    kg_manager_client.post(ORDERS, {"action": "mark_shipped", "_selected_action": [us_confirmed.pk]})

    us_confirmed.refresh_from_db()
    assert us_confirmed.status == "confirmed"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status__exact=pending", [0]),
        ("?status__exact=confirmed", [1]),
        ("?status__exact=shipped", []),
        ("?payment_method__exact=cash", [0, 1]),
    ],
)
def test_kg_manager_filters_by_status(kg_manager_client, both_markets, query, expected):
    assert listed(kg_manager_client, query) == {both_markets["KG"][i] for i in expected}


def test_kg_manager_searches_by_number_and_phone(kg_manager_client, both_markets):
    first, second = both_markets["KG"]
    Order.objects.filter(pk=second.pk).update(customer_phone="+996700987654")

    assert listed(kg_manager_client, f"?q={first.order_number}") == {first}
    assert listed(kg_manager_client, "?q=700987654") == {second}
    assert listed(kg_manager_client, f"?q={both_markets['US'][0].order_number}") == set()
    assert listed(kg_manager_client, f"?q={both_markets['US'][0].customer_phone[1:]}") == set()


# --- moving an order through the change form ----------------------------------------------------


def status_choices(client, order):
    form = client.get(change_url(order)).context["adminform"].form
    return [value for value, _label in form.fields["new_status"].choices] if "new_status" in form.fields else None


def test_manager_confirms_an_order_and_the_history_says_who(kg_manager_client, kg_manager):
    order, _sku = placed()
    html = kg_manager_client.get(change_url(order)).text
    data = form_data(html, "order_form")
    data.update(new_status=["confirmed"], status_note=["Called the customer"])

    response = kg_manager_client.post(change_url(order), data)

    assert response.status_code == 302 and response["Location"] == ORDERS
    order.refresh_from_db()
    assert order.status == "confirmed" and order.confirmed_date is not None
    last = order.status_history.last()
    assert (last.status, last.changed_by, last.notes) == ("confirmed", kg_manager, "Called the customer")
    assert Notification.objects.filter(user=order.user, title=f"Order {order.order_number} confirmed").exists()
    assert any("was changed successfully" in m for m in messages_of(response))


def test_manager_cancels_an_order_and_the_stock_returns(kg_manager_client):
    order, sku = placed(quantity=2, stock=5)
    data = form_data(kg_manager_client.get(change_url(order)).text, "order_form")
    data.update(new_status=["cancelled"], status_note=["Customer asked by phone"])

    kg_manager_client.post(change_url(order), data)

    order.refresh_from_db()
    assert order.status == "cancelled" and SKU.objects.get(pk=sku.pk).stock == 5


@pytest.mark.parametrize(
    ("moves", "offered"),
    [
        ((), ["", "confirmed", "cancelled"]),
        (("confirmed",), ["", "shipped", "cancelled"]),
        (("confirmed", "shipped"), ["", "delivered"]),
    ],
    ids=["pending", "confirmed", "shipped"],
)
def test_only_the_allowed_moves_are_offered(kg_manager_client, moves, offered):
    order = moved(placed()[0], *moves)
    assert status_choices(kg_manager_client, order) == offered


@pytest.mark.parametrize(
    "moves", [("confirmed", "shipped", "delivered"), ("cancelled",)], ids=["delivered", "cancelled"]
)
def test_finished_orders_offer_no_move(kg_manager_client, moves):
    order = moved(placed()[0], *moves)
    assert status_choices(kg_manager_client, order) == [""]
    html = kg_manager_client.get(change_url(order)).text
    assert not re.search(r'<option value="(confirmed|shipped|delivered|cancelled)"', html)


@pytest.mark.parametrize(
    ("moves", "posted"),
    [((), "shipped"), ((), "delivered"), (("confirmed",), "pending"), (("confirmed", "shipped"), "cancelled")],
)
def test_a_move_that_is_not_offered_is_refused(kg_manager_client, moves, posted):
    order = moved(placed()[0], *moves)
    data = form_data(kg_manager_client.get(change_url(order)).text, "order_form")
    data["new_status"] = [posted]

    response = kg_manager_client.post(change_url(order), data)

    assert response.status_code == 200
    assert f"Select a valid choice. {posted} is not one of the available choices." in response.text
    order.refresh_from_db()
    assert order.status == (moves[-1] if moves else "pending")


def test_a_move_chosen_on_a_form_gone_stale_is_refused_not_dropped(kg_manager_client):
    """The manager opened a pending order; the customer cancelled it before the manager confirmed it."""
    order, _sku = placed()
    data = form_data(kg_manager_client.get(change_url(order)).text, "order_form")
    data["new_status"] = ["confirmed"]
    moved(order, "cancelled")

    response = kg_manager_client.post(change_url(order), data)

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert response.status_code == 200, "the manager must learn the move did not happen"
    assert "Select a valid choice. confirmed is not one of the available choices." in response.text


def test_saving_the_form_never_writes_back_a_payment_recorded_meanwhile(kg_manager_client, monkeypatch):
    """A payment (webhook, another manager) lands while the manager saves the delivery notes."""
    order, _sku = placed()
    data = form_data(kg_manager_client.get(change_url(order)).text, "order_form")
    data["delivery_notes"] = ["Ring twice"]
    real_clean = checkout_admin.OrderAdminForm.clean

    def clean_while_paid_meanwhile(form):
        Order.objects.filter(pk=order.pk).update(payment_status="paid", payment_reference="received")
        return real_clean(form)

    monkeypatch.setattr(checkout_admin.OrderAdminForm, "clean", clean_while_paid_meanwhile)

    kg_manager_client.post(change_url(order), data)

    order.refresh_from_db()
    assert order.delivery_notes == "Ring twice"
    assert (order.payment_status, order.payment_reference) == ("paid", "received")


def test_confirming_a_card_order_awaiting_payment_is_refused(client):
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    order, _sku = placed(USUserFactory())
    data = form_data(client.get(change_url(order)).text, "order_form")
    data["new_status"] = ["confirmed"]

    response = client.post(change_url(order), data)

    assert response.status_code == 200 and "This order is waiting for its card payment." in response.text
    order.refresh_from_db()
    assert order.status == "pending" and order.status_history.count() == 1


# --- bulk actions --------------------------------------------------------------------------------


def run_action(client, action, orders):
    response = client.post(ORDERS, {"action": action, "_selected_action": [o.pk for o in orders]})
    assert response.status_code == 302
    messages = messages_of(response)
    client.get(response["Location"])  # shown, so the next action reports only its own
    return messages


def test_bulk_mark_shipped_moves_confirmed_orders_and_reports_the_refused(client, kg_manager):
    both = staff_in_role(MARKET_MANAGER, "KG", "US")
    client.force_login(both)
    confirmed = [moved(placed()[0], "confirmed") for _ in range(2)]
    awaiting_card, _sku = placed(USUserFactory())
    delivered = moved(placed()[0], "confirmed", "shipped", "delivered")

    messages = run_action(client, "mark_shipped", [*confirmed, awaiting_card, delivered])

    assert "2 orders are now shipped." in messages
    assert f"Order {awaiting_card.order_number} cannot go from pending to shipped." in messages
    assert f"Order {delivered.order_number} cannot go from delivered to shipped." in messages
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert [statuses[o.pk] for o in confirmed] == ["shipped", "shipped"]
    assert statuses[awaiting_card.pk] == "pending" and statuses[delivered.pk] == "delivered"
    for order in confirmed:
        last = order.status_history.last()
        assert (last.status, last.changed_by, last.notes) == ("shipped", both, "Bulk action in the admin")


def test_bulk_mark_confirmed_refuses_a_card_order_awaiting_payment(client):
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    awaiting_card, _sku = placed(USUserFactory())
    messages = run_action(client, "mark_confirmed", [awaiting_card])
    assert messages == [f"Order {awaiting_card.order_number} is waiting for its card payment."]
    awaiting_card.refresh_from_db()
    assert awaiting_card.status == "pending"


def test_bulk_mark_delivered_then_cancel_nothing_left(kg_manager_client):
    shipped = moved(placed()[0], "confirmed", "shipped")
    assert run_action(kg_manager_client, "mark_delivered", [shipped]) == ["1 order is now delivered."]
    shipped.refresh_from_db()
    assert shipped.status == "delivered" and shipped.delivered_date is not None


def test_mark_paid_offline(kg_manager_client, kg_manager):
    cash, _sku = placed()
    transfer, _sku = placed(payment_method="bank_transfer")
    cancelled = moved(placed()[0], "cancelled")

    messages = run_action(kg_manager_client, "mark_paid_offline", [cash, transfer, cancelled])

    assert "2 orders marked paid." in messages
    assert f"Order {cancelled.order_number} is not waiting for a payment." in messages
    for order in (cash, transfer):
        order.refresh_from_db()
        assert order.payment_status == "paid" and order.paid_at is not None
        assert order.payment_reference == f"received by {kg_manager}"
    cancelled.refresh_from_db()
    assert cancelled.payment_status == "pending"
    again = run_action(kg_manager_client, "mark_paid_offline", [cash])
    assert again == [f"Order {cash.order_number} is not waiting for a payment."]


def test_mark_paid_offline_refuses_online_orders(client):
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    card, _sku = placed(USUserFactory())
    messages = run_action(client, "mark_paid_offline", [card])
    assert messages == [f"Order {card.order_number} is paid online, not in cash or by transfer."]
    card.refresh_from_db()
    assert card.payment_status == "pending"


# --- sales tax rates ----------------------------------------------------------------------------


def tax_url(state):
    return reverse("admin:checkout_salestaxrate_change", args=[SalesTaxRate.objects.get(state=state).pk])


def tax_form(rate, taxes_shipping=False):
    return {"state": "CA", "rate": rate, **({"taxes_shipping": "on"} if taxes_shipping else {})}


@pytest.fixture
def california():
    rate, _created = SalesTaxRate.objects.update_or_create(
        state="CA", defaults={"rate": Decimal("0.0725"), "taxes_shipping": False}
    )
    return rate


def test_superuser_edits_a_sales_tax_rate(admin_client, california):
    response = admin_client.post(tax_url("CA"), tax_form("0.0750", taxes_shipping=True))
    assert response.status_code == 302
    california.refresh_from_db()
    assert (california.rate, california.taxes_shipping) == (Decimal("0.07500"), True)


def test_sales_tax_rate_out_of_range_is_refused(admin_client, california):
    response = admin_client.post(tax_url("CA"), tax_form("0.5"))
    assert response.status_code == 200
    california.refresh_from_db()
    assert california.rate == Decimal("0.07250")


def test_kg_manager_sees_but_cannot_change_sales_tax(kg_manager_client, california):
    page = kg_manager_client.get(tax_url("CA"))
    assert page.status_code == 200 and 'name="rate"' not in page.text
    response = kg_manager_client.post(tax_url("CA"), tax_form("0.01"))
    assert response.status_code == 403
    changelist = kg_manager_client.post(
        reverse("admin:checkout_salestaxrate_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(california.pk),
            "form-0-taxes_shipping": "on",
            "_save": "Save",
        },
    )
    assert changelist.status_code in (200, 302, 403)
    california.refresh_from_db()
    assert (california.rate, california.taxes_shipping) == (Decimal("0.07250"), False)


def test_us_manager_changes_sales_tax(client, california):
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    response = client.post(tax_url("CA"), tax_form("0.0800"))
    assert response.status_code == 302
    california.refresh_from_db()
    assert california.rate == Decimal("0.08000")


def test_a_changed_rate_prices_the_next_checkout_not_placed_orders(client, california):
    shopper = USUserFactory()
    placed_before, _sku = placed(shopper)  # Illinois, 6.25%
    address = AddressFactory(user=shopper, city="San Francisco", state="CA", postal_code="94105")
    client.force_login(staff_in_role(MARKET_MANAGER, "US"))
    client.post(tax_url("CA"), tax_form("0.1000"))
    sku = SKUFactory(product=ProductFactory(market="US", price=Decimal("40")))
    Cart.objects.get(user=shopper).items.create(sku=sku, quantity=1)

    order = place_order(user=shopper, address=address, payment_method="test").order

    assert (order.tax_rate, order.tax, order.total_amount) == (Decimal("0.1"), Decimal("4.00"), Decimal("51.95"))
    placed_before.refresh_from_db()
    assert placed_before.tax_rate == Decimal("0.0625")


# --- a SKU form left open while orders sell the stock ---------------------------------------------


@pytest.fixture
def shirt():
    product = ProductFactory(name="Linen Shirt", market="KG", price=Decimal("2990"))
    return SKUFactory(product=product, size="M", color="Sand", stock=5)


def buy(sku, quantity):
    user = KGUserFactory()
    cart = Cart.objects.create(user=user, market="KG")
    cart.items.create(sku=sku, quantity=quantity)
    address = AddressFactory(user=user, city="Bishkek", is_default=True)
    return place_order(user=user, address=address, payment_method="cash").order


def sku_url(sku):
    return reverse("admin:catalog_sku_change", args=[sku.pk])


def product_url(product):
    return reverse("admin:catalog_product_change", args=[product.pk])


def stock_field(data):
    """The name of the (first) stock input in the form's data: `stock` or `skus-0-stock`."""
    return next(name for name in data if re.fullmatch(r"(skus-0-)?stock", name))


@pytest.fixture(params=["sku-page", "product-inline"])
def stale_form(request, admin_client, shirt):
    """The SKU form (its own page or the product's SKU inline) as opened while the stock was 5."""
    url = sku_url(shirt) if request.param == "sku-page" else product_url(shirt.product)
    html = admin_client.get(url).text
    data = form_data(html, "sku_form" if request.param == "sku-page" else "product_form")
    name = stock_field(data)
    assert data[name] == ["5"] and data[f"initial-{name}"] == ["5"]
    return url, data, name


def test_stale_form_with_unchanged_stock_keeps_what_orders_left(admin_client, shirt, stale_form):
    url, data, _name = stale_form
    buy(shirt, 2)
    assert SKU.objects.get(pk=shirt.pk).stock == 3

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    assert SKU.objects.get(pk=shirt.pk).stock == 3


def test_stale_form_still_saves_the_other_changes(admin_client, shirt):
    data = form_data(admin_client.get(sku_url(shirt)).text, "sku_form")
    buy(shirt, 2)
    data["color"] = ["Sand Melange"]

    assert admin_client.post(sku_url(shirt), data).status_code == 302
    shirt.refresh_from_db()
    assert (shirt.color, shirt.stock) == ("Sand Melange", 3)


def test_stale_form_with_a_changed_stock_is_refused(admin_client, shirt, stale_form):
    url, data, name = stale_form
    buy(shirt, 2)
    data[name] = ["10"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Orders changed the stock from 5 to 3 while you were editing. Check the number and save again." in (
        response.text
    )
    assert SKU.objects.get(pk=shirt.pk).stock == 3
    # Opened again, the form shows 3 and a new number goes through.
    fresh = form_data(admin_client.get(url).text, "sku_form" if "sku" in url else "product_form")
    assert fresh[name] == ["3"]
    fresh[name] = ["10"]
    assert admin_client.post(url, fresh).status_code == 302
    assert SKU.objects.get(pk=shirt.pk).stock == 10


def test_changed_stock_without_orders_meanwhile_is_saved(admin_client, shirt, stale_form):
    url, data, name = stale_form
    data[name] = ["8"]
    assert admin_client.post(url, data).status_code == 302
    assert SKU.objects.get(pk=shirt.pk).stock == 8
