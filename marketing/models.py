"""Homepage banners per market, with schedules, and their views and clicks per day."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from storefront.content import content_field
from storefront.markets import Market, MarketQuerySet, MarketScope
from storefront.media import UploadedOrLinkedImage, WithRenditions
from storefront.page_cache import soonest_boundary


def click_through_rate(clicks, views):
    """Clicks per hundred views, to the hundredth; 0 before any view."""
    if not views:
        return Decimal("0.00")
    return (Decimal(clicks) * 100 / Decimal(views)).quantize(Decimal("0.01"))


class BannerQuerySet(MarketQuerySet):
    def live(self, at=None):
        """Active banners inside their schedule at `at` (now by default)."""
        at = at or timezone.now()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=at),
            Q(end_date__isnull=True) | Q(end_date__gt=at),
            is_active=True,
        )

    def next_boundary(self, now=None):
        """The soonest start or end after `now` of the active banners, else None (the shared pages'
        version ends then, so a banner appears and leaves on time: storefront.page_cache)."""
        return soonest_boundary(self.filter(is_active=True), "start_date", "end_date", now)

    def of_type(self, banner_type):
        return self.filter(banner_type=banner_type)


class Banner(UploadedOrLinkedImage, WithRenditions):
    class Type(models.TextChoices):
        HERO = "hero", _("Hero")
        PROMO = "promo", _("Promo")
        CATEGORY = "category", _("Category")

    title = models.CharField(_("title"), max_length=150)
    title_ru = content_field(models.CharField, _("title"), "ru", max_length=150)
    title_ky = content_field(models.CharField, _("title"), "ky", max_length=150)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    subtitle_ru = content_field(models.CharField, _("subtitle"), "ru", max_length=300)
    subtitle_ky = content_field(models.CharField, _("subtitle"), "ky", max_length=300)
    image = models.ImageField(_("image"), upload_to="banners/", blank=True)
    alt_text = models.CharField(_("alt text"), max_length=200, blank=True)
    alt_text_ru = content_field(models.CharField, _("alt text"), "ru", max_length=200)
    alt_text_ky = content_field(models.CharField, _("alt text"), "ky", max_length=200)
    banner_type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.HERO)
    market = models.CharField(_("market"), max_length=3, choices=MarketScope.choices, default=MarketScope.ALL)
    button_text = models.CharField(_("button text"), max_length=50, blank=True)
    button_text_ru = content_field(models.CharField, _("button text"), "ru", max_length=50)
    button_text_ky = content_field(models.CharField, _("button text"), "ky", max_length=50)
    link_url = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("A path on this site, such as /kg/c/shoes/, or an allowed host."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    start_date = models.DateTimeField(_("starts"), null=True, blank=True)
    end_date = models.DateTimeField(_("ends"), null=True, blank=True)
    view_count = models.PositiveBigIntegerField(_("views"), default=0)
    click_count = models.PositiveBigIntegerField(_("clicks"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BannerQuerySet.as_manager()

    class Meta:
        verbose_name = _("banner")
        verbose_name_plural = _("banners")
        ordering = ["sort_order", "-created_at"]
        indexes = [
            models.Index(fields=["market", "banner_type", "is_active"], name="banner_mkt_type_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="banner_schedule_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The banner must end after it starts.")})

    @property
    def ctr(self):
        """Click-through rate in percent over the banner's whole life."""
        return click_through_rate(self.click_count, self.view_count)


class BannerStat(models.Model):
    """Views and clicks of one banner in one market on one day."""

    banner = models.ForeignKey(Banner, verbose_name=_("banner"), on_delete=models.CASCADE, related_name="stats")
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    date = models.DateField(_("date"))
    views = models.PositiveBigIntegerField(_("views"), default=0)
    clicks = models.PositiveBigIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("banner statistic")
        verbose_name_plural = _("banner statistics")
        ordering = ["-date", "banner_id", "market"]
        constraints = [
            models.UniqueConstraint(fields=["banner", "market", "date"], name="banner_stat_unique_day"),
        ]

    def __str__(self):
        return f"{self.banner} {self.market} {self.date}"

    @property
    def ctr(self):
        return click_through_rate(self.clicks, self.views)
