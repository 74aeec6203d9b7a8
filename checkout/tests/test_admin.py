import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import USUserFactory, staff_in_role
from checkout.models import Cart, Order, OrderItem, OrderStatusHistory
from checkout.tests.factories import CartItemFactory, OrderFactory, OrderItemFactory


@pytest.fixture
def kg_manager_client(db, client):
    client.force_login(staff_in_role(MARKET_MANAGER, "KG"))
    return client


def kg_order(**kwargs):
    order = OrderFactory(**kwargs)
    OrderItemFactory(order=order)
    OrderStatusHistory.objects.create(order=order, status=Order.Status.PENDING)
    return order


def us_order(**kwargs):
    order = OrderFactory(
        user=USUserFactory(),
        delivery_city="Chicago",
        payment_method="card",
        subtotal="59.00",
        shipping_cost="7.95",
        tax="4.72",
        tax_included=False,
        total_amount="71.67",
        **kwargs,
    )
    OrderItemFactory(order=order, price="59.00", sku__product__market="US", sku__product__price="59.00")
    OrderStatusHistory.objects.create(order=order, status=Order.Status.PENDING)
    return order


@pytest.fixture
def orders(db):
    return {"KG": kg_order(), "US": us_order()}


def change_url(obj):
    return reverse(f"admin:checkout_{obj._meta.model_name}_change", args=[obj.pk])


def changelist(client, model, query=""):
    response = client.get(reverse(f"admin:checkout_{model._meta.model_name}_changelist") + query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def management_form(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "0",
    }


def order_form(order, **fields):
    items = order.items.all()
    history = order.status_history.all()
    return {
        "customer_email": order.customer_email,
        "delivery_address": order.delivery_address,
        "delivery_city": order.delivery_city,
        "delivery_notes": order.delivery_notes,
        **management_form("items", len(items)),
        **{f"items-{i}-id": str(item.pk) for i, item in enumerate(items)},
        **{f"items-{i}-order": str(order.pk) for i in range(len(items))},
        **management_form("status_history", len(history)),
        **{f"status_history-{i}-id": str(change.pk) for i, change in enumerate(history)},
        **{f"status_history-{i}-order": str(order.pk) for i in range(len(history))},
        **fields,
    }


@pytest.mark.parametrize("model", [Order, OrderItem, OrderStatusHistory, Cart], ids=lambda m: m.__name__)
def test_checkout_changelists_load_for_superuser(admin_client, orders, model):
    CartItemFactory()

    assert changelist(admin_client, model)


@pytest.mark.parametrize("model", [Order, OrderItem, OrderStatusHistory, Cart], ids=lambda m: m.__name__)
def test_checkout_change_pages_load_for_superuser(admin_client, orders, model):
    CartItemFactory()

    response = admin_client.get(change_url(model.objects.first()))

    assert response.status_code == 200


@pytest.mark.parametrize("model", [Order, OrderItem, OrderStatusHistory, Cart], ids=lambda m: m.__name__)
def test_orders_and_carts_are_not_typed_in_the_admin(admin_client, model):
    # Orders are placed at checkout and carts opened by shoppers; their add pages do not exist.
    response = admin_client.get(reverse(f"admin:checkout_{model._meta.model_name}_add"))

    assert response.status_code == 403


def test_superuser_sees_orders_of_every_market(admin_client, orders):
    assert set(changelist(admin_client, Order)) == set(orders.values())


def test_order_change_page_shows_items_and_history_read_only(admin_client, orders):
    order = orders["US"]
    item = order.items.get()

    response = admin_client.get(change_url(order))

    html = response.text
    assert item.product_name in html
    assert "$71.67" in html
    assert 'name="items-0-quantity"' not in html
    assert 'name="status_history-0-status"' not in html
    editable = set(response.context["adminform"].form.fields)
    order_fields = {"customer_email", "delivery_address", "delivery_city", "delivery_notes"}
    assert editable == order_fields | {"new_status", "status_note"}


def test_order_items_cannot_be_changed_through_the_order(admin_client, orders):
    order = orders["KG"]
    item = order.items.get()
    data = order_form(order, **{"items-0-quantity": "5", "items-0-price": "1.00"})

    response = admin_client.post(change_url(order), data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.quantity, item.price) == (1, item.sku.price)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=MQ-KGKGKGKG", "KG"),
        ("?q=Aida", "KG"),
        ("?q=%2B1415", "US"),
        ("?status__exact=shipped", "US"),
        ("?payment_status__exact=paid", "KG"),
        ("?market=US", "US"),
    ],
)
def test_superuser_searches_and_filters_orders(admin_client, orders, query, expected):
    Order.objects.filter(pk=orders["KG"].pk).update(
        order_number="MQ-KGKGKGKG", customer_name="Aida Bekova", payment_status="paid"
    )
    Order.objects.filter(pk=orders["US"].pk).update(status="shipped")

    assert changelist(admin_client, Order, query) == [orders[expected]]


def test_order_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    url = reverse("admin:checkout_order_changelist")
    counts = []
    for rows in (3, 30):
        while Order.objects.count() < rows:
            kg_order()
        admin_client.get(url)  # warm caches so both counts compare alike
        with django_assert_max_num_queries(12) as captured:
            response = admin_client.get(url)
        assert response.context["cl"].result_count == rows
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_kg_manager_lists_only_kg_orders(kg_manager_client, orders):
    assert changelist(kg_manager_client, Order) == [orders["KG"]]
    assert changelist(kg_manager_client, Order, "?market=US") == [orders["KG"]]
    assert changelist(kg_manager_client, Order, f"?q={orders['US'].order_number}") == []


def test_kg_manager_cannot_open_a_us_order_by_url(kg_manager_client, orders):
    order = orders["US"]

    response = kg_manager_client.get(change_url(order))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert "doesn’t exist" in str(next(iter(get_messages(response.wsgi_request))))
    history = kg_manager_client.get(reverse("admin:checkout_order_history", args=[order.pk]))
    assert history.status_code == 302


def test_kg_manager_cannot_change_a_us_order_by_post(kg_manager_client, orders):
    order = orders["US"]

    response = kg_manager_client.post(change_url(order), order_form(order, delivery_notes="Leave it next door"))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    order.refresh_from_db()
    assert order.delivery_notes == ""


def test_kg_manager_changes_delivery_notes_of_a_kg_order(kg_manager_client, orders):
    order = orders["KG"]

    response = kg_manager_client.post(change_url(order), order_form(order, delivery_notes="Call before delivery"))

    assert response.status_code == 302
    assert response.url == reverse("admin:checkout_order_changelist")
    order.refresh_from_db()
    assert order.delivery_notes == "Call before delivery"


def test_kg_manager_sees_only_kg_order_items_and_history(kg_manager_client, orders):
    assert [item.order for item in changelist(kg_manager_client, OrderItem)] == [orders["KG"]]
    assert [change.order for change in changelist(kg_manager_client, OrderStatusHistory)] == [orders["KG"]]
    us_item = orders["US"].items.get()
    us_change = orders["US"].status_history.get()
    assert kg_manager_client.get(change_url(us_item)).status_code == 302
    assert kg_manager_client.get(change_url(us_change)).status_code == 302
    assert kg_manager_client.get(change_url(orders["KG"].items.get())).status_code == 200


def test_manager_without_assigned_markets_sees_no_orders(client, orders):
    client.force_login(staff_in_role(MARKET_MANAGER))

    assert changelist(client, Order) == []


def test_manager_of_both_markets_sees_both_and_may_filter(client, orders):
    client.force_login(staff_in_role(MARKET_MANAGER, "KG", "US"))

    assert set(changelist(client, Order)) == set(orders.values())
    assert changelist(client, Order, "?market=KG") == [orders["KG"]]


def test_market_manager_cannot_see_carts(kg_manager_client, orders):
    assert kg_manager_client.get(reverse("admin:checkout_cart_changelist")).status_code == 403


def test_merchandiser_gets_403_on_orders(client, orders):
    client.force_login(staff_in_role(MERCHANDISER))

    assert client.get(reverse("admin:checkout_order_changelist")).status_code == 403
    assert client.get(change_url(orders["KG"])).status_code == 403
    assert client.post(change_url(orders["KG"]), order_form(orders["KG"])).status_code == 403
    assert client.get(reverse("admin:checkout_orderitem_changelist")).status_code == 403


def test_market_manager_admin_index_offers_orders_reviews_and_promotions_and_nothing_else_of_the_catalog(
    kg_manager_client,
):
    response = kg_manager_client.get(reverse("admin:index"))

    models = {model["object_name"] for app in response.context["app_list"] for model in app["models"]}
    orders = {"Order", "OrderItem", "OrderStatusHistory", "PaymentEvent", "SalesTaxRate"}
    # Sales and codes of their own market (promotions/admin.py scopes them); their orders' parcels
    # and returns.
    assert models == orders | {"Review", "Sale", "DiscountCode", "Parcel", "ReturnRequest"}
