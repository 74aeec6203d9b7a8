from django.contrib import admin

from emails.models import MessagePreferences, SentEmail, SentReturnEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("order", "event", "to_email", "language", "sent_at")
    list_filter = ("event",)
    search_fields = ("order__order_number", "to_email")
    list_select_related = ("order",)
    readonly_fields = ("order", "event", "to_email", "language", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentReturnEmail)
class SentReturnEmailAdmin(admin.ModelAdmin):
    list_display = ("return_request", "status", "to_email", "language", "sent_at")
    list_filter = ("status",)
    search_fields = ("return_request__order__order_number", "to_email")
    list_select_related = ("return_request__order",)
    readonly_fields = ("return_request", "status", "to_email", "language", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MessagePreferences)
class MessagePreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "verified_email", "verified_at", "order_updates_email", "shipping_updates_email")
    search_fields = ("user__phone", "verified_email")
    list_select_related = ("user",)
    readonly_fields = ("user", "verified_email", "verified_at", "updated_at")
