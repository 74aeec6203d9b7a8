"""Return requests of delivered orders, their lines, their status history and their refunds.

A request moves requested → approved → received → refunded, or requested → rejected; every move is
made by `returns.services`, which records it in `ReturnStatusHistory`. A request has at most one
`Refund` (a one-to-one row), so a refund pressed twice or retried by its task is still one refund.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from checkout.models import MONEY, Order, OrderItem
from storefront.markets import Currency, Market, MarketQuerySet, get_market
from storefront.money import format_money


class ReturnRequestQuerySet(MarketQuerySet):
    def open(self):
        """Requests that still count against what an order's lines may return (all but rejected)."""
        return self.exclude(status=ReturnRequest.Status.REJECTED)


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RECEIVED = "received", _("Received")
        REFUNDED = "refunded", _("Refunded")

    class Reason(models.TextChoices):
        WRONG_SIZE = "wrong_size", _("Wrong size")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        DAMAGED = "damaged", _("Damaged or faulty")
        CHANGED_MIND = "changed_mind", _("Changed my mind")
        OTHER = "other", _("Other")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="return_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        related_name="return_requests",
        null=True,
        blank=True,
    )
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    stock_restored = models.BooleanField(_("stock returned"), default=False, editable=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReturnRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["market", "status", "-created_at"], name="return_market_status_idx"),
            models.Index(fields=["user", "-created_at"], name="return_user_created_idx"),
        ]

    def __str__(self):
        return _("Return %(id)s of %(order)s") % {"id": self.pk, "order": self.order.order_number}

    @property
    def market_config(self):
        return get_market(self.market)


class ReturnItem(models.Model):
    """How many units of one order line the shopper sends back."""

    return_request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return request"), on_delete=models.CASCADE, related_name="items"
    )
    order_item = models.ForeignKey(
        OrderItem, verbose_name=_("order item"), on_delete=models.PROTECT, related_name="return_items"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("returned item")
        verbose_name_plural = _("returned items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["return_request", "order_item"], name="return_item_unique_line"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_item_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.order_item.product_name}"


class ReturnStatusHistory(models.Model):
    return_request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return request"), on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReturnRequest.Status.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        related_name="return_status_changes",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return status change")
        verbose_name_plural = _("return status history")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.return_request_id} → {self.get_status_display()}"


class Refund(models.Model):
    """The money given back for one return request: through Stripe for card orders, paid out by a
    manager for cash and bank transfer orders."""

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        TEST = "test", _("Test payment (no money moves)")
        MANUAL = "manual", _("Paid out by the manager")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    return_request = models.OneToOneField(
        ReturnRequest, verbose_name=_("return request"), on_delete=models.PROTECT, related_name="refund"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    includes_delivery = models.BooleanField(_("delivery refunded"), default=False)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative")]

    def __str__(self):
        return f"{self.get_method_display()}: {format_money(self.amount, self.currency)}"

    @property
    def idempotency_key(self):
        """The key Stripe sees on every try of this refund: derived from the row, so a retry is the same refund."""
        return f"return-refund-{self.pk}"
