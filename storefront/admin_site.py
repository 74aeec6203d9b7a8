"""The admin site: staff get in with their phone number and password, never with an SMS code alone."""

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import BACKEND_SESSION_KEY

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path, not a secret


class MarqueAdminSite(AdminSite):
    def has_permission(self, request):
        # A staff member who signed in to shop by SMS code is asked for their password first.
        signed_in_with_password = request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
        return super().has_permission(request) and signed_in_with_password


class MarqueAdminConfig(AdminConfig):
    """`django.contrib.admin` with the site above as `admin.site`."""

    default_site = "storefront.admin_site.MarqueAdminSite"


class ReadOnlyAdminMixin:
    """For an admin or inline whose rows are shown for reading: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SelectRelatedInline(admin.TabularInline):
    """A tabular inline that reads the rows each line's label needs with the lines themselves."""

    extra = 0
    related = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related) if self.related else queryset


class ViewOnlyInline(ReadOnlyAdminMixin, SelectRelatedInline):
    """An inline that shows rows and never adds, changes or deletes them."""

    max_num = 0
    can_delete = False
