"""Sales and discount codes in the admin.

A staff user who manages markets (a market manager) sees, adds and changes only the promotions of
those markets: the changelist, every lookup and every save go through the scoped queryset, and the
market field offers only their markets. Merchandisers without markets of their own and superusers
run every market's promotions.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from promotions.models import DiscountCode, Sale
from storefront.content import translation_columns
from storefront.markets import MarketScope


def staff_market_codes(request):
    """The markets a staff user's promotions are limited to, or None for every market."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_promotion_markets"):
        request._promotion_markets = [row.market for row in request.user.managed_markets.all()] or None
    return request._promotion_markets


class MarketScopedPromotionAdmin(admin.ModelAdmin):
    list_filter = ("market", "is_active")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        codes = staff_market_codes(request)
        return queryset if codes is None else queryset.in_markets(codes)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        codes = staff_market_codes(request)
        if db_field.name == "market" and codes is not None:
            kwargs["choices"] = [(value, label) for value, label in MarketScope.choices if value in codes]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Sale)
class SaleAdmin(MarketScopedPromotionAdmin):
    list_display = ("name", "market", "kind", "value", "starts_at", "ends_at", "is_active")
    search_fields = ("name", "name_ru", "name_ky")
    autocomplete_fields = ("products", "categories", "skus")
    fieldsets = (
        (None, {"fields": ("name", "market", "kind", "value", "is_active")}),
        (_("In Russian and Kyrgyz"), {"fields": translation_columns("name"), "classes": ("collapse",)}),
        (_("Schedule"), {"fields": ("starts_at", "ends_at")}),
        (_("What is on sale"), {"fields": ("categories", "products", "skus")}),
    )


@admin.register(DiscountCode)
class DiscountCodeAdmin(MarketScopedPromotionAdmin):
    list_display = ("code", "market", "kind", "times_used", "usage_limit", "starts_at", "ends_at", "is_active")
    search_fields = ("code",)
    readonly_fields = ("times_used",)
    fieldsets = (
        (None, {"fields": ("code", "market", "kind", "is_active")}),
        (_("What it takes off"), {"fields": ("percent", "amount_kgs", "amount_usd")}),
        (
            _("Rules"),
            {"fields": ("minimum_kgs", "minimum_usd", "first_order_only", "per_shopper_limit", "usage_limit")},
        ),
        (_("Schedule"), {"fields": ("starts_at", "ends_at", "times_used")}),
    )
