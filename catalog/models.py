"""The catalog: categories, products with their SKUs, pictures and features, prices per market,
and wishlists. (Reviews of what orders delivered live in the reviews app, above checkout.)"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Ceil, Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from storefront.content import content_field
from storefront.markets import Market, MarketConfig, MarketQuerySet, MarketScope, get_market, sold_in_all_markets
from storefront.media import UploadedOrLinkedImage, WithRenditions

MONEY = {"max_digits": 12, "decimal_places": 2}


class CategoryQuerySet(MarketQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Category(UploadedOrLinkedImage):
    name = models.CharField(_("name"), max_length=100)
    name_ru = content_field(models.CharField, _("name"), "ru", max_length=100)
    name_ky = content_field(models.CharField, _("name"), "ky", max_length=100)
    slug = models.SlugField(_("slug"), max_length=120)
    icon = models.CharField(_("icon"), max_length=50, blank=True, help_text=_("Icon name, such as shirt."))
    image = models.ImageField(_("image"), upload_to="categories/", blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ru = content_field(models.TextField, _("description"), "ru")
    description_ky = content_field(models.TextField, _("description"), "ky")
    market = models.CharField(_("market"), max_length=3, choices=MarketScope.choices, default=MarketScope.ALL)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "market"], name="category_name_market_unique"),
            models.UniqueConstraint(fields=["slug", "market"], name="category_slug_market_unique"),
        ]
        indexes = [models.Index(fields=["market", "is_active"], name="category_market_active_idx")]

    def __str__(self):
        return self.name


class SubcategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, category__is_active=True)


class Subcategory(models.Model):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="subcategories"
    )
    name = models.CharField(_("name"), max_length=100)
    name_ru = content_field(models.CharField, _("name"), "ru", max_length=100)
    name_ky = content_field(models.CharField, _("name"), "ky", max_length=100)
    slug = models.SlugField(_("slug"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = SubcategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("subcategory")
        verbose_name_plural = _("subcategories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="subcategory_category_slug_unique"),
            models.UniqueConstraint(fields=["category", "name"], name="subcategory_category_name_unique"),
        ]

    def __str__(self):
        return f"{self.category} › {self.name}"


def refuse_original_below_price(row):
    """A field error, not a database error, for an "original price" below the price it was cut to."""
    if row.price is not None and row.original_price is not None and row.original_price < row.price:
        raise ValidationError(
            {"original_price": _("The original price is the price before a reduction: at least the price.")}
        )


def best_seller_condition(prefix=""):
    """A product is a best seller when staff picked it or it has sold (`prefix` such as "product__")."""
    return Q(**{f"{prefix}is_best_seller": True}) | Q(**{f"{prefix}sales_count__gt": 0})


# `covered(market) -> Q | None`: the products an app above the catalog marks down in `market` right
# now (promotions' running sales), None when it marks down nothing there.
_sale_conditions: list = []


def register_sale_condition(covered) -> None:
    """Count the products `covered(market)` names as on sale too (once per function)."""
    if covered not in _sale_conditions:
        _sale_conditions.append(covered)


def running_sales_condition(market: MarketConfig):
    """The products a running sale marks down in `market`, or None when no sale runs there."""
    conditions = [q for q in (covered(market) for covered in _sale_conditions) if q is not None]
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def on_sale_condition(market: MarketConfig, *, with_running_sales=True):
    """A product is on sale in `market` when its fixed price there has an original price above it,
    or, without a fixed price, when its own original price is above its price, or (unless
    `with_running_sales` is false) when a running sale marks it down.

    Written with uncorrelated subqueries (the market's fixed product prices), which the database
    reads once per query rather than once per product.
    """
    fixed = MarketPrice.objects.filter(sku__isnull=True).in_markets([market.code])
    fixed_on_sale = fixed.filter(original_price__gt=F("price")).values("product_id")
    condition = Q(pk__in=fixed_on_sale) | (~Q(pk__in=fixed.values("product_id")) & Q(original_price__gt=F("price")))
    running = running_sales_condition(market) if with_running_sales else None
    return condition if running is None else condition | running


class ProductQuerySet(MarketQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_stock(self):
        return self.filter(in_stock=True)

    def featured(self):
        return self.filter(is_featured=True)

    def best_sellers(self):
        return self.filter(best_seller_condition()).order_by("-is_best_seller", "-sales_count", "-id")

    def with_prices(self, pricing):
        """Annotate the market's fixed prices and `market_price`, a sortable, filterable price."""
        fixed = MarketPrice.objects.filter(product=OuterRef("pk"), sku__isnull=True).in_markets([pricing.market.code])
        money = models.DecimalField(**MONEY)
        converted = F("price")
        if pricing.rate != 1:
            # The same conversion and rounding as storefront.money.round_for_market, in SQL.
            rule = pricing.market.rounding
            steps = Ceil(F("price") * Value(pricing.rate) / Value(rule.increment))
            converted = ExpressionWrapper(steps * Value(rule.increment) - Value(rule.ending), output_field=money)
        return self.annotate(
            fixed_price=Subquery(fixed.values("price")[:1]),
            fixed_original_price=Subquery(fixed.values("original_price")[:1]),
            market_price=Coalesce(
                F("fixed_price"),
                Case(When(sold_in_all_markets(), then=converted), default=F("price"), output_field=money),
            ),
        )


class Product(WithRenditions):
    name = models.CharField(_("name"), max_length=200)
    name_ru = content_field(models.CharField, _("name"), "ru", max_length=200)
    name_ky = content_field(models.CharField, _("name"), "ky", max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    brand = models.CharField(_("brand"), max_length=100, db_index=True)
    description = models.TextField(_("description"), blank=True)
    description_ru = content_field(models.TextField, _("description"), "ru")
    description_ky = content_field(models.TextField, _("description"), "ky")
    market = models.CharField(_("market"), max_length=3, choices=MarketScope.choices, default=MarketScope.KG)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    subcategory = models.ForeignKey(
        Subcategory,
        on_delete=models.PROTECT,
        related_name="products",
        null=True,
        blank=True,
        verbose_name=_("subcategory"),
    )
    price = models.DecimalField(
        _("price"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In the product's base currency: som for KG, dollars for US and ALL."),
    )
    original_price = models.DecimalField(_("original price"), **MONEY, null=True, blank=True)
    image = models.ImageField(_("main image"), upload_to="products/", blank=True)
    rating = models.DecimalField(
        _("rating"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    reviews_count = models.PositiveIntegerField(_("reviews"), default=0)
    sales_count = models.PositiveIntegerField(_("sales"), default=0)
    in_stock = models.BooleanField(_("in stock"), default=True, help_text=_("Any active SKU has stock."))
    is_active = models.BooleanField(_("active"), default=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_best_seller = models.BooleanField(_("best seller"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What search reads on PostgreSQL, derived from the text above, the SKUs' colors and the
    # category's and subcategory's names by catalog.search_index (plain, unused columns on SQLite).
    search_vector_en = SearchVectorField(null=True, editable=False)
    search_vector_ru = SearchVectorField(null=True, editable=False)
    search_vector_ky = SearchVectorField(null=True, editable=False)
    # The three above together: a search matches the words through this column's index, once.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(blank=True, default="", editable=False)
    # The sizes and colors of the product's active SKUs, one per line (NULL: none), kept with the
    # search columns: a search counts its results' size and color facets from these, without
    # reading their SKUs (catalog.listing.live_counts; unused on SQLite). NULL, not "", is none: ""
    # is one blank size.
    facet_sizes = models.TextField(null=True, editable=False)  # noqa: DJ001
    facet_colors = models.TextField(null=True, editable=False)  # noqa: DJ001

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["market", "is_active", "in_stock"], name="product_mkt_active_stock_idx"),
            models.Index(fields=["category", "subcategory"], name="product_category_sub_idx"),
            models.Index(F("sales_count").desc(), name="product_sales_desc_idx"),
            # The best sellers' order (staff picks, then sales) and the top rated, read a page at a time.
            models.Index(
                F("is_best_seller").desc(), F("sales_count").desc(), F("id").desc(), name="product_best_seller_idx"
            ),
            models.Index(F("rating").desc(), F("reviews_count").desc(), F("id").desc(), name="product_top_rated_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(rating__gte=0, rating__lte=5), name="product_rating_range"),
            models.CheckConstraint(
                condition=Q(original_price__isnull=True) | Q(original_price__gte=F("price")),
                name="product_original_price_not_below_price",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        refuse_original_below_price(self)

    @property
    def base_currency(self):
        """Currency `price` is written in: the market's own, or the catalog base for ALL."""
        if self.market == MarketScope.ALL:
            return settings.CATALOG_BASE_CURRENCY
        return get_market(self.market).currency


class ProductImage(UploadedOrLinkedImage, WithRenditions):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    alt_text = models.CharField(_("alt text"), max_length=200, blank=True)
    alt_text_ru = content_field(models.CharField, _("alt text"), "ru", max_length=200)
    alt_text_ky = content_field(models.CharField, _("alt text"), "ky", max_length=200)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.alt_text or f"{self.product} #{self.sort_order}"


class ProductFeature(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="features")
    feature_text = models.CharField(_("feature"), max_length=255)
    feature_text_ru = content_field(models.CharField, _("feature"), "ru", max_length=255)
    feature_text_ky = content_field(models.CharField, _("feature"), "ky", max_length=255)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("product feature")
        verbose_name_plural = _("product features")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.feature_text


class SKUQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, product__is_active=True)

    def in_stock(self):
        return self.filter(stock__gt=0)


class SKU(WithRenditions, models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus")
    sku_code = models.CharField(_("SKU code"), max_length=64, unique=True)
    # `size` and `color` are what filters and URLs carry; their _ru/_ky columns are only shown
    # (a size such as "M" or "42" needs none; "One size" does).
    size = models.CharField(_("size"), max_length=20, blank=True)
    size_ru = content_field(models.CharField, _("size"), "ru", max_length=40)
    size_ky = content_field(models.CharField, _("size"), "ky", max_length=40)
    color = models.CharField(_("color"), max_length=40, blank=True)
    color_ru = content_field(models.CharField, _("color"), "ru", max_length=40)
    color_ky = content_field(models.CharField, _("color"), "ky", max_length=40)
    color_hex = models.CharField(_("color swatch"), max_length=7, blank=True, help_text=_("Such as #1A1A1A."))
    price = models.DecimalField(
        _("price"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In the product's base currency."),
    )
    original_price = models.DecimalField(_("original price"), **MONEY, null=True, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    variant_image = models.ImageField(_("variant image"), upload_to="variants/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SKUQuerySet.as_manager()

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["product_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "size", "color"], name="sku_product_size_color_unique"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="sku_price_positive"),
            models.CheckConstraint(
                condition=Q(original_price__isnull=True) | Q(original_price__gte=F("price")),
                name="sku_original_price_not_below_price",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "is_active"], name="sku_product_active_idx"),
            # The size and color filters: the products with an active SKU of these sizes or colors.
            models.Index(fields=["size", "product"], condition=Q(is_active=True), name="sku_active_size_idx"),
            models.Index(fields=["color", "product"], condition=Q(is_active=True), name="sku_active_color_idx"),
            # The size and color counts of a filtered listing: its products' active SKUs, from the index alone.
            models.Index(
                fields=["product", "size", "color"], condition=Q(is_active=True), name="sku_active_variant_idx"
            ),
        ]

    def __str__(self):
        variant = " / ".join(v for v in [self.size, self.color] if v)
        return f"{self.product} ({variant})" if variant else str(self.product)

    def clean(self):
        super().clean()
        refuse_original_below_price(self)

    def get_additional_data(self):
        """What the audit log keeps beside each change: the product, whose history shows it (catalog.audit)."""
        return {"product_id": self.product_id}


def rate_cache_key(market_code):
    return f"catalog:rate:{market_code}"


class ExchangeRate(models.Model):
    """How many units of a market's currency one unit of the catalog base currency buys."""

    market = models.CharField(_("market"), max_length=2, choices=Market.choices, unique=True)
    rate = models.DecimalField(
        pgettext_lazy("exchange", "rate"),
        max_digits=14,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive")]

    def __str__(self):
        return f"1 {settings.CATALOG_BASE_CURRENCY} = {self.rate} {get_market(self.market).currency}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(rate_cache_key(self.market))

    @classmethod
    def rate_for(cls, market: MarketConfig, base_currency):
        """Rate from `base_currency` to `market`'s currency (1 when they are the same)."""
        if market.currency == base_currency:
            return Decimal("1")
        if base_currency != settings.CATALOG_BASE_CURRENCY:
            raise ValueError(f"No conversion from {base_currency} to {market.currency}.")
        return cls.objects.get(market=market.code).rate


class MarketPrice(models.Model):
    """A price a merchandiser fixed for one market, for a product or one of its SKUs."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="market_prices"
    )
    sku = models.ForeignKey(
        SKU, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="market_prices", null=True, blank=True
    )
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    original_price = models.DecimalField(_("original price"), **MONEY, null=True, blank=True)

    objects = MarketQuerySet.as_manager()

    class Meta:
        verbose_name = _("market price")
        verbose_name_plural = _("market prices")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "market"], condition=Q(sku__isnull=True), name="market_price_product_unique"
            ),
            models.UniqueConstraint(
                fields=["sku", "market"], condition=Q(sku__isnull=False), name="market_price_sku_unique"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="market_price_positive"),
            models.CheckConstraint(
                condition=Q(original_price__isnull=True) | Q(original_price__gte=F("price")),
                name="market_price_original_not_below_price",
            ),
        ]

    def __str__(self):
        return f"{self.sku or self.product} @ {self.market}: {self.price}"

    def clean(self):
        super().clean()
        refuse_original_below_price(self)

    def get_additional_data(self):
        """What the audit log keeps beside each change: the product, whose history shows it (catalog.audit)."""
        return {"product_id": self.product_id}


class Wishlist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="wishlist"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("wishlist")
        verbose_name_plural = _("wishlists")

    def __str__(self):
        return str(self.user)


class WishlistItemQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Items on `user`'s own wishlist (anyone else's are never found)."""
        return self.filter(wishlist__user=user)


class WishlistItem(models.Model):
    wishlist = models.ForeignKey(Wishlist, verbose_name=_("wishlist"), on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="wishlist_items"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = WishlistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["wishlist", "product"], name="wishlist_item_unique"),
        ]

    def __str__(self):
        return str(self.product)


class ListingFacet(models.Model):
    """How many products one option of an unfiltered listing's facet leaves, for one market's shoppers.

    A listing is all products (no category), best sellers (`best_sellers`), a category (no
    subcategory) or a category's products of one subcategory; `catalog.facets` counts and reads
    these rows. `kind` TOTAL (no value) counts the listing itself and is there even when zero.
    """

    class Kind(models.TextChoices):
        TOTAL = "total", _("products")
        SUB = "sub", _("subcategory")
        BRAND = "brand", _("brand")
        SIZE = "size", _("size")
        COLOR = "color", _("color")
        IN_STOCK = "in_stock", _("in stock")
        SALE = "sale", _("on sale")

    # The market whose shoppers see these counts (its own products and those sold in ALL).
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    subcategory = models.ForeignKey(
        Subcategory, verbose_name=_("subcategory"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    best_sellers = models.BooleanField(_("best sellers"), default=False)
    kind = models.CharField(_("facet"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=120, blank=True)
    # A subcategory option's name in each content language (other options show their value).
    label = models.CharField(_("label"), max_length=100, blank=True)
    label_ru = content_field(models.CharField, _("label"), "ru", max_length=100)
    label_ky = content_field(models.CharField, _("label"), "ky", max_length=100)
    count = models.PositiveIntegerField(_("products"))

    objects = MarketQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing facet count")
        verbose_name_plural = _("listing facet counts")
        indexes = [
            models.Index(fields=["market", "category", "subcategory", "best_sellers"], name="listing_facet_scope_idx"),
            models.Index(fields=["subcategory", "market"], name="listing_facet_sub_idx"),
        ]

    def __str__(self):
        return f"{self.market} {self.kind} {self.value}: {self.count}"


@receiver(post_delete, sender=ExchangeRate)
def _forget_rate_after_delete(sender, instance, **kwargs):
    cache.delete(rate_cache_key(instance.market))
