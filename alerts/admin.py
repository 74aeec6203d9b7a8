from django.contrib import admin

from alerts.models import StockAlert
from storefront.admin_site import ReadOnlyAdminMixin


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who waits for which SKU, to judge what to restock; shoppers manage their own alerts."""

    list_display = ("sku", "user", "created_at", "notified_at")
    list_select_related = ("sku__product", "user")
    search_fields = ("sku__sku_code", "sku__product__name")
    raw_id_fields = ("user", "sku")
    date_hierarchy = "created_at"
