"""Daily figures of the shop, one row per market and day (and product, or discount code).

They are a cache of the orders, kept so the dashboard reads a few hundred rows whatever the
number of orders: `dashboard.rollups` rebuilds a day from its orders when one of them is placed
or moves (after the transaction commits), and the scheduler sweeps every few minutes for
anything missed (`RollupState` remembers how far it read the status history). A day is a day
of the market's own time zone (`MarketConfig.time_zone`); money stays in the currency it was
charged in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from storefront.markets import Currency, Market, MarketQuerySet, MarketScope

MONEY = {"max_digits": 14, "decimal_places": 2}


class DailyQuerySet(MarketQuerySet):
    def between(self, start, end):
        """Rows of the days from `start` to `end`, both included."""
        return self.filter(day__gte=start, day__lte=end)


class DailySales(models.Model):
    """Orders placed in one market on one day, and what came of them."""

    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    day = models.DateField(_("day"))
    orders = models.PositiveIntegerField(_("orders placed"), default=0)
    # Revenue: the totals of the day's orders that were not cancelled, as charged.
    revenue = models.DecimalField(_("revenue"), **MONEY, default=0)
    items_sold = models.PositiveIntegerField(_("items sold"), default=0)
    pending = models.PositiveIntegerField(_("pending"), default=0)
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    shipped = models.PositiveIntegerField(_("shipped"), default=0)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)
    cancelled_amount = models.DecimalField(_("cancelled amount"), **MONEY, default=0)
    code_orders = models.PositiveIntegerField(_("orders with a discount code"), default=0)
    code_discount = models.DecimalField(_("taken off by codes"), **MONEY, default=0)

    objects = DailyQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")
        ordering = ["day", "market"]
        constraints = [models.UniqueConstraint(fields=["market", "currency", "day"], name="daily_sales_unique_day")]
        indexes = [models.Index(fields=["day", "market"], name="daily_sales_day_idx")]
        permissions = [("view_dashboard", _("Can view the sales dashboard"))]

    def __str__(self):
        return f"{self.market} {self.day}"


class DailyProductSales(models.Model):
    """Units of one product sold in one market on one day (orders not cancelled)."""

    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    day = models.DateField(_("day"))
    # The product may be deleted later: its name as sold stays.
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    product_name = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    quantity = models.PositiveIntegerField(_("units"), default=0)
    revenue = models.DecimalField(_("revenue"), **MONEY, default=0)

    objects = DailyQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily product sales")
        verbose_name_plural = _("daily product sales")
        ordering = ["day", "market", "-revenue"]
        indexes = [models.Index(fields=["day", "market"], name="daily_product_day_idx")]

    def __str__(self):
        return f"{self.market} {self.day} {self.product_name}"


class DailyCodeUse(models.Model):
    """Orders that used one discount code in one market on one day (not cancelled)."""

    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    day = models.DateField(_("day"))
    code = models.CharField(_("code"), max_length=40)
    orders = models.PositiveIntegerField(_("redemptions"), default=0)
    discount = models.DecimalField(_("taken off"), **MONEY, default=0)

    objects = DailyQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily discount code use")
        verbose_name_plural = _("daily discount code uses")
        ordering = ["day", "market", "code"]
        indexes = [models.Index(fields=["day", "market"], name="daily_code_day_idx")]

    def __str__(self):
        return f"{self.market} {self.day} {self.code}"


class LowStockSKU(models.Model):
    """An active SKU of an active product whose stock ran low, as the last sweep found it."""

    sku = models.OneToOneField("catalog.SKU", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    market = models.CharField(_("market"), max_length=3, choices=MarketScope.choices)
    product_name = models.CharField(_("product"), max_length=200)
    sku_code = models.CharField(_("SKU code"), max_length=64)
    size = models.CharField(_("size"), max_length=20, blank=True)
    color = models.CharField(_("color"), max_length=40, blank=True)
    stock = models.PositiveIntegerField(_("stock"))

    objects = MarketQuerySet.as_manager()

    class Meta:
        verbose_name = _("SKU low on stock")
        verbose_name_plural = _("SKUs low on stock")
        ordering = ["stock", "product_name", "sku_code"]
        indexes = [models.Index(fields=["market", "stock"], name="low_stock_market_idx")]

    def __str__(self):
        return f"{self.sku_code}: {self.stock}"


class RollupState(models.Model):
    """How far the sweep has read (one row): the last status change seen, and when it ran."""

    last_history_id = models.BigIntegerField(default=0)
    swept_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"history up to {self.last_history_id}"
