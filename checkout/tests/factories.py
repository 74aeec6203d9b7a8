from decimal import Decimal

import factory

from checkout.models import Cart, CartItem, Order, OrderItem


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory("accounts.tests.factories.KGUserFactory")
    market = factory.SelfAttribute("user.market")


class CartItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    sku = factory.SubFactory("catalog.tests.factories.SKUFactory")
    quantity = 1


class OrderFactory(factory.django.DjangoModelFactory):
    """An order with no items and amounts that add up (cash on delivery, VAT included)."""

    class Meta:
        model = Order

    user = factory.SubFactory("accounts.tests.factories.KGUserFactory")
    market = factory.SelfAttribute("user.market")
    currency = factory.LazyAttribute(lambda o: "KGS" if o.market == "KG" else "USD")
    customer_name = factory.SelfAttribute("user.full_name")
    customer_phone = factory.SelfAttribute("user.phone")
    delivery_address = "Chui Avenue 120, apt. 4"
    delivery_city = "Bishkek"
    payment_method = "cash"
    subtotal = Decimal("2990.00")
    shipping_cost = Decimal("250.00")
    tax = Decimal("320.36")
    tax_included = True
    total_amount = Decimal("3240.00")


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    sku = factory.SubFactory("catalog.tests.factories.SKUFactory")
    product = factory.SelfAttribute("sku.product")
    sku_code = factory.SelfAttribute("sku.sku_code")
    product_name = factory.SelfAttribute("sku.product.name")
    product_brand = factory.SelfAttribute("sku.product.brand")
    size = factory.SelfAttribute("sku.size")
    color = factory.SelfAttribute("sku.color")
    price = factory.SelfAttribute("sku.price")
    quantity = 1
    subtotal = factory.LazyAttribute(lambda o: o.price * o.quantity)
