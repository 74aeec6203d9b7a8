"""`Product.in_stock` and `Product.sales_count` stay true on every path that moves stock or sales:
placing an order, cancelling it, the admin's edits, and imports that bypass the ORM."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import AddressFactory, KGUserFactory, StaffFactory
from catalog.models import SKU, Product
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Order
from checkout.orders import place_order
from checkout.status import change_status
from checkout.tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    settings.STRIPE_SECRET_KEY = ""


def buy(*lines):
    user = KGUserFactory()
    address = AddressFactory(user=user, city="Bishkek", street="Chui Avenue", building="120")
    cart = CartFactory(user=user)
    for sku, quantity in lines:
        CartItemFactory(cart=cart, sku=sku, quantity=quantity)
    return place_order(user=user, address=address, payment_method="cash").order


def product_with(*stocks):
    product = ProductFactory(price=Decimal("2000"), sales_count=0)
    skus = [SKUFactory(product=product, price=Decimal("2000"), stock=n, size=f"S{i}") for i, n in enumerate(stocks)]
    return Product.objects.get(pk=product.pk), skus


def fresh(product):
    product.refresh_from_db()
    return product


def test_selling_the_last_unit_takes_the_product_out_of_stock_and_counts_the_sale():
    product, [sku] = product_with(2)
    assert product.in_stock

    buy((sku, 2))

    product = fresh(product)
    assert not product.in_stock
    assert product.sales_count == 2
    assert Product.objects.in_stock().filter(pk=product.pk).count() == 0


def test_a_product_with_another_size_left_stays_in_stock_and_every_order_counts():
    product, [small, large] = product_with(1, 3)

    buy((small, 1))
    buy((large, 2))

    product = fresh(product)
    assert product.in_stock
    assert product.sales_count == 3


def test_cancelling_puts_the_product_back_in_stock_and_takes_the_sales_back_once():
    product, [sku] = product_with(1)
    order = buy((sku, 1))
    assert not fresh(product).in_stock

    change_status(order=order, to=Order.Status.CANCELLED, by=StaffFactory())

    product = fresh(product)
    assert product.in_stock
    assert product.sales_count == 0
    assert SKU.objects.get(pk=sku.pk).stock == 1


def test_admin_stock_edits_and_deactivations_move_the_flag(admin_client):
    product, [sku] = product_with(3)

    sku.stock = 0
    sku.save()
    assert not fresh(product).in_stock

    sku.stock = 4
    sku.save()
    assert fresh(product).in_stock

    sku.is_active = False
    sku.save()
    assert not fresh(product).in_stock

    sku.delete()
    assert not fresh(product).in_stock


def test_the_admin_product_form_no_longer_sets_in_stock_by_hand(admin_client):
    product, _skus = product_with(0)
    assert not fresh(product).in_stock

    page = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk]))

    assert 'name="in_stock"' not in page.text


def test_a_product_saved_in_the_admin_without_skus_is_not_in_stock(admin_client):
    from catalog.tests.test_admin import product_form

    product = ProductFactory()
    category = product.category
    response = admin_client.post(reverse("admin:catalog_product_add"), product_form(category))

    assert response.status_code == 302
    assert not Product.objects.get(slug="wool-coat").in_stock


def test_an_import_that_bypasses_the_orm_is_repaired_by_the_command():
    product, [sku] = product_with(5)
    SKU.objects.filter(pk=sku.pk).update(stock=0)  # a raw import sends no signal
    assert fresh(product).in_stock

    call_command("refresh_stock_flags", stdout=StringIO())

    assert not fresh(product).in_stock
