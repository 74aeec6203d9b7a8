"""Bulk actions on the products' and SKUs' lists: each scoped by permission, each recorded in the
audit log with its author."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import MERCHANDISER
from accounts.tests.factories import StaffFactory, staff_in_role
from catalog.audit import product_history
from catalog.models import SKU, MarketPrice, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from promotions.models import Sale

CHANGELIST = "admin:catalog_product_changelist"


@pytest.fixture
def merchandiser(db):
    return staff_in_role(MERCHANDISER)


@pytest.fixture
def staff_client(client, merchandiser):
    client.force_login(merchandiser)
    return client


@pytest.fixture
def products(db):
    first = ProductFactory(name="Oxford", market="KG")
    second = ProductFactory(name="Poplin", market="KG", is_active=False)
    SKUFactory(product=first, sku_code="OX-S", stock=4)
    SKUFactory(product=first, sku_code="OX-M", stock=0)
    SKUFactory(product=second, sku_code="PO-S", stock=1)
    return [first, second]


def act(client, action, rows, url=CHANGELIST, **data):
    return client.post(
        reverse(url), {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows], **data}, follow=False
    )


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_activate_and_deactivate(staff_client, products, merchandiser):
    response = act(staff_client, "activate", products)
    assert response.status_code == 302
    assert set(Product.objects.values_list("is_active", flat=True)) == {True}
    assert messages_of(response) == ["1 product activated."]
    act(staff_client, "deactivate", products)
    assert set(Product.objects.values_list("is_active", flat=True)) == {False}
    entry = LogEntry.objects.get_for_object(products[0]).latest("timestamp")
    assert entry.actor == merchandiser
    assert entry.changes_dict["is_active"] == ["True", "False"]


def test_move_to_category_asks_first_then_moves(staff_client, products):
    women = CategoryFactory(name="Women", slug="women", market="KG")
    dresses = SubcategoryFactory(category=women, name="Dresses")
    response = act(staff_client, "move_to_category", products)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Move the products" in page and "Oxford" in page
    response = act(staff_client, "move_to_category", products, apply="1", category=women.pk, subcategory=dresses.pk)
    assert response.status_code == 302
    assert set(Product.objects.values_list("category", "subcategory")) == {(women.pk, dresses.pk)}
    assert messages_of(response) == ["2 products moved to Women › Dresses."]


def test_move_to_category_refuses_a_category_of_another_market(staff_client, products):
    us_only = CategoryFactory(slug="us-only", market="US")
    before = list(Product.objects.values_list("category", flat=True))
    response = act(staff_client, "move_to_category", products, apply="1", category=us_only.pk)
    assert response.status_code == 200
    assert "This category is not sold where these products are" in response.content.decode()
    assert list(Product.objects.values_list("category", flat=True)) == before


def test_move_to_category_refuses_a_subcategory_of_another_category(staff_client, products):
    women = CategoryFactory(slug="women", market="KG")
    elsewhere = SubcategoryFactory()
    response = act(staff_client, "move_to_category", products, apply="1", category=women.pk, subcategory=elsewhere.pk)
    assert "Choose a subcategory of the category chosen." in response.content.decode()


def test_adjust_stock_sets_and_adds_and_keeps_in_stock_right(staff_client, products, merchandiser):
    second = products[1]
    response = act(staff_client, "adjust_stock", [second], mode="set", units="0", apply="1")
    assert messages_of(response) == ["The stock of 1 SKU was changed."]
    second.refresh_from_db()
    assert second.in_stock is False
    act(staff_client, "adjust_stock", products, mode="add", units="3", apply="1")
    assert dict(SKU.objects.values_list("sku_code", "stock")) == {"OX-S": 7, "OX-M": 3, "PO-S": 3}
    second.refresh_from_db()
    assert second.in_stock is True
    entry = LogEntry.objects.get_for_object(SKU.objects.get(sku_code="OX-M")).latest("timestamp")
    assert (entry.actor, entry.changes_dict["stock"]) == (merchandiser, ["0", "3"])


def test_adjust_stock_changes_nothing_when_one_sku_would_go_below_zero(staff_client, products):
    response = act(staff_client, "adjust_stock", products, mode="add", units="-2", apply="1")
    assert messages_of(response) == ["Nothing was changed: the stock of OX-M, PO-S would go below 0."]
    assert dict(SKU.objects.values_list("sku_code", "stock")) == {"OX-S": 4, "OX-M": 0, "PO-S": 1}


def test_adjust_stock_from_the_skus_list(staff_client, products):
    sku = SKU.objects.get(sku_code="OX-S")
    response = act(staff_client, "adjust_stock", [sku], url="admin:catalog_sku_changelist")
    assert "Change the stock" in response.content.decode()
    act(staff_client, "adjust_stock", [sku], url="admin:catalog_sku_changelist", mode="set", units="9", apply="1")
    sku.refresh_from_db()
    assert sku.stock == 9


def test_put_on_sale_creates_a_sale_of_the_products(staff_client, products, merchandiser):
    response = act(staff_client, "put_on_sale", products)
    assert "Create the sale" in response.content.decode()
    response = act(
        staff_client, "put_on_sale", products, apply="1", name="Summer", market="KG", kind="percent", value="20"
    )
    assert response.status_code == 302
    sale = Sale.objects.get()
    assert (sale.name, sale.market, sale.value) == ("Summer", "KG", Decimal("20.00"))
    assert set(sale.products.all()) == set(products)
    assert messages_of(response) == ["The sale “Summer” was created for 2 products."]
    assert LogEntry.objects.get_for_object(sale).first().actor == merchandiser


def test_put_on_sale_refuses_what_the_sale_rules_refuse(staff_client, products):
    response = act(
        staff_client, "put_on_sale", products, apply="1", name="Too much", market="KG", kind="percent", value="95"
    )
    assert "A sale takes at most 90 percent off." in response.content.decode()
    response = act(staff_client, "put_on_sale", products, apply="1", name="US", market="US", kind="percent", value="10")
    assert "These products are not sold in this market: Poplin, Oxford." in response.content.decode()
    assert not Sale.objects.exists()


@pytest.fixture
def viewer_client(client, db):
    viewer = StaffFactory()
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "view_sku"]))
    client.force_login(viewer)
    return client


@pytest.mark.parametrize("action", ["activate", "deactivate", "move_to_category", "adjust_stock", "put_on_sale"])
def test_staff_without_change_permission_cannot_run_actions(viewer_client, products, action):
    page = viewer_client.get(reverse(CHANGELIST)).content.decode()
    assert f'value="{action}"' not in page
    before = (list(Product.objects.values_list("is_active", "category")), list(SKU.objects.values_list("stock")))
    act(viewer_client, action, products, apply="1", mode="set", units="0", category=products[0].category_id)
    after = (list(Product.objects.values_list("is_active", "category")), list(SKU.objects.values_list("stock")))
    assert after == before
    assert not Sale.objects.exists()


def test_put_on_sale_needs_the_permission_to_add_sales(client, products):
    editor = StaffFactory()
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "change_product"]))
    client.force_login(editor)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="activate"' in page
    assert 'value="put_on_sale"' not in page


def test_product_history_shows_who_changed_a_price_before_and_after(staff_client, products, merchandiser):
    product = products[0]
    product.price = Decimal("3490.00")
    product.save()  # no request: the system
    fixed = MarketPrice.objects.create(product=product, market="KG", price="3290")
    response = act(staff_client, "deactivate", [product])
    entries = list(product_history(product))
    assert {entry.content_type.model for entry in entries} >= {"product", "marketprice", "sku"}
    price_change = next(entry for entry in entries if "price" in entry.changes_dict and entry.object_id == product.pk)
    assert price_change.changes_dict["price"] == ["2990.00", "3490.00"]
    assert price_change.actor is None
    assert any(entry.object_id == fixed.pk for entry in entries)
    response = staff_client.get(reverse("admin:catalog_product_history", args=[product.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2990.00 → 3490.00" in page
    assert str(merchandiser) in page


def test_a_price_changed_in_the_admin_records_its_author(staff_client, products, merchandiser):
    sku = SKU.objects.get(sku_code="OX-S")
    response = staff_client.get(reverse("admin:catalog_sku_change", args=[sku.pk]))
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update({"product": sku.product_id, "price": "3190.00", "initial-stock": sku.stock, "variant_image": ""})
    response = staff_client.post(reverse("admin:catalog_sku_change", args=[sku.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get_for_object(sku).latest("timestamp")
    assert (entry.actor, entry.changes_dict["price"]) == (merchandiser, ["2990.00", "3190.00"])


def test_sale_history_page(staff_client, products):
    act(staff_client, "put_on_sale", products, apply="1", name="Summer", market="KG", kind="percent", value="20")
    sale = Sale.objects.get()
    response = staff_client.get(reverse("admin:promotions_sale_history", args=[sale.pk]))
    assert response.status_code == 200
    assert "Summer" in response.content.decode()
