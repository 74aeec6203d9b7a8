"""Promotions a merchandiser schedules per market: sales that mark prices down, and discount codes
a shopper enters in the cart or at checkout."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from storefront.content import content_field
from storefront.markets import Currency, MarketQuerySet, MarketScope, sold_in_all_markets
from storefront.page_cache import soonest_boundary

MONEY = {"max_digits": 12, "decimal_places": 2}


class ScheduledQuerySet(MarketQuerySet):
    def running(self, now=None):
        """Switched on and inside their schedule at `now`."""
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            is_active=True,
        )

    def next_boundary(self, now=None):
        """The soonest start or end after `now` of the switched-on rows, else None."""
        return soonest_boundary(self.filter(is_active=True), "starts_at", "ends_at", now)


class Scheduled(models.Model):
    market = models.CharField(_("market"), max_length=3, choices=MarketScope.choices, default=MarketScope.ALL)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, help_text=_("Empty: at once."))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, help_text=_("Empty: until switched off."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScheduledQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})


class Sale(Scheduled):
    """A markdown: a percentage or a fixed amount off products, categories or single SKUs."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        AMOUNT = "amount", _("Fixed amount off")

    name = models.CharField(_("public name"), max_length=100, help_text=_("Shown beside the sale price."))
    name_ru = content_field(models.CharField, _("public name"), "ru", max_length=100)
    name_ky = content_field(models.CharField, _("public name"), "ky", max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        _("value"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Percent off (1–90), or the amount off in the market's currency."),
    )
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("products"))
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+", verbose_name=_("categories"))
    skus = models.ManyToManyField("catalog.SKU", blank=True, related_name="+", verbose_name=_("SKUs"))

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["market", "is_active", "starts_at", "ends_at"], name="sale_schedule_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="sale_value_positive"),
            models.CheckConstraint(condition=~Q(kind="percent") | Q(value__lte=90), name="sale_percent_at_most_90"),
            models.CheckConstraint(
                condition=~Q(kind="amount") | ~sold_in_all_markets(), name="sale_amount_in_one_market"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == self.Kind.PERCENT and self.value and self.value > 90:
            raise ValidationError({"value": _("A sale takes at most 90 percent off.")})
        if self.kind == self.Kind.AMOUNT and self.market == MarketScope.ALL:
            raise ValidationError(
                {"market": _("An amount off is in one market's currency: choose KG or US, or a percentage.")}
            )


class DiscountCodeQuerySet(ScheduledQuerySet):
    def matching(self, text):
        return self.filter(code=normalize_code(text))


def normalize_code(text) -> str:
    return str(text or "").strip().upper()[:40]


class DiscountCode(Scheduled):
    """A code a shopper enters; each placed order with it uses it once, a cancelled one gives it back."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off the order")
        AMOUNT = "amount", _("Fixed amount off the order")
        FREE_SHIPPING = "free_shipping", _("Free delivery")

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("What shoppers type; letters are matched in any case.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERCENT)
    percent = models.PositiveSmallIntegerField(
        _("percent off"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    amount_kgs = models.DecimalField(_("amount off (som)"), **MONEY, null=True, blank=True)
    amount_usd = models.DecimalField(_("amount off (USD)"), **MONEY, null=True, blank=True)
    minimum_kgs = models.DecimalField(_("minimum order (som)"), **MONEY, null=True, blank=True)
    minimum_usd = models.DecimalField(_("minimum order (USD)"), **MONEY, null=True, blank=True)
    first_order_only = models.BooleanField(_("first order only"), default=False)
    per_shopper_limit = models.PositiveIntegerField(
        _("uses per shopper"), null=True, blank=True, default=1, help_text=_("Empty: no limit.")
    )
    usage_limit = models.PositiveIntegerField(
        _("uses in total"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    times_used = models.PositiveIntegerField(_("times used"), default=0, editable=False)

    objects = DiscountCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("discount code")
        verbose_name_plural = _("discount codes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="discount_code_not_over_redeemed",
            ),
            models.CheckConstraint(condition=Q(code=models.functions.Upper("code")), name="discount_code_upper"),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = normalize_code(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.code = normalize_code(self.code)
        if self.kind == self.Kind.PERCENT and not self.percent:
            raise ValidationError({"percent": _("Give the percentage off.")})
        if self.kind == self.Kind.AMOUNT:
            needed = {
                MarketScope.KG: ["amount_kgs"],
                MarketScope.US: ["amount_usd"],
                MarketScope.ALL: ["amount_kgs", "amount_usd"],
            }[self.market]
            missing = {name: _("Give the amount off in this currency.") for name in needed if not getattr(self, name)}
            if missing:
                raise ValidationError(missing)

    def amount_off(self, currency) -> Decimal | None:
        return self.amount_usd if currency == Currency.USD else self.amount_kgs

    def minimum(self, currency) -> Decimal | None:
        return self.minimum_usd if currency == Currency.USD else self.minimum_kgs
