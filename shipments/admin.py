"""Parcels in the orders admin: the order page lists them and links to a page that records one.

The order admin is checkout's own, extended here (checkout stands below shipments and never imports
it), so market managers see and ship only the orders of their markets, through the same scoped
queryset.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from checkout.admin import MarketScopedAdmin, OrderAdmin, OrderMarketFilter
from checkout.models import Order
from shipments.forms import ParcelForm
from shipments.models import Parcel
from shipments.services import SHIPPABLE, ParcelRefused, record_parcel, remaining_quantities
from storefront.admin_site import ReadOnlyAdminMixin


def _contents(parcel):
    return format_html_join(
        ", ", "{} × {}", ((line.order_item.product_name, line.quantity) for line in parcel.items.all())
    )


def _tracking(parcel):
    if parcel.tracking_url:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', parcel.tracking_url, parcel.tracking_number
        )
    return parcel.tracking_number or "—"


class ShippingFilter(admin.SimpleListFilter):
    """Where an order stands on its way to the customer."""

    title = _("shipping")
    parameter_name = "shipping"

    def lookups(self, request, model_admin):
        return [("to_ship", _("Confirmed, not shipped")), ("in_transit", _("Shipped, not delivered"))]

    def queryset(self, request, queryset):
        if self.value() == "to_ship":
            return queryset.filter(status=Order.Status.CONFIRMED)
        if self.value() == "in_transit":
            return queryset.filter(status=Order.Status.SHIPPED)
        return queryset


class ShippingOrderAdmin(OrderAdmin):
    list_filter = (OrderMarketFilter, ShippingFilter, "status", "payment_status", *OrderAdmin.list_filter[3:])
    # Parcels are shown as a read-only field, not an inline: the order's form posts no formset for them.
    readonly_fields = (*OrderAdmin.readonly_fields, "parcels", "record_parcel_link")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        fields = ("parcels", "record_parcel_link") if self._may_record_parcel(request, obj) else ("parcels",)
        return ((_("Parcels"), {"fields": fields}), *fieldsets)

    @admin.display(description=_("parcels"))
    def parcels(self, order):
        rows = Parcel.objects.filter(order=order).with_contents().select_related("recorded_by")
        lines = format_html_join(
            "",
            "<li>{} · {} · {} · {}</li>",
            (
                (date_format(localtime(p.shipped_at), "DATETIME_FORMAT"), p.carrier_name, _tracking(p), _contents(p))
                for p in rows
            ),
        )
        return format_html("<ul>{}</ul>", lines) if lines else _("None yet")

    def get_urls(self):
        record = self.admin_site.admin_view(self.record_parcel_view)
        return [path("<path:object_id>/parcel/", record, name="checkout_order_record_parcel"), *super().get_urls()]

    def _may_record_parcel(self, request, order):
        return (
            order.status in SHIPPABLE
            and self.has_change_permission(request, order)
            and request.user.has_perm("shipments.add_parcel")
        )

    @admin.display(description=_("parcel"))
    def record_parcel_link(self, order):
        url = reverse("admin:checkout_order_record_parcel", args=[order.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record a parcel"))

    def record_parcel_view(self, request, object_id):
        order = self.get_object(request, object_id)  # the scoped queryset: another market's order is missing
        if order is None:
            raise Http404(_("No such order."))
        if not self._may_record_parcel(request, order):
            raise PermissionDenied
        form = ParcelForm(request.POST or None, order=order, remaining=remaining_quantities(order))
        if request.method == "POST" and form.is_valid():
            try:
                record_parcel(
                    order=order,
                    carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"],
                    quantities=form.quantities(),
                    by=request.user,
                )
            except ParcelRefused as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("Parcel recorded for order %(number)s.") % {"number": order.order_number},
                    messages.SUCCESS,
                )
                return redirect("admin:checkout_order_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "order": order,
            "form": form,
            "title": _("Record a parcel of order %(number)s") % {"number": order.order_number},
        }
        return TemplateResponse(request, "admin/shipments/record_parcel.html", context)


admin.site.unregister(Order)
admin.site.register(Order, ShippingOrderAdmin)


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdminMixin, MarketScopedAdmin):
    """Every parcel of the user's markets, to find one by its tracking number."""

    list_display = ("order", "carrier", "tracking_number", "shipped_at")
    list_filter = (OrderMarketFilter, "carrier")
    list_select_related = ("order",)
    search_fields = ("tracking_number", "order__order_number")
    date_hierarchy = "shipped_at"

    def scoped_to_markets(self, queryset, codes):
        return queryset.of_orders_in_markets(codes)
