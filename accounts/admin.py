"""The accounts admin: users signed in by phone (with the markets a manager runs), their codes,
addresses, payment methods and notifications.

A user's market, currency and country follow their phone number, so the admin shows them and
never offers them for editing; a verification code's hash and a visitor's session are never shown.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, ManagedMarket, Notification, PaymentMethod, User, VerificationCode
from storefront.markets import normalize_phone


class PhoneFormMixin:
    def clean_phone(self):
        phone, _market = normalize_phone(self.cleaned_data["phone"])
        return phone


class UserCreationForm(PhoneFormMixin, AdminUserCreationForm):
    """A phone number and, optionally, a password (shoppers sign in with SMS codes)."""

    class Meta:
        model = User
        fields = ("phone",)
        field_classes = {}


class UserChangeForm(PhoneFormMixin, DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class ManagedMarketInline(admin.TabularInline):
    model = ManagedMarket
    extra = 0
    fields = ("market",)
    verbose_name_plural = _("managed markets (orders this market manager sees)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("phone", "full_name", "market", "is_staff", "is_verified", "is_active", "date_joined")
    list_filter = ("market", "is_staff", "is_superuser", "is_active", "is_verified", "groups")
    search_fields = ("phone", "full_name", "email")
    ordering = ("-date_joined",)
    date_hierarchy = "date_joined"
    readonly_fields = ("market", "currency", "country", "last_login", "updated_at")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Profile"), {"fields": ("full_name", "email", "language", "profile_image_url", "is_verified")}),
        (
            _("Market"),
            {
                "fields": ("market", "currency", "country"),
                "description": _("Set from the phone number's country code."),
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "usable_password", "password1", "password2"),
                "description": _("Shoppers sign in with an SMS code; staff also need a password."),
            },
        ),
    )
    inlines = (ManagedMarketInline,)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # Only a superuser hands out roles and permissions.
        return (*fields, "is_superuser", "groups", "user_permissions")

    def get_inlines(self, request, obj):
        # Markets are assigned once the user exists.
        return self.inlines if obj else ()


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    """View-only: enough to answer "did my code arrive?" and to spot abuse, nothing to sign in with."""

    list_display = ("phone", "purpose", "market", "attempts", "is_used", "send_failed", "ip_address", "created_at")
    list_filter = ("market", "purpose", "is_used", "send_failed")
    search_fields = ("phone",)
    date_hierarchy = "created_at"
    # Never "code" (its hash) nor "session_key" (a visitor's credential).
    fields = (
        "phone",
        "purpose",
        "market",
        "attempts",
        "is_used",
        "send_failed",
        "ip_address",
        "expires_at",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "city", "market", "is_default", "created_at")
    list_filter = ("market", "is_default")
    list_select_related = ("user",)
    search_fields = ("user__phone", "user__full_name", "street", "city", "postal_code")
    autocomplete_fields = ("user",)
    readonly_fields = ("market", "country", "created_at", "updated_at")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "payment_type", "market", "is_default", "created_at")
    list_filter = ("market", "payment_type", "card_type", "is_default")
    list_select_related = ("user",)
    search_fields = ("user__phone", "user__full_name", "card_number_masked", "gateway_reference")
    autocomplete_fields = ("user",)
    readonly_fields = ("market", "created_at")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "type", "market", "is_read", "created_at")
    list_filter = ("market", "type", "is_read")
    list_select_related = ("user",)
    search_fields = ("title", "message", "user__phone")
    date_hierarchy = "created_at"
    autocomplete_fields = ("user",)
    readonly_fields = ("market", "created_at")
