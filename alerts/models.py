"""Back-in-stock alerts: a shopper asks to hear when a sold-out SKU has units again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import SKU


class StockAlertQuerySet(models.QuerySet):
    def pending(self):
        """Alerts still waiting for their SKU to come back."""
        return self.filter(notified_at__isnull=True)

    def owned_by(self, user):
        return self.filter(user=user)

    def due(self, sku_ids):
        """Pending alerts of `sku_ids` whose SKU is on sale with units again."""
        return self.pending().filter(sku_id__in=sku_ids, sku__stock__gt=0, sku__is_active=True)


class StockAlert(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="stock_alerts"
    )
    sku = models.ForeignKey(SKU, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="stock_alerts")
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("told at"), null=True, blank=True)

    objects = StockAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        ordering = ("-created_at", "-pk")
        constraints = [models.UniqueConstraint(fields=["user", "sku"], name="stock_alert_once_per_sku")]
        indexes = [
            # Restocks look up the waiting alerts of a few SKUs; told alerts are history.
            models.Index(fields=["sku"], condition=Q(notified_at__isnull=True), name="stock_alert_pending_sku"),
        ]

    def __str__(self):
        return f"{self.user} · {self.sku}"

    @property
    def is_pending(self):
        return self.notified_at is None
