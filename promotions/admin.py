"""Sales and discount codes in the admin.

A staff user who manages markets (a market manager) sees, adds and changes only the promotions of
those markets: the changelist, every lookup and every save go through the scoped queryset, and the
market field offers only their markets. Merchandisers without markets of their own and superusers
run every market's promotions.
"""

from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from catalog.admin import add_product_action, bulk_action_page, history_response
from promotions.models import DiscountCode, Sale
from storefront.content import translation_columns
from storefront.markets import MarketScope, get_market, is_sold_in


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

    def history_view(self, request, object_id, extra_context=None):
        promotion = self.get_object(request, object_id)
        if promotion is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        entries = LogEntry.objects.get_for_object(promotion).select_related("actor", "content_type")
        return history_response(self, request, promotion, entries.order_by("-timestamp", "-id"))


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


# On the products' list: put the selected products on a sale ----------------------------------


class PutOnSaleForm(forms.ModelForm):
    class Meta:
        model = Sale
        fields = ("name", "name_ru", "name_ky", "market", "kind", "value", "starts_at", "ends_at")
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args, market_codes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if market_codes is not None:
            self.fields["market"].choices = [
                (value, label) for value, label in MarketScope.choices if value in market_codes
            ]


@admin.action(description=_("Put the selected products on a new sale"), permissions=["change"])
def put_on_sale(model_admin, request, queryset):
    form = PutOnSaleForm(request.POST if "apply" in request.POST else None, market_codes=staff_market_codes(request))
    if form.is_valid():
        sale = form.save(commit=False)
        market = sale.market
        products = list(queryset)
        if market != MarketScope.ALL:
            elsewhere = [product.name for product in products if not is_sold_in(product.market, get_market(market))]
            if elsewhere:
                form.add_error(
                    "market",
                    gettext("These products are not sold in this market: %(products)s.")
                    % {"products": ", ".join(elsewhere[:10])},
                )
        if not form.errors:
            with transaction.atomic():
                sale.save()
                sale.products.add(*products)
            model_admin.message_user(
                request,
                ngettext(
                    "The sale “%(sale)s” was created for %(count)d product.",
                    "The sale “%(sale)s” was created for %(count)d products.",
                    len(products),
                )
                % {"sale": sale.name, "count": len(products)},
                messages.SUCCESS,
            )
            return None
    return bulk_action_page(
        model_admin,
        request,
        queryset,
        form=form,
        action="put_on_sale",
        title=gettext("Put on a sale"),
        intro=gettext("A new sale is created for these products; you can change it later under Promotions › Sales:"),
        submit=gettext("Create the sale"),
    )


put_on_sale.required_perms = ("promotions.add_sale",)
add_product_action(put_on_sale)
