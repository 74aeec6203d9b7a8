"""Parcels: how an order left the warehouse, with which carrier and tracking number, and what each held."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkout.models import Order, OrderItem, OrderRowQuerySet
from shipments.carriers import CARRIER_CHOICES, carrier


class ParcelQuerySet(OrderRowQuerySet):
    def with_contents(self):
        """Parcels with their lines and the order lines they hold, read in two more queries."""
        return self.prefetch_related(
            models.Prefetch(
                "items",
                queryset=ParcelItem.objects.select_related("order_item__product", "order_item__sku").order_by("pk"),
            )
        )


class Parcel(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="parcels")
    carrier = models.CharField(_("carrier"), max_length=20, choices=CARRIER_CHOICES)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="recorded_parcels",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ParcelQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ("shipped_at", "pk")
        indexes = [models.Index(fields=["order", "shipped_at"], name="parcel_order_shipped")]

    def __str__(self):
        number = self.tracking_number or _("no tracking number")
        return f"{self.carrier_name} · {number}"

    @property
    def carrier_name(self):
        return carrier(self.carrier).label

    @property
    def tracking_url(self):
        """The carrier's tracking page for this parcel, or "" when the carrier has none."""
        return carrier(self.carrier).tracking_link(self.tracking_number)


class ParcelItemQuerySet(models.QuerySet):
    def shipped_quantities(self, order_items):
        """{order item id: units already in parcels} for `order_items`."""
        rows = self.filter(order_item__in=order_items).values("order_item").annotate(units=Sum("quantity"))
        return {row["order_item"]: row["units"] for row in rows}


class ParcelItem(models.Model):
    parcel = models.ForeignKey(Parcel, verbose_name=_("parcel"), on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(
        OrderItem, verbose_name=_("order item"), on_delete=models.CASCADE, related_name="parcel_items"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    objects = ParcelItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcel item")
        verbose_name_plural = _("parcel items")
        constraints = [
            models.UniqueConstraint(fields=["parcel", "order_item"], name="parcel_item_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parcel_item_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.order_item.product_name} × {self.quantity}"
