"""The admin site: staff get in with their phone number and password, never with an SMS code alone.

Also the pieces several apps' admins share: read-only inlines, and `BoundedCountAdmin` with
`RecentMonthsFilter` for changelists of tables that grow without end (orders).
"""

import hashlib
import re
from datetime import datetime, timedelta

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core import checks
from django.template.defaultfilters import urlencode
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from storefront.layout import BoundedLRU, templates_digest
from storefront.pagination import BoundedCountPaginator

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path, not a secret


# Kept sidebars per process: a few staff members × languages × apps.
KEPT_APP_LISTS = 256
NAV_SIDEBAR_TEMPLATES = ("admin/nav_sidebar.html", "admin/app_list.html")


class MarqueAdminSite(AdminSite):
    """The admin site; its sidebar of apps and models is kept for what it depends on.

    Every admin page lists the apps and models the staff member may use (`available_apps`, the
    sidebar), asking each model's admin for four permissions: with its HTML, about a sixth of an
    order list's time.
    What that answer depends on is the same from page to page: the user, their permissions (read
    from `storefront.permission_cache` by `has_permission`), the language and the script prefix, and
    whatever a model admin's permission methods read besides; such an admin names it with an
    `app_list_depends_on(request)` method (the sales tax rates admin: the markets a manager runs).
    So the app list is built once per such combination and kept in the process (a bounded LRU): a
    permission given or taken makes a new key on the next page. The sidebar's HTML is kept the same
    way, with the app and model it marks as the page's (`nav_sidebar`, `{% nav_sidebar %}` in
    `admin/base_site.html`). They only show links; every page still checks its own permissions.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_app_dicts = BoundedLRU(KEPT_APP_LISTS)
        self._kept_sidebars = BoundedLRU(KEPT_APP_LISTS)

    def _build_app_dict(self, request, label=None):
        key = self._app_list_key(request, label)
        kept = self._kept_app_dicts.get(key) if key is not None else None
        if kept is None:
            kept = super()._build_app_dict(request, label)
            if key is not None:
                self._kept_app_dicts.put(key, kept)
        # Copies: get_app_list sorts the models' lists in place, and a caller may change what it gets.
        return {name: {**app, "models": [dict(model) for model in app["models"]]} for name, app in kept.items()}

    def _app_list_key(self, request, label):
        # Asked for the app list and again for the sidebar: worked out once per request.
        known = request.__dict__.setdefault("_app_list_keys", {})
        if label not in known:
            known[label] = self._work_out_app_list_key(request, label)
        return known[label]

    def _work_out_app_list_key(self, request, label):
        user = request.user
        if not (user.is_active and user.is_staff):
            return None
        perms = getattr(user, "_perm_cache", None)
        if perms is None:
            perms = user.get_all_permissions()
        besides = tuple(
            depends_on(request)
            for model_admin in self._registry.values()
            if (depends_on := getattr(model_admin, "app_list_depends_on", None)) is not None
        )
        return (label, user.pk, user.is_superuser, frozenset(perms), besides, get_language(), get_script_prefix())

    def nav_sidebar(self, context):
        """The sidebar's HTML (`admin/nav_sidebar.html`), kept with the app list it shows.

        Besides the app list, it marks the app and model the page belongs to, which it finds by
        their URLs in the page's path (as the template does); those URLs are part of the key.
        """
        request = context["request"]
        key = self._app_list_key(request, None)
        if key is None:
            return self.render_nav_sidebar(context)
        path = urlencode(request.path)
        current = tuple(
            url
            for app in context.get("available_apps", ())
            for url in (app["app_url"], *(model.get("admin_url") for model in app["models"]))
            if url and url in path
        )
        key = ("nav-sidebar", key, current, templates_digest(NAV_SIDEBAR_TEMPLATES))
        html = self._kept_sidebars.get(key)
        if html is None:
            html = self.render_nav_sidebar(context)
            self._kept_sidebars.put(key, html)
        return html

    @staticmethod
    def render_nav_sidebar(context):
        return mark_safe(context.template.engine.get_template(NAV_SIDEBAR_TEMPLATES[0]).render(context))  # noqa: S308

    def forget_app_lists(self):
        self._kept_app_dicts.clear()
        self._kept_sidebars.clear()

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


class KeptRowsAdmin:
    """For a ModelAdmin whose list columns show only each row's own fields (and annotations): each
    row's cells are rendered once and kept in the process under everything they show, so a page of
    rows seen before renders none (Django's changelist spends ~0.5 ms a row on them).

    The key holds the row's loaded values (every field and annotation), the columns and their links,
    the page's kept filters (each row's link carries them), popup and `to_field` modes, the site,
    the language, the time zone and the script prefix. A column reading anything else (a related
    object, the time) must not be kept this way. Rows with a form (`list_editable`) are rendered as
    Django renders them.
    """

    change_list_template = "admin/kept_rows_change_list.html"


# Kept rows per process: a few hundred pages of 25 rows.
KEPT_ROWS = 5000
_kept_rows = BoundedLRU(KEPT_ROWS)


def kept_results(cl):
    """The rows of the changelist `cl` (one without forms) as `{% result_list %}` gives them, each
    row's cells as one piece of HTML kept under `KeptRowsAdmin`'s key."""
    page = (
        cl.model_admin.admin_site.name,
        cl.opts.label,
        tuple(cl.list_display),
        tuple(cl.list_display_links or ()),
        cl.preserved_filters,
        cl.is_popup,
        str(cl.to_field),
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )
    rows = []
    for result in cl.result_list:
        shown = (page, sorted((name, value) for name, value in vars(result).items() if name != "_state"))
        key = hashlib.blake2b(repr(shown).encode(), digest_size=16).digest()
        html = _kept_rows.get(key)
        if html is None:
            html = mark_safe("".join(admin_list.items_for_result(cl, result, None)))  # noqa: S308
            _kept_rows.put(key, html)
        rows.append(admin_list.ResultList(None, [html]))
    return rows


def forget_rows():
    _kept_rows.clear()


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
