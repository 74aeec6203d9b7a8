"""The shop's help pages (contact, delivery, returns, payment methods, privacy), written by
merchandisers per market and language.

A page of one market replaces the page of the same kind written for ALL markets, so a shop can keep
one privacy notice for everyone and a delivery page per market.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from storefront.content import content_field
from storefront.markets import MarketQuerySet, MarketScope

BODY_HELP = _(
    "Plain text. A blank line starts a new paragraph; web and e-mail addresses become links. "
    "HTML is shown as typed, never run."
)


class HelpPageQuerySet(MarketQuerySet):
    def published(self):
        return self.filter(is_active=True)


class HelpPage(models.Model):
    class Kind(models.TextChoices):
        # In the footer's order.
        CONTACT = "contact", _("Contact us")
        DELIVERY = "delivery", _("Delivery")
        RETURNS = "returns", _("Returns")
        PAYMENT = "payment", _("Payment methods")
        PRIVACY = "privacy", _("Privacy")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("The end of the page's address: /kg/help/<slug>/ (such as delivery).")
    )
    market = models.CharField(_("market"), max_length=3, choices=MarketScope.choices, default=MarketScope.ALL)
    title = models.CharField(_("title"), max_length=150)
    title_ru = content_field(models.CharField, _("title"), "ru", max_length=150)
    title_ky = content_field(models.CharField, _("title"), "ky", max_length=150)
    body = models.TextField(_("body"), help_text=BODY_HELP)
    body_ru = content_field(models.TextField, _("body"), "ru", help_text=BODY_HELP)
    body_ky = content_field(models.TextField, _("body"), "ky", help_text=BODY_HELP)
    is_active = models.BooleanField(_("shown in the shop"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HelpPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("help page")
        verbose_name_plural = _("help pages")
        ordering = ("kind", "market")
        constraints = [
            models.UniqueConstraint(fields=["market", "slug"], name="help_page_slug_unique_per_market"),
            models.UniqueConstraint(fields=["market", "kind"], name="help_page_kind_unique_per_market"),
        ]

    def __str__(self):
        return f"{self.title} ({self.market})"
