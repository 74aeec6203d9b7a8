"""The banners admin: homepage banners per market and schedule, with their views, clicks and
click-through rates, overall and per day."""

import datetime

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from marketing.models import Banner, BannerStat
from marketing.tracking import is_allowed_target
from storefront.admin_site import ReadOnlyAdminMixin
from storefront.content import translation_columns
from storefront.media import image_preview as sized_preview
from storefront.renditions import queue_renditions

THUMBNAIL_WIDTH = 96
RECENT_STATS = datetime.timedelta(days=30)


def image_preview(url, alt):
    return sized_preview(url, alt, width=THUMBNAIL_WIDTH)


def percent(rate):
    """A click-through rate (a Decimal percent) written for the admin's language: 12.50 %."""
    return _("%(rate)s %%") % {"rate": number_format(rate, 2)}


class ScheduleFilter(admin.SimpleListFilter):
    title = _("schedule")
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("live", _("Showing now")), ("not_live", _("Not showing now"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.live()
        if self.value() == "not_live":
            return queryset.exclude(pk__in=Banner.objects.live().values("pk"))
        return queryset


class BannerStatInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BannerStat
    verbose_name_plural = _("views and clicks of the last 30 days")
    extra = 0
    can_delete = False
    fields = ("date", "market", "views", "clicks", "rate")
    readonly_fields = fields
    ordering = ("-date", "market")

    def get_queryset(self, request):
        since = timezone.localdate() - RECENT_STATS
        return super().get_queryset(request).filter(date__gte=since).select_related("banner")

    @admin.display(description=_("CTR"))
    def rate(self, stat):
        return percent(stat.ctr)


class BannerAdminForm(forms.ModelForm):
    """Refuses a link the click redirect would refuse (the same rule: this site or an allowed host)."""

    request = None  # set by BannerAdmin.get_form

    class Meta:
        model = Banner
        fields = ("link_url",)  # the admin adds the rest of its fieldsets

    def clean_link_url(self):
        url = self.cleaned_data.get("link_url", "").strip()
        if url and self.request is not None and not is_allowed_target(url, self.request):
            raise forms.ValidationError(
                _(
                    "Link to a page of this shop, such as /kg/c/shoes/, or to a host listed in "
                    "BANNER_ALLOWED_HOSTS; shoppers would not be sent anywhere else."
                ),
                code="host_not_allowed",
            )
        return url


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    form = BannerAdminForm
    list_display = (
        "thumbnail",
        "title",
        "banner_type",
        "market",
        "is_active",
        "sort_order",
        "start_date",
        "end_date",
        "view_count",
        "click_count",
        "click_through_rate",
    )
    list_display_links = ("thumbnail", "title")
    list_editable = ("is_active", "sort_order")
    list_filter = ("market", "banner_type", "is_active", ScheduleFilter)
    search_fields = ("title", "subtitle", "link_url")
    date_hierarchy = "start_date"
    readonly_fields = ("preview", "view_count", "click_count", "click_through_rate", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "button_text", "link_url")}),
        (
            _("In Russian and Kyrgyz"),
            {
                "fields": tuple(
                    translation_columns(field) for field in ("title", "subtitle", "button_text", "alt_text")
                ),
                "classes": ("collapse",),
            },
        ),
        (_("Picture"), {"fields": ("image", "image_url", "preview", "alt_text")}),
        (_("Placement"), {"fields": ("banner_type", "market", "sort_order", "is_active")}),
        (_("Schedule"), {"fields": ("start_date", "end_date")}),
        (
            _("Performance"),
            {"fields": ("view_count", "click_count", "click_through_rate", "created_at", "updated_at")},
        ),
    )
    inlines = (BannerStatInline,)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new or replaced picture gets its smaller copies from the task worker.
        queue_renditions(obj)

    @admin.display(description=_("picture"))
    def thumbnail(self, banner):
        return image_preview(banner.picture_url, banner.alt_text or banner.title)

    @admin.display(description=_("preview"))
    def preview(self, banner):
        return image_preview(banner.picture_url, banner.alt_text or banner.title)

    @admin.display(description=_("CTR"))
    def click_through_rate(self, banner):
        return percent(banner.ctr)


@admin.register(BannerStat)
class BannerStatAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("date", "banner", "market", "views", "clicks", "click_through_rate")
    list_filter = ("market", "date", "banner")
    list_select_related = ("banner",)
    search_fields = ("banner__title",)
    date_hierarchy = "date"

    @admin.display(description=_("CTR"))
    def click_through_rate(self, stat):
        return percent(stat.ctr)
