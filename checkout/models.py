"""Carts (a shopper's or a visitor's session's), orders with their items and status history.

An order keeps what was charged: its items are snapshots, and deleting or deactivating a product
or SKU never alters an order, an item or an amount.
"""

import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from catalog.models import SKU, Product
from promotions.models import DiscountCode
from storefront.content import translated
from storefront.markets import US_STATES, Currency, Market, MarketQuerySet, PaymentType, get_market
from storefront.renditions import picture_of

MONEY = {"max_digits": 12, "decimal_places": 2}


class Cart(models.Model):
    """A shopper's cart, or a visitor's (tied to the session) until they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cart",
        null=True,
        blank=True,
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session"), max_length=64, null=True, blank=True, unique=True)
    market = models.CharField(_("market"), max_length=2, choices=Market.choices, default=Market.KG)
    discount_code = models.ForeignKey(
        DiscountCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("discount code"),
        help_text=_("Checked again when the order is placed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False), name="cart_has_owner"
            ),
        ]

    def __str__(self):
        return str(self.user) if self.user_id else _("Visitor cart")

    @property
    def market_config(self):
        """The configuration of the market this cart belongs to."""
        return get_market(self.market)

    @property
    def total_items(self):
        """Units in the cart (a line of 3 counts 3)."""
        return self.items.aggregate(total=Sum("quantity"))["total"] or 0

    # No money total here: a cart's lines are priced in its market (fixed prices, conversion of
    # ALL-market products) by checkout.cart.summarize_cart, the one total the cart page shows.


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey(SKU, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="cart_items")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="cart_item_unique_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_item_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"


def new_order_number():
    """A short, unguessable order number such as `MQ-7F3K9QX2` (reveals nothing about volume)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "MQ-" + "".join(secrets.choice(alphabet) for _ in range(8))


# A manager's search term, read by its shape: an order number or its start, or a phone number.
ORDER_NUMBER_START = re.compile(r"MQ-[0-9A-Z]*", re.IGNORECASE)
PHONE_LIKE = re.compile(r"\+?[\d\s().-]+")


class OrderQuerySet(MarketQuerySet):
    def active(self):
        return self.filter(status__in=Order.ACTIVE_STATUSES)

    def not_cancelled(self):
        return self.exclude(status=Order.Status.CANCELLED)

    def matching(self, term):
        """Orders found by a search `term`, each kind through an index of its own.

        `MQ-7F3K…` (any case): the order numbers that start with it. Three digits or more (with
        `+`, spaces, brackets or dashes): the customer phones that contain them. Anything else: the
        customer names that contain it, ignoring case. An empty term finds every order.
        """
        term = " ".join(term.split())
        if not term:
            return self
        if ORDER_NUMBER_START.fullmatch(term):
            return self.filter(order_number__startswith=term.upper())
        digits = re.sub(r"\D", "", term)
        if len(digits) >= 3 and PHONE_LIKE.fullmatch(term):
            return self.filter(customer_phone__contains=digits)
        return self.filter(customer_name__icontains=term)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    class PaymentMethod(models.TextChoices):
        CARD = PaymentType.CARD.value, PaymentType.CARD.label
        CASH = PaymentType.CASH.value, PaymentType.CASH.label
        BANK_TRANSFER = PaymentType.BANK_TRANSFER.value, PaymentType.BANK_TRANSFER.label
        DIGITAL_WALLET = PaymentType.DIGITAL_WALLET.value, PaymentType.DIGITAL_WALLET.label
        TEST = "test", _("Test payment (no money moves)")

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.SHIPPED)
    CANCELLABLE_STATUSES = (Status.PENDING, Status.CONFIRMED)
    # Paid through the card gateway (or its offline test stand-in) before the order is confirmed.
    ONLINE_PAYMENT_METHODS = (PaymentMethod.CARD, PaymentMethod.TEST)

    order_number = models.CharField(_("order number"), max_length=20, unique=True, default=new_order_number)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="orders",
        null=True,
        blank=True,
        verbose_name=_("user"),
    )
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    customer_name = models.CharField(_("customer name"), max_length=150)
    customer_phone = models.CharField(_("customer phone"), max_length=20)
    customer_email = models.EmailField(_("customer email"), blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300)
    delivery_city = models.CharField(_("delivery city"), max_length=100)
    delivery_state = models.CharField(_("delivery state"), max_length=2, blank=True)
    delivery_postal_code = models.CharField(_("delivery postal code"), max_length=10, blank=True)
    delivery_notes = models.TextField(_("delivery notes"), blank=True)
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    shipping_cost = models.DecimalField(_("shipping"), **MONEY, default=0)
    discount = models.DecimalField(
        _("discount"), **MONEY, default=0, help_text=_("Taken off by the discount code, delivery included.")
    )
    discount_code = models.ForeignKey(
        DiscountCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("discount code"),
    )
    discount_code_text = models.CharField(_("code used"), max_length=40, blank=True)
    tax = models.DecimalField(_("tax"), **MONEY, default=0)
    tax_included = models.BooleanField(
        _("tax included in prices"), default=False, help_text=_("KG prices include VAT; US adds sales tax.")
    )
    tax_rate = models.DecimalField(
        _("tax rate"), max_digits=6, decimal_places=5, default=0, help_text=_("The rate applied, as a fraction.")
    )
    total_amount = models.DecimalField(_("total"), **MONEY)
    # A repeated or parallel submit of one checkout carries the same key and finds the same order.
    checkout_key = models.CharField(_("checkout key"), max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001 - unique when set
    payment_due_by = models.DateTimeField(
        _("pay by"), null=True, blank=True, help_text=_("An unpaid card order is cancelled after this.")
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"), max_length=255, blank=True, help_text=_("The gateway's payment (Stripe PaymentIntent).")
    )
    stripe_checkout_session = models.CharField(_("Stripe Checkout Session"), max_length=255, blank=True)
    stock_restored = models.BooleanField(_("stock returned"), default=False, editable=False)
    order_date = models.DateTimeField(_("order date"), auto_now_add=True)
    confirmed_date = models.DateTimeField(_("confirmed"), null=True, blank=True)
    shipped_date = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_date = models.DateTimeField(_("delivered"), null=True, blank=True)
    cancelled_date = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        # The lists read newest first within one market (the managers' admin, optionally by status or
        # payment status) or one shopper (their order pages and the API); see checkout/migrations/0005. The searches'
        # trigram indexes (customer name and phone) exist on PostgreSQL only and live in that migration.
        indexes = [
            models.Index(fields=["user", "status"], name="order_user_status_idx"),
            models.Index(F("created_at").desc(), name="order_created_desc_idx"),
            models.Index(fields=["market", "-created_at", "-id"], name="order_market_created_idx"),
            models.Index(fields=["market", "status", "-created_at", "-id"], name="order_market_status_date_idx"),
            models.Index(fields=["market", "payment_status", "-created_at", "-id"], name="order_market_paid_date_idx"),
            models.Index(fields=["user", "-created_at", "-id"], name="order_user_created_idx"),
            models.Index(fields=["payment_status", "payment_due_by"], name="order_payment_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, shipping_cost__gte=0, tax__gte=0, total_amount__gte=0, discount__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount__lte=F("subtotal") + F("shipping_cost")), name="order_discount_at_most_its_cost"
            ),
            # Sales tax is added on top; VAT is already inside the subtotal.
            models.CheckConstraint(
                # Rounded to the cent: SQLite keeps decimals as binary floats.
                condition=Q(
                    tax_included=False,
                    total_amount=Round(F("subtotal") + F("shipping_cost") - F("discount") + F("tax"), 2),
                )
                | Q(tax_included=True, total_amount=Round(F("subtotal") + F("shipping_cost") - F("discount"), 2)),
                name="order_total_adds_up",
            ),
            models.UniqueConstraint(
                fields=["user", "checkout_key"],
                condition=Q(checkout_key__isnull=False),
                name="order_unique_checkout_key",
            ),
        ]

    def __str__(self):
        return self.order_number

    @property
    def recipient_name(self):
        """The name the delivery goes to; "" when the order had none but the phone (shown once anyway)."""
        return "" if self.customer_name == self.customer_phone else self.customer_name

    @property
    def market_config(self):
        """The configuration of the market this order belongs to."""
        return get_market(self.market)

    @property
    def items_count(self):
        """Units ordered (a line of 3 counts 3)."""
        if hasattr(self, "_prefetched_objects_cache") and "items" in self._prefetched_objects_cache:
            return sum(item.quantity for item in self.items.all())
        return self.items.aggregate(total=Sum("quantity"))["total"] or 0

    @property
    def is_active(self):
        """Still on its way: neither delivered nor cancelled."""
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_cancel(self):
        """The customer or a manager may still cancel it: nothing has shipped yet."""
        return self.status in self.CANCELLABLE_STATUSES

    @property
    def is_paid(self):
        return self.payment_status == self.PaymentStatus.PAID

    @property
    def pays_online(self):
        """Paid by card through the gateway (or the offline test payment) before it is confirmed."""
        return self.payment_method in self.ONLINE_PAYMENT_METHODS

    @property
    def awaiting_online_payment(self):
        return (
            self.pays_online
            and self.payment_status == self.PaymentStatus.PENDING
            and self.status == self.Status.PENDING
        )


class OrderRowQuerySet(models.QuerySet):
    """Rows that belong to an order (its items, status changes, payment events)."""

    def of_orders_in_markets(self, codes):
        """Rows of orders placed in exactly the markets `codes` (staff scoping)."""
        return self.filter(order__in=Order.objects.in_markets(codes))


class OrderItem(models.Model):
    """One line of an order, as it was when bought."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey(
        SKU, verbose_name=_("SKU"), on_delete=models.SET_NULL, related_name="order_items", null=True, blank=True
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.SET_NULL, related_name="order_items", null=True, blank=True
    )
    sku_code = models.CharField(_("SKU code"), max_length=64, blank=True)
    product_name = models.CharField(_("product"), max_length=200)
    product_brand = models.CharField(_("brand"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=20, blank=True)
    color = models.CharField(_("color"), max_length=40, blank=True)
    image_url = models.CharField(_("image"), max_length=500, blank=True)
    price = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))
    subtotal = models.DecimalField(_("line total"), **MONEY)

    objects = OrderRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_item_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="order_item_price_not_negative"),
            models.CheckConstraint(
                condition=Q(subtotal=Round(F("price") * F("quantity"), 2)), name="order_item_subtotal_adds_up"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"

    # What the shopper's pages show: the words snapshotted at the order, in the page's language when
    # the product or SKU still carries those same words (a renamed product keeps its old name here).
    def _shown(self, source, field, snapshot):
        if source is not None and getattr(source, field) == snapshot:
            return translated(source, field)
        return snapshot

    @property
    def shown_name(self):
        return self._shown(self.product, "name", self.product_name)

    @property
    def shown_size(self):
        return self._shown(self.sku, "size", self.size)

    @property
    def shown_color(self):
        return self._shown(self.sku, "color", self.color)

    @property
    def picture(self):
        """The picture bought, for `{% picture %}`: with the smaller copies of the variant's or the
        product's picture while that is still the picture bought (an order keeps its URL), else the
        file bought alone; None without one. Reads `sku` and `product`: select them with the item."""
        for source, field in ((self.sku, "variant_image"), (self.product, "image")):
            file = getattr(source, field, None)
            if file and file.url == self.image_url:
                return picture_of(file, source.renditions)
        return picture_of(None, url=self.image_url)


class OrderStatusHistory(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=20, choices=Order.Status.choices)
    notes = models.TextField(_("notes"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        related_name="order_status_changes",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = OrderRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status history")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order} → {self.get_status_display()}"


class SalesTaxRate(models.Model):
    """The sales tax a US order pays by the delivery state; staff keep the rates current in the admin."""

    state = models.CharField(_("state"), max_length=2, unique=True, choices=sorted(US_STATES.items()))
    rate = models.DecimalField(
        _("rate"), max_digits=6, decimal_places=5, help_text=_("As a fraction: 0.0725 for 7.25%.")
    )
    taxes_shipping = models.BooleanField(_("shipping is taxed"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sales tax rate")
        verbose_name_plural = _("sales tax rates")
        ordering = ["state"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lt=Decimal("0.2")), name="sales_tax_rate_range"),
        ]

    def __str__(self):
        return f"{self.state} {self.rate * 100:.3f}%"

    def clean(self):
        super().clean()
        if self.rate is not None and not (0 <= self.rate < Decimal("0.2")):
            raise ValidationError(
                {"rate": _("Enter the rate as a fraction from 0 to under 0.2 (20%), such as 0.0725.")}
            )


class PaymentEvent(models.Model):
    """A payment gateway event, kept once: a repeated delivery of the same event is ignored."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.SET_NULL, related_name="payment_events", null=True, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = OrderRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
