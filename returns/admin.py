"""The returns admin, where market managers approve or reject return requests, mark them received
and refund them.

Scoped like the orders (`checkout.admin.MarketScopedAdmin`): a manager sees, and can POST to, only
the returns of the markets assigned to them. Each move goes through `returns.services`; the change
form offers only the moves the workflow allows, with a note kept in the history.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from checkout.admin import MarketScopedAdmin, OrderMarketFilter
from returns import services
from returns.models import Refund, ReturnItem, ReturnRequest, ReturnStatusHistory
from storefront.admin_site import ViewOnlyInline
from storefront.money import format_money

Status = ReturnRequest.Status
# The change form's "refund" choices: with or without the delivery.
REFUND = "refund"
REFUND_WITH_DELIVERY = "refund_with_delivery"


class ReturnItemInline(ViewOnlyInline):
    model = ReturnItem
    fields = ("product", "size", "color", "unit_price", "quantity")
    readonly_fields = fields
    related = ("order_item__order",)

    @admin.display(description=_("product"))
    def product(self, item):
        return item.order_item.product_name

    @admin.display(description=_("size"))
    def size(self, item):
        return item.order_item.size

    @admin.display(description=_("color"))
    def color(self, item):
        return item.order_item.color

    @admin.display(description=_("unit price"))
    def unit_price(self, item):
        return format_money(item.order_item.price, item.order_item.order.currency)


class ReturnStatusHistoryInline(ViewOnlyInline):
    model = ReturnStatusHistory
    fields = ("created_at", "status", "changed_by", "note")
    readonly_fields = fields
    related = ("changed_by",)


class RefundInline(ViewOnlyInline):
    model = Refund
    fields = ("refunded_amount", "includes_delivery", "method", "status", "stripe_refund_id", "refunded_at")
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def refunded_amount(self, refund):
        return format_money(refund.amount, refund.currency)


class ReturnRequestAdminForm(forms.ModelForm):
    """A return with its next step: only the moves the workflow allows are offered."""

    next_step = forms.ChoiceField(label=_("Next step"), required=False)
    step_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the return's history and shown to the shopper."),
    )

    class Meta:
        model = ReturnRequest
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Keep as it is"))]
        for step in services.next_steps(self.instance) if self.instance.pk else ():
            if step == Status.REFUNDED:
                choices += [(REFUND, _("Refund the items")), (REFUND_WITH_DELIVERY, _("Refund the items and delivery"))]
            else:
                choices.append(
                    (
                        step.value,
                        {"approved": _("Approve"), "rejected": _("Reject"), "received": _("Mark received")}[step.value],
                    )
                )
        self.fields["next_step"].choices = choices


def take_step(return_request, step, *, by, note=""):
    """Apply a step chosen in the admin through the services."""
    if step in (REFUND, REFUND_WITH_DELIVERY):
        return services.refund_return(
            return_request=return_request, by=by, include_delivery=step == REFUND_WITH_DELIVERY, note=note
        )
    return services.move_return(return_request=return_request, to=step, by=by, note=note)


def _bulk(modeladmin, request, queryset, step):
    done, refused = 0, []
    for return_request in queryset:
        try:
            take_step(return_request, step, by=request.user, note=str(_("Bulk action in the admin")))
        except services.ReturnRefused as error:
            refused.append(error.message)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, ngettext("%(n)d return updated.", "%(n)d returns updated.", done) % {"n": done}, messages.SUCCESS
        )
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


@admin.action(description=_("Approve selected returns"), permissions=["change"])
def approve_returns(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, Status.APPROVED)


@admin.action(description=_("Reject selected returns"), permissions=["change"])
def reject_returns(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, Status.REJECTED)


@admin.action(description=_("Mark selected returns received"), permissions=["change"])
def receive_returns(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, Status.RECEIVED)


@admin.action(description=_("Refund selected returns (items only)"), permissions=["change"])
def refund_returns(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, REFUND)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(MarketScopedAdmin):
    list_display = ("id", "order", "created_at", "market", "status", "reason", "refund_amount")
    list_filter = (OrderMarketFilter, "status", "reason")
    list_select_related = ("order", "refund")
    search_fields = ("order__order_number",)
    ordering = ("-created_at", "-id")
    readonly_fields = ("order", "user", "market", "status", "reason", "note", "stock_restored", "created_at")
    fields = ("next_step", "step_note", *readonly_fields)
    inlines = (ReturnItemInline, RefundInline, ReturnStatusHistoryInline)
    form = ReturnRequestAdminForm
    actions = (approve_returns, reject_returns, receive_returns, refund_returns)

    def scoped_to_markets(self, queryset, codes):
        return queryset.in_markets(codes)

    def has_add_permission(self, request):
        # Shoppers request returns from their order page or the API.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        step = form.cleaned_data.get("next_step")
        if not step:
            return
        try:
            take_step(obj, step, by=request.user, note=form.cleaned_data.get("step_note", ""))
        except services.ReturnRefused as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            obj.refresh_from_db()

    @admin.display(description=_("refund"))
    def refund_amount(self, return_request):
        refund = getattr(return_request, "refund", None)
        return format_money(refund.amount, refund.currency) if refund else "—"
