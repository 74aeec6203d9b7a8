"""The catalog admin: where merchandisers run categories, products with their SKUs, pictures,
features and market prices, exchange rates and wishlists."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    SKU,
    Category,
    ExchangeRate,
    MarketPrice,
    Product,
    ProductFeature,
    ProductImage,
    Subcategory,
    Wishlist,
    WishlistItem,
)
from catalog.stock import sync_in_stock
from storefront.admin_site import SelectRelatedInline, ViewOnlyInline
from storefront.content import translation_columns
from storefront.media import ADMIN_THUMBNAIL_WIDTH
from storefront.media import image_preview as sized_preview
from storefront.money import format_money


def image_preview(url, alt):
    return sized_preview(url, alt, width=ADMIN_THUMBNAIL_WIDTH)


def file_url(field_file):
    """The URL of an uploaded file, or "" when none was uploaded."""
    return field_file.url if field_file else ""


# Products -----------------------------------------------------------------------------------


class SKUAdminForm(forms.ModelForm):
    """A SKU form that cannot put sold stock back.

    The stock shown when the page was opened travels with the form. Left unchanged, the stock is
    not written at all (orders placed meanwhile keep their decrement); changed while orders moved
    it, the save is refused with the new number so staff can decide again.
    """

    class Meta:
        model = SKU
        fields = ("stock",)  # the admin names the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "stock" in self.fields:
            self.fields["stock"].show_hidden_initial = True

    def _stock_shown(self):
        field = self.fields["stock"]
        raw = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix("stock"))
        try:
            return field.to_python(raw)
        except forms.ValidationError:
            return None

    def clean(self):
        cleaned = super().clean()
        if not (self.instance.pk and "stock" in self.fields and "stock" in cleaned):
            return cleaned
        rows = SKU.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()
        current = rows.values_list("stock", flat=True).first()
        if current is None:
            return cleaned
        shown = self._stock_shown()
        if shown is None or cleaned["stock"] == shown:
            cleaned["stock"] = current
            self.instance.stock = current
        elif current != shown:
            self.add_error(
                "stock",
                _(
                    "Orders changed the stock from %(shown)d to %(current)d while you were editing. "
                    "Check the number and save again."
                )
                % {"shown": shown, "current": current},
            )
        return cleaned


class SKUInline(SelectRelatedInline):
    model = SKU
    form = SKUAdminForm
    related = ("product",)
    show_change_link = True
    fields = (
        "sku_code",
        "size",
        *translation_columns("size"),
        "color",
        *translation_columns("color"),
        "color_hex",
        "price",
        "original_price",
        "stock",
        "variant_image",
        "preview",
        "is_active",
    )
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, sku):
        return image_preview(file_url(sku.variant_image), str(sku))


class ProductImageInline(SelectRelatedInline):
    model = ProductImage
    related = ("product",)
    fields = ("preview", "image", "image_url", "alt_text", *translation_columns("alt_text"), "sort_order")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, picture):
        return image_preview(picture.picture_url, picture.alt_text or str(picture.product))


class ProductFeatureInline(SelectRelatedInline):
    model = ProductFeature
    fields = ("feature_text", *translation_columns("feature_text"), "sort_order")


class MarketPriceInline(SelectRelatedInline):
    model = MarketPrice
    fk_name = "product"
    related = ("product", "sku__product")
    fields = ("market", "sku", "price", "original_price")

    def get_formset(self, request, obj=None, **kwargs):
        # The product being edited, so the SKU choices below can be its own SKUs only.
        self.parent_product = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "sku":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        product = getattr(self, "parent_product", None)
        kwargs["queryset"] = product.skus.all() if product else SKU.objects.none()
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Every row offers the same SKUs: read them once, not once per row.
        field.choices = list(field.choices)
        return field


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "name",
        "brand",
        "market",
        "category",
        "base_price",
        "stock_total",
        "is_active",
        "in_stock",
        "is_featured",
        "created_at",
    )
    list_display_links = ("thumbnail", "name")
    list_editable = ("is_active", "is_featured")
    list_filter = ("market", "is_active", "in_stock", "is_featured", "is_best_seller", "category")
    list_select_related = ("category",)
    list_per_page = 50
    search_fields = ("name", *translation_columns("name"), "brand", "slug", "=skus__sku_code")
    date_hierarchy = "created_at"
    autocomplete_fields = ("category", "subcategory")
    prepopulated_fields = {"slug": ("name",)}
    # "In stock" follows the SKUs (catalog.stock), the figures follow orders and reviews.
    readonly_fields = ("preview", "in_stock", "rating", "reviews_count", "sales_count", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "brand", "description")}),
        (
            _("In Russian and Kyrgyz"),
            {"fields": (translation_columns("name"), *translation_columns("description")), "classes": ("collapse",)},
        ),
        (_("Where it is sold"), {"fields": ("market", "category", "subcategory")}),
        (_("Price"), {"fields": ("price", "original_price")}),
        (_("Picture"), {"fields": ("image", "preview")}),
        (_("Shop window"), {"fields": ("is_active", "in_stock", "is_featured", "is_best_seller")}),
        (
            _("Figures"),
            {
                "fields": ("rating", "reviews_count", "sales_count", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (SKUInline, ProductImageInline, ProductFeatureInline, MarketPriceInline)

    def get_queryset(self, request):
        # A subquery rather than a join, so counting and searching the changelist stay plain.
        units = SKU.objects.filter(product=OuterRef("pk")).order_by().values("product").annotate(units=Sum("stock"))
        return (
            super()
            .get_queryset(request)
            .annotate(stock_total=Coalesce(Subquery(units.values("units")), 0))
            .prefetch_related("images")
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A product saved without SKUs, or whose SKUs did not change, is in stock only if they say so.
        sync_in_stock([form.instance.pk])

    def picture_url(self, product):
        """The product's main image, else the first picture of its gallery."""
        if product.image:
            return product.image.url
        gallery = list(product.images.all())
        return gallery[0].picture_url if gallery else ""

    @admin.display(description=_("picture"))
    def thumbnail(self, product):
        return image_preview(self.picture_url(product), product.name)

    @admin.display(description=_("preview"))
    def preview(self, product):
        return image_preview(self.picture_url(product), product.name)

    @admin.display(description=_("price"), ordering="price")
    def base_price(self, product):
        return format_money(product.price, product.base_currency)

    @admin.display(description=_("stock"), ordering="stock_total")
    def stock_total(self, product):
        return product.stock_total


@admin.register(SKU)
class SKUAdmin(admin.ModelAdmin):
    form = SKUAdminForm
    list_display = ("sku_code", "thumbnail", "product", "size", "color", "base_price", "stock", "is_active")
    list_filter = ("is_active", "product__market")
    list_select_related = ("product",)
    search_fields = ("sku_code", "product__name", "product__brand")
    autocomplete_fields = ("product",)
    readonly_fields = ("preview", "created_at", "updated_at")
    fields = (
        "product",
        "sku_code",
        ("size", *translation_columns("size")),
        ("color", *translation_columns("color"), "color_hex"),
        ("price", "original_price"),
        "stock",
        "variant_image",
        "preview",
        "is_active",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("picture"))
    def thumbnail(self, sku):
        return image_preview(file_url(sku.variant_image), str(sku))

    @admin.display(description=_("preview"))
    def preview(self, sku):
        return image_preview(file_url(sku.variant_image), str(sku))

    @admin.display(description=_("price"), ordering="price")
    def base_price(self, sku):
        return format_money(sku.price, sku.product.base_currency)


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "product", "alt_text", "sort_order")
    list_select_related = ("product",)
    search_fields = ("product__name", "alt_text")
    autocomplete_fields = ("product",)
    fields = ("product", "image", "image_url", "preview", "alt_text", *translation_columns("alt_text"), "sort_order")
    readonly_fields = ("preview",)

    @admin.display(description=_("picture"))
    def thumbnail(self, picture):
        return image_preview(picture.picture_url, picture.alt_text or str(picture.product))

    @admin.display(description=_("preview"))
    def preview(self, picture):
        return self.thumbnail(picture)


@admin.register(ProductFeature)
class ProductFeatureAdmin(admin.ModelAdmin):
    list_display = ("feature_text", "product", "sort_order")
    list_select_related = ("product",)
    search_fields = ("feature_text", *translation_columns("feature_text"), "product__name")
    autocomplete_fields = ("product",)
    fields = ("product", "feature_text", *translation_columns("feature_text"), "sort_order")


# Prices -------------------------------------------------------------------------------------


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("market", "rate", "conversion", "updated_at")
    list_editable = ("rate",)
    list_filter = ("market",)
    list_display_links = ("market",)
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request, obj=None):
        # One rate per market: a saved rate keeps its market.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "market") if obj else fields

    @admin.display(description=_("conversion"))
    def conversion(self, rate):
        return str(rate)


@admin.register(MarketPrice)
class MarketPriceAdmin(admin.ModelAdmin):
    list_display = ("product", "sku", "market", "price", "original_price")
    list_filter = ("market",)
    list_select_related = ("product", "sku__product")
    search_fields = ("product__name", "sku__sku_code")
    autocomplete_fields = ("product", "sku")


# Categories ---------------------------------------------------------------------------------


class SubcategoryInline(SelectRelatedInline):
    model = Subcategory
    related = ("category",)
    show_change_link = True
    fields = ("name", *translation_columns("name"), "slug", "is_active", "sort_order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "name", "slug", "market", "subcategory_count", "is_active", "sort_order")
    list_display_links = ("thumbnail", "name")
    list_editable = ("is_active", "sort_order")
    list_filter = ("market", "is_active")
    search_fields = ("name", *translation_columns("name"), "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("preview", "created_at", "updated_at")
    fields = (
        "name",
        translation_columns("name"),
        "slug",
        "market",
        "description",
        *translation_columns("description"),
        "icon",
        "image",
        "image_url",
        "preview",
        ("is_active", "sort_order"),
        "created_at",
        "updated_at",
    )
    inlines = (SubcategoryInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subcategory_count=Count("subcategories"))

    @admin.display(description=_("picture"))
    def thumbnail(self, category):
        return image_preview(category.picture_url, category.name)

    @admin.display(description=_("preview"))
    def preview(self, category):
        return image_preview(category.picture_url, category.name)

    @admin.display(description=_("subcategories"), ordering="subcategory_count")
    def subcategory_count(self, category):
        return category.subcategory_count


@admin.register(Subcategory)
class SubcategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "slug", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active", "category__market", "category")
    list_select_related = ("category",)
    search_fields = ("name", "slug", "category__name")
    autocomplete_fields = ("category",)
    prepopulated_fields = {"slug": ("name",)}


# Shoppers' lists and reviews ----------------------------------------------------------------


class WishlistItemInline(ViewOnlyInline):
    model = WishlistItem
    related = ("product",)
    fields = ("product", "added_at")
    readonly_fields = fields


@admin.register(Wishlist)
class WishlistAdmin(admin.ModelAdmin):
    list_display = ("user", "item_count", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__phone", "user__full_name")
    fields = ("user", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (WishlistItemInline,)

    def has_add_permission(self, request):
        # A wishlist is the shopper's own: it starts with their first saved product.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("products"), ordering="item_count")
    def item_count(self, wishlist):
        return wishlist.item_count
