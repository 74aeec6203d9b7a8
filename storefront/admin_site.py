"""The admin site: staff get in with their phone number and password, never with an SMS code alone.

Also the pieces several apps' admins share: read-only inlines, and `BoundedCountAdmin` with
`RecentMonthsFilter` for changelists of tables that grow without end (orders).
"""

import re
from datetime import datetime, timedelta

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core import checks
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from storefront.pagination import BoundedCountPaginator

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path, not a secret


class MarqueAdminSite(AdminSite):
    def has_permission(self, request):
        # A staff member who signed in to shop by SMS code is asked for their password first.
        signed_in_with_password = request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
        if not (super().has_permission(request) and signed_in_with_password):
            return False
        # Checked dozens of times a page: read from the shared cache, not two queries a page.
        from storefront import permission_cache  # here: this module is imported before the models are

        permission_cache.load(request.user)
        return True


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


# Changelists of tables that grow without end ----------------------------------------------------


class IndexedSortChangeList(ChangeList):
    """A changelist that sorts only by the columns its admin lists in `sortable_by`, whatever `?o=` asks."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class BoundedCountAdmin:
    """For a ModelAdmin over a table of millions of rows: no page of its changelist reads them all.

    The count stops at `count_limit` ("5000+ orders", see `storefront.pagination`), the unfiltered
    total and the filters' facet counts are never counted, there is no `date_hierarchy` (it reads
    the distinct dates of every row), and only the columns in `sortable_by` sort, so every order
    a page asks for is one an index serves. The admin keeps its filters and search on indexed
    columns too.
    """

    paginator = BoundedCountPaginator
    count_limit = BoundedCountPaginator.count_limit
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def action_checkbox(self, obj):
        # The input Django's CheckboxInput renders, without a form template rendered for each row
        # (a third of a page's rendering with 50 rows).
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, count_limit=self.count_limit)

    def get_changelist(self, request, **kwargs):
        return IndexedSortChangeList

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        name = type(self).__name__
        problems = {
            "storefront.E001": self.date_hierarchy and f"{name} has a date_hierarchy, which reads every row's date.",
            "storefront.E002": self.sortable_by is None and f"{name} names no sortable_by.",
            # "Show all" is offered up to list_max_show_all rows: a bounded count must never qualify.
            "storefront.E003": self.list_max_show_all >= self.count_limit
            and f"{name}.list_max_show_all must stay under its count_limit.",
        }
        return errors + [checks.Error(text, obj=type(self), id=code) for code, text in problems.items() if text]


MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")


def month_range(year, month):
    """The first moment of the month and of the next one, in the current time zone."""
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(timezone.make_aware(datetime(y, m, 1)) for y, m in ((year, month), following))


class RecentMonthsFilter(admin.SimpleListFilter):
    """Links to the last `months` calendar months, counted back from today (never read from the rows).

    A month narrows `field_name` to its half-open range in the current time zone, which an index
    ending in that field serves. Any other month in the same form (`?month=2024-03`) is accepted
    too; anything else is the admin's "invalid lookup" redirect, never an error page.
    """

    parameter_name = "month"
    field_name = None
    months = 12

    def lookups(self, request, model_admin):
        first = timezone.localdate().replace(day=1)
        links = []
        for _ in range(self.months):
            links.append((f"{first:%Y-%m}", date_format(first, "YEAR_MONTH_FORMAT")))
            first = (first - timedelta(days=1)).replace(day=1)
        return links

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        match = MONTH.fullmatch(self.value())
        if match is None:
            raise IncorrectLookupParameters(f"Not a month: {self.value()!r}")
        try:
            since, until = month_range(int(match["year"]), int(match["month"]))
        except ValueError as error:
            raise IncorrectLookupParameters(error) from None
        return queryset.filter(**{f"{self.field_name}__gte": since, f"{self.field_name}__lt": until})
