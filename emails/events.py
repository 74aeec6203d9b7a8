"""What the shop tells a shopper about an order, and which kind of message each one is.

Kept free of imports from checkout, so checkout can name these events without an import cycle.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderEvent(models.TextChoices):
    PLACED = "placed", _("Order confirmation and receipt")
    PAID = "paid", _("Payment received")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class MessageKind(models.TextChoices):
    ORDER_UPDATES = "order_updates", _("Order updates")
    SHIPPING_UPDATES = "shipping_updates", _("Shipping updates")


# The order status an email goes out for; "confirmed" has none (card orders get their
# confirmation when paid, cash and transfer orders when placed).
STATUS_EVENTS = {
    "pending": OrderEvent.PLACED,
    "shipped": OrderEvent.SHIPPED,
    "delivered": OrderEvent.DELIVERED,
    "cancelled": OrderEvent.CANCELLED,
}

EVENT_KINDS = {
    OrderEvent.PLACED: MessageKind.ORDER_UPDATES,
    OrderEvent.PAID: MessageKind.ORDER_UPDATES,
    OrderEvent.CANCELLED: MessageKind.ORDER_UPDATES,
    OrderEvent.SHIPPED: MessageKind.SHIPPING_UPDATES,
    OrderEvent.DELIVERED: MessageKind.SHIPPING_UPDATES,
}

# The kind of the SMS an order status sends (checkout/notify.py).
STATUS_KINDS = {
    "pending": MessageKind.ORDER_UPDATES,
    "confirmed": MessageKind.ORDER_UPDATES,
    "cancelled": MessageKind.ORDER_UPDATES,
    "shipped": MessageKind.SHIPPING_UPDATES,
    "delivered": MessageKind.SHIPPING_UPDATES,
}
