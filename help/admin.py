"""Help pages in the admin: merchandisers write them per market, with Russian and Kyrgyz beside English."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from help.models import HelpPage
from storefront.content import translation_columns


@admin.register(HelpPage)
class HelpPageAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "market", "slug", "is_active", "updated_at")
    list_filter = ("kind", "market", "is_active")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("kind", "market", "slug", "is_active")}),
        (_("English"), {"fields": ("title", "body")}),
        (_("Russian"), {"fields": (translation_columns("title")[0], translation_columns("body")[0])}),
        (_("Kyrgyz"), {"fields": (translation_columns("title")[1], translation_columns("body")[1])}),
    )
