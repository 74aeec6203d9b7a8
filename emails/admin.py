from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from emails.models import MessagePreferences, SentEmail, SentParcelEmail, SentReturnEmail


class SentLogAdmin(admin.ModelAdmin):
    """A record of emails sent: read, never written by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentEmail)
class SentEmailAdmin(SentLogAdmin):
    list_display = ("order", "event", "to_email", "language", "sent_at")
    list_filter = ("event",)
    search_fields = ("order__order_number", "to_email")
    list_select_related = ("order",)
    readonly_fields = ("order", "event", "to_email", "language", "sent_at")


@admin.register(SentParcelEmail)
class SentParcelEmailAdmin(SentLogAdmin):
    list_display = ("parcel", "order_number", "to_email", "language", "sent_at")
    search_fields = ("parcel__order__order_number", "parcel__tracking_number", "to_email")
    list_select_related = ("parcel__order",)
    readonly_fields = ("parcel", "to_email", "language", "sent_at")

    @admin.display(description=_("order"), ordering="parcel__order__order_number")
    def order_number(self, sent):
        return sent.parcel.order.order_number


@admin.register(SentReturnEmail)
class SentReturnEmailAdmin(SentLogAdmin):
    list_display = ("return_request", "status", "to_email", "language", "sent_at")
    list_filter = ("status",)
    search_fields = ("return_request__order__order_number", "to_email")
    list_select_related = ("return_request__order",)
    readonly_fields = ("return_request", "status", "to_email", "language", "sent_at")


@admin.register(MessagePreferences)
class MessagePreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "verified_email", "verified_at", "order_updates_email", "shipping_updates_email")
    search_fields = ("user__phone", "verified_email")
    list_select_related = ("user",)
    readonly_fields = ("user", "verified_email", "verified_at", "updated_at")
