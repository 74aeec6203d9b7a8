"""The database holds every index and unique rule the seed schema lists, and migrations are complete."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from catalog.models import SKU, Category, Product, WishlistItem
from checkout.models import CartItem, Order
from marketing.models import Banner

pytestmark = pytest.mark.django_db


def constraints_of(model):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def indexes_on(model, columns):
    """Indexes (plain or unique) whose columns are exactly `columns`, in order."""
    return [
        info
        for info in constraints_of(model).values()
        if (info["index"] or info["unique"]) and not info["primary_key"] and info["columns"] == list(columns)
    ]


def unique_on(model, columns):
    return [info for info in constraints_of(model).values() if info["unique"] and info["columns"] == list(columns)]


def column(model, field):
    return model._meta.get_field(field).column


SEED_INDEXES = [
    pytest.param(User, ["phone"], id="users-phone"),
    pytest.param(User, ["market"], id="users-market"),
    pytest.param(Product, ["slug"], id="products-slug"),
    pytest.param(Product, ["market", "is_active", "in_stock"], id="products-market-active-in_stock"),
    pytest.param(Product, ["category", "subcategory"], id="products-category-subcategory"),
    pytest.param(Product, ["sales_count"], id="products-sales_count"),
    pytest.param(Category, ["market", "is_active"], id="categories-market-active"),
    pytest.param(SKU, ["sku_code"], id="skus-sku_code"),
    pytest.param(SKU, ["product", "is_active"], id="skus-product-active"),
    pytest.param(Order, ["order_number"], id="orders-order_number"),
    pytest.param(Order, ["user", "status"], id="orders-user-status"),
    pytest.param(Order, ["created_at"], id="orders-created_at"),
    pytest.param(Banner, ["market", "banner_type", "is_active"], id="banners-market-type-active"),
]


@pytest.mark.parametrize(("model", "fields"), SEED_INDEXES)
def test_every_seed_index_exists_in_the_database(model, fields):
    columns = [column(model, f) for f in fields]
    assert indexes_on(model, columns), f"no index on {model._meta.db_table}({', '.join(columns)})"


@pytest.mark.parametrize(("model", "field"), [(Product, "sales_count"), (Order, "created_at")])
def test_newest_and_best_selling_indexes_are_descending(model, field):
    # Both PostgreSQL's and SQLite's introspection report each indexed column's order.
    orders = [info.get("orders") for info in indexes_on(model, [column(model, field)])]
    assert ["DESC"] in orders, f"{connection.vendor}: {orders}"


SEED_UNIQUE_RULES = [
    pytest.param(Category, ["name", "market"], id="category-name-market"),
    pytest.param(SKU, ["product", "size", "color"], id="sku-product-size-color"),
    pytest.param(CartItem, ["cart", "sku"], id="cartitem-cart-sku"),
    pytest.param(WishlistItem, ["wishlist", "product"], id="wishlistitem-wishlist-product"),
    pytest.param(User, ["phone"], id="user-phone"),
    pytest.param(Order, ["order_number"], id="order-order_number"),
    pytest.param(SKU, ["sku_code"], id="sku-sku_code"),
]


@pytest.mark.parametrize(("model", "fields"), SEED_UNIQUE_RULES)
def test_every_seed_unique_rule_is_enforced_by_the_database(model, fields):
    columns = [column(model, f) for f in fields]
    assert unique_on(model, columns), f"no unique rule on {model._meta.db_table}({', '.join(columns)})"


def test_the_introspection_helpers_see_a_missing_index_as_missing():
    assert not indexes_on(Product, [column(Product, "description")])
    assert not unique_on(Category, [column(Category, "name")])


def test_models_and_migrations_agree():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, interactive=False, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("Models have changes without a migration:\n" + out.getvalue())
    assert "No changes detected" in out.getvalue()
