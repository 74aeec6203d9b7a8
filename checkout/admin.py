"""The orders admin, where market managers follow the orders of their own markets, and the carts.

A staff user who is not a superuser sees only the orders of the markets assigned to them
(`User.managed_market_codes`): the changelist, every object lookup and every POST go through the
scoped queryset, so another market's order is as missing as a deleted one.

The order list stays fast at millions of orders (`storefront.admin_site.BoundedCountAdmin`): it
reads newest first through the (market, [status | payment status,] created_at, id) indexes,
counts up to 5000 ("5000+"), filters by month instead of a date hierarchy, sorts only by date,
and searches with `OrderQuerySet.matching` (order numbers by prefix, phones and names through
trigram indexes).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from checkout import payments
from checkout.models import Cart, CartItem, Order, OrderItem, OrderStatusHistory, PaymentEvent, SalesTaxRate
from checkout.status import StatusChangeRefused, change_status, next_statuses
from storefront.admin_site import (
    BoundedCountAdmin,
    KeptRowsAdmin,
    ReadOnlyAdminMixin,
    RecentMonthsFilter,
    ViewOnlyInline,
)
from storefront.markets import Market
from storefront.media import ADMIN_THUMBNAIL_WIDTH, image_preview
from storefront.money import format_money


def managed_market_codes(request):
    """The markets whose orders the signed-in staff user may see, read once per request."""
    if not hasattr(request, "_managed_market_codes"):
        request._managed_market_codes = request.user.managed_market_codes
    return request._managed_market_codes


class MarketScopedAdmin(admin.ModelAdmin):
    """An admin whose rows belong to an order's market and are scoped to the user's markets."""

    def scoped_to_markets(self, queryset, codes):
        """`queryset` narrowed to rows of the markets `codes`."""
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scoped_to_markets(queryset, managed_market_codes(request))


class OrderMarketFilter(admin.SimpleListFilter):
    """Market filter offering only the markets the user manages (none when there is one)."""

    title = _("market")
    parameter_name = "market"

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        codes = managed_market_codes(request)
        if len(codes) < 2:
            return []
        return [(code, Market(code).label) for code in codes]

    def queryset(self, request, queryset):
        if self.value() in Market.values:
            return self.model_admin.scoped_to_markets(queryset, [self.value()])
        return queryset


class OrderMonthFilter(RecentMonthsFilter):
    title = _("order date")
    field_name = "created_at"


class OrderItemInline(ViewOnlyInline):
    model = OrderItem
    fields = (
        "picture",
        "product_name",
        "product_brand",
        "sku_code",
        "size",
        "color",
        "unit_price",
        "quantity",
        "line_total",
    )
    readonly_fields = fields
    related = ("order",)

    @admin.display(description=_("picture"))
    def picture(self, item):
        return image_preview(item.image_url, item.product_name, width=ADMIN_THUMBNAIL_WIDTH)

    @admin.display(description=_("unit price"))
    def unit_price(self, item):
        return format_money(item.price, item.order.currency)

    @admin.display(description=_("line total"))
    def line_total(self, item):
        return format_money(item.subtotal, item.order.currency)


class OrderStatusHistoryInline(ViewOnlyInline):
    model = OrderStatusHistory
    fields = ("created_at", "status", "changed_by", "notes")
    readonly_fields = fields
    related = ("order", "changed_by")


class OrderAdminForm(forms.ModelForm):
    """The order form with a status move: only the moves the workflow allows are offered."""

    new_status = forms.ChoiceField(label=_("Change status to"), required=False)
    status_note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the status history; a cancellation returns the stock and refunds any payment."),
    )

    class Meta:
        model = Order
        fields = ("customer_email", "delivery_address", "delivery_city", "delivery_notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        moves = next_statuses(self.instance) if self.instance.pk else ()
        self.fields["new_status"].choices = [("", _("Keep as it is")), *((s.value, s.label) for s in moves)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status") == Order.Status.CONFIRMED and self.instance.awaiting_online_payment:
            self.add_error("new_status", _("This order is waiting for its card payment."))
        return cleaned


def _move_orders(modeladmin, request, queryset, to):
    """Move each selected order through the status service; report what moved and what was refused."""
    moved, refused = 0, []
    for order in queryset:
        try:
            change_status(order=order, to=to, by=request.user, notes=str(_("Bulk action in the admin")))
        except StatusChangeRefused as error:
            refused.append(error.message)
        else:
            moved += 1
    if moved:
        modeladmin.message_user(
            request,
            ngettext("%(n)d order is now %(status)s.", "%(n)d orders are now %(status)s.", moved)
            % {"n": moved, "status": Order.Status(to).label.lower()},
            messages.SUCCESS,
        )
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


@admin.action(description=_("Mark selected orders confirmed"), permissions=["change"])
def mark_confirmed(modeladmin, request, queryset):
    _move_orders(modeladmin, request, queryset, Order.Status.CONFIRMED)


@admin.action(description=_("Mark selected orders shipped"), permissions=["change"])
def mark_shipped(modeladmin, request, queryset):
    _move_orders(modeladmin, request, queryset, Order.Status.SHIPPED)


@admin.action(description=_("Mark selected orders delivered"), permissions=["change"])
def mark_delivered(modeladmin, request, queryset):
    _move_orders(modeladmin, request, queryset, Order.Status.DELIVERED)


@admin.action(description=_("Mark cash or transfer received"), permissions=["change"])
def mark_paid_offline(modeladmin, request, queryset):
    done, refused = 0, []
    for order in queryset:
        try:
            payments.record_offline_payment(order, by=request.user)
        except payments.PaymentError as error:
            refused.append(error.message)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, ngettext("%(n)d order marked paid.", "%(n)d orders marked paid.", done) % {"n": done}
        )
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


@admin.register(Order)
class OrderAdmin(KeptRowsAdmin, BoundedCountAdmin, MarketScopedAdmin):
    # The customer's name over their phone, the payment's state over its method: the list fits a
    # laptop's width beside the admin's menu and its filters, without scrolling sideways.
    list_display = ("order_number", "placed", "customer", "market", "status", "payment", "total")
    # Each filter has an index that begins with (market, it); the payment method has none.
    list_filter = (OrderMarketFilter, "status", "payment_status", OrderMonthFilter)
    # Shown as the search box; get_search_results reads the term by its shape.
    search_fields = ("order_number", "customer_phone", "customer_name")
    ordering = ("-created_at", "-id")
    sortable_by = ("placed",)
    # 25 rows, as most shop admins list orders: a manager works through new orders by status and
    # month, and each row costs ~0.25 ms of Django's changelist rendering (docs/benchmarks.md).
    list_per_page = 25
    # Statuses move through a service of their own; amounts and the snapshot are as charged.
    readonly_fields = (
        "order_number",
        "user",
        "market",
        "currency",
        "status",
        "customer_name",
        "customer_phone",
        "payment_method",
        "payment_status",
        "subtotal_charged",
        "shipping_charged",
        "tax_charged",
        "tax_included",
        "total",
        "tax_rate",
        "paid_at",
        "payment_due_by",
        "payment_reference",
        "stripe_checkout_session",
        "delivery_state",
        "delivery_postal_code",
        "order_date",
        "confirmed_date",
        "shipped_date",
        "delivered_date",
        "cancelled_date",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("order_number", "market", "status", "order_date")}),
        (_("Customer"), {"fields": ("user", "customer_name", "customer_phone", "customer_email")}),
        (
            _("Delivery"),
            {
                "fields": (
                    "delivery_address",
                    "delivery_city",
                    "delivery_state",
                    "delivery_postal_code",
                    "delivery_notes",
                )
            },
        ),
        (
            _("Payment"),
            {
                "fields": (
                    "payment_method",
                    "payment_status",
                    "currency",
                    "subtotal_charged",
                    "shipping_charged",
                    "tax_charged",
                    "tax_rate",
                    "tax_included",
                    "total",
                    "payment_due_by",
                    "paid_at",
                    "payment_reference",
                    "stripe_checkout_session",
                )
            },
        ),
        (
            _("Dates"),
            {
                "fields": (
                    "confirmed_date",
                    "shipped_date",
                    "delivered_date",
                    "cancelled_date",
                    "created_at",
                    "updated_at",
                ),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (OrderItemInline, OrderStatusHistoryInline)
    form = OrderAdminForm
    actions = (mark_confirmed, mark_shipped, mark_delivered, mark_paid_offline)

    def scoped_to_markets(self, queryset, codes):
        return queryset.in_markets(codes)

    def get_list_display(self, request):
        # A manager of one market sees only its orders: a column repeating it says nothing.
        if len(managed_market_codes(request)) < 2:
            return tuple(name for name in self.list_display if name != "market")
        return self.list_display

    def get_search_results(self, request, queryset, search_term):
        return queryset.matching(search_term), False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Shown even when no move is left, so a move chosen on a stale page is refused visibly.
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        return ((_("Status"), {"fields": ("new_status", "status_note")}), *fieldsets)

    def save_model(self, request, obj, form, change):
        # Only what the form changed: a status or payment recorded since the page loaded is not written back.
        changed = [name for name in form.changed_data if name in OrderAdminForm.Meta.fields]
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
        new_status = form.cleaned_data.get("new_status")
        if not new_status:
            return
        try:
            change_status(order=obj, to=new_status, by=request.user, notes=form.cleaned_data.get("status_note", ""))
        except StatusChangeRefused as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            obj.refresh_from_db()

    def has_add_permission(self, request):
        # Orders are placed by shoppers at checkout, never typed in.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order date"), ordering="created_at")
    def placed(self, order):
        # The short form of the language ("07.12.2026 16:54"): the list fits beside the filters.
        return date_format(timezone.localtime(order.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("Customer"))
    def customer(self, order):
        return format_html('{}<br><span class="quiet">{}</span>', order.customer_name, order.customer_phone)

    @admin.display(description=_("Payment"))
    def payment(self, order):
        return format_html(
            '{}<br><span class="quiet">{}</span>',
            order.get_payment_status_display(),
            order.get_payment_method_display(),
        )

    @admin.display(description=_("total"))
    def total(self, order):
        return format_money(order.total_amount, order.currency)

    @admin.display(description=_("subtotal"))
    def subtotal_charged(self, order):
        return format_money(order.subtotal, order.currency)

    @admin.display(description=_("shipping"))
    def shipping_charged(self, order):
        return format_money(order.shipping_cost, order.currency)

    @admin.display(description=_("tax"))
    def tax_charged(self, order):
        return format_money(order.tax, order.currency)


class OrderRowAdmin(ReadOnlyAdminMixin, MarketScopedAdmin):
    """A view-only list of rows that belong to an order, scoped by the order's market."""

    list_filter = (OrderMarketFilter,)
    list_select_related = ("order",)
    search_fields = ("order__order_number",)

    def scoped_to_markets(self, queryset, codes):
        return queryset.of_orders_in_markets(codes)


@admin.register(OrderItem)
class OrderItemAdmin(OrderRowAdmin):
    list_display = ("order", "product_name", "product_brand", "sku_code", "size", "color", "quantity", "line_total")
    search_fields = ("order__order_number", "product_name", "sku_code")
    fields = (
        "order",
        "product_name",
        "product_brand",
        "sku_code",
        "size",
        "color",
        "picture",
        "price",
        "quantity",
        "subtotal",
    )
    readonly_fields = ("picture",)

    @admin.display(description=_("picture"))
    def picture(self, item):
        return image_preview(item.image_url, item.product_name, width=ADMIN_THUMBNAIL_WIDTH)

    @admin.display(description=_("line total"), ordering="subtotal")
    def line_total(self, item):
        return format_money(item.subtotal, item.order.currency)


@admin.register(OrderStatusHistory)
class OrderStatusHistoryAdmin(OrderRowAdmin):
    list_display = ("order", "status", "changed_by", "created_at")
    list_filter = (OrderMarketFilter, "status", "created_at")
    list_select_related = ("order", "changed_by")
    date_hierarchy = "created_at"


# Carts --------------------------------------------------------------------------------------


class CartItemInline(ViewOnlyInline):
    model = CartItem
    related = ("sku__product",)
    fields = ("sku", "quantity", "added_at", "updated_at")
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("owner", "market", "line_count", "created_at", "updated_at")
    list_filter = ("market",)
    list_select_related = ("user",)
    search_fields = ("user__phone", "user__full_name")
    date_hierarchy = "updated_at"
    # The session key is a visitor's credential: it is never shown.
    fields = ("user", "market", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (CartItemInline,)

    def has_add_permission(self, request):
        # A cart is opened by a shopper or a visitor's session, in their market.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_count=Count("items"))

    @admin.display(description=_("owner"), ordering="user__phone")
    def owner(self, cart):
        return cart.user if cart.user_id else _("Visitor")

    @admin.display(description=_("lines"), ordering="line_count")
    def line_count(self, cart):
        return cart.line_count


# Tax and payment events ------------------------------------------------------------------------


@admin.register(SalesTaxRate)
class SalesTaxRateAdmin(admin.ModelAdmin):
    list_display = ("state", "state_name", "rate_percent", "taxes_shipping", "updated_at")
    list_editable = ("taxes_shipping",)
    list_filter = ("taxes_shipping",)
    search_fields = ("state",)
    fields = ("state", "rate", "taxes_shipping", "updated_at")
    readonly_fields = ("updated_at",)

    def app_list_depends_on(self, request):
        # The sidebar offers "add" and "change" by the markets the manager runs (below).
        return tuple(managed_market_codes(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (request.user.is_superuser or Market.US in managed_market_codes(request))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            request.user.is_superuser or Market.US in managed_market_codes(request)
        )

    @admin.display(description=_("state name"))
    def state_name(self, row):
        return row.get_state_display()

    @admin.display(description=_("rate"), ordering="rate")
    def rate_percent(self, row):
        return f"{row.rate * 100:.3f}".rstrip("0").rstrip(".") + "%"


@admin.register(PaymentEvent)
class PaymentEventAdmin(OrderRowAdmin):
    """The gateway's events as received, for tracing a payment; nobody edits them."""

    list_display = ("event_id", "type", "order", "outcome", "received_at")
    list_filter = (OrderMarketFilter, "type")
    search_fields = ("event_id", "order__order_number")
    date_hierarchy = "received_at"
    fields = ("event_id", "type", "order", "outcome", "received_at")
    readonly_fields = fields
