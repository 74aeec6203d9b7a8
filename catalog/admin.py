"""The catalog admin: where merchandisers run categories, products with their SKUs, pictures,
features and market prices, exchange rates, wishlists and the moderation of reviews."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import MERCHANDISER
from catalog.models import (
    SKU,
    Category,
    ExchangeRate,
    MarketPrice,
    Product,
    ProductFeature,
    ProductImage,
    Review,
    ReviewImage,
    Subcategory,
    Wishlist,
    WishlistItem,
)
from catalog.reviews import approve_reviews, delete_reviews, forget_photo_files, reject_reviews
from storefront.admin_site import ReadOnlyAdminMixin
from storefront.content import translation_columns
from storefront.markets import Market
from storefront.media import image_preview as sized_preview
from storefront.money import format_money

THUMBNAIL_WIDTH = 48
REVIEW_PHOTO_WIDTH = 240


def image_preview(url, alt):
    return sized_preview(url, alt, width=THUMBNAIL_WIDTH)


def file_url(field_file):
    """The URL of an uploaded file, or "" when none was uploaded."""
    return field_file.url if field_file else ""


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
        "color",
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
    fields = ("preview", "image", "image_url", "alt_text", "sort_order")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, picture):
        return image_preview(picture.picture_url, picture.alt_text or str(picture.product))


class ProductFeatureInline(SelectRelatedInline):
    model = ProductFeature
    fields = ("feature_text", "sort_order")


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
    readonly_fields = ("preview", "rating", "reviews_count", "sales_count", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "brand", "description")}),
        (
            _("In Russian and Kyrgyz"),
            {"fields": (translation_columns("name"), *translation_columns("description")), "classes": ("collapse",)},
        ),
        (_("Where it is sold"), {"fields": ("market", "category", "subcategory")}),
        (_("Price"), {"fields": ("price", "original_price", "discount")}),
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
        ("size", "color", "color_hex"),
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
    fields = ("product", "image", "image_url", "preview", "alt_text", "sort_order")
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
    search_fields = ("feature_text", "product__name")
    autocomplete_fields = ("product",)


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


class ReviewImageInline(SelectRelatedInline):
    """The photos of a review, previewed; they come only from the shopper, so staff can only remove them."""

    model = ReviewImage
    related = ("review__product",)
    fields = ("preview", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def preview(self, picture):
        return sized_preview(picture.picture_url, _("Picture from a review"), width=REVIEW_PHOTO_WIDTH)


def review_markets(request):
    """The markets whose reviews the staff user moderates, read once per request; None for all of them.

    Superusers and merchandisers moderate every review; a market manager only those of the markets
    assigned to them (a review's market is its order's).
    """
    if not hasattr(request, "_review_markets"):
        user = request.user
        if user.is_superuser or user.groups.filter(name=MERCHANDISER).exists():
            request._review_markets = None
        else:
            request._review_markets = user.managed_market_codes
    return request._review_markets


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("moderation state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Review.State.choices

    def queryset(self, request, queryset):
        states = {
            Review.State.PENDING: queryset.pending,
            Review.State.APPROVED: queryset.approved,
            Review.State.REJECTED: queryset.rejected,
        }
        return states[self.value()]() if self.value() in states else queryset


class ReviewMarketFilter(admin.SimpleListFilter):
    """Market filter offering the markets the user moderates (none when there is one)."""

    title = _("market")
    parameter_name = "market"

    def lookups(self, request, model_admin):
        codes = review_markets(request)
        codes = Market.values if codes is None else codes
        if len(codes) < 2:
            return []
        return [(code, Market(code).label) for code in codes]

    def queryset(self, request, queryset):
        if self.value() in Market.values:
            return queryset.in_markets([self.value()])
        return queryset


class ReviewAdminForm(forms.ModelForm):
    """What the shopper wrote, with the moderator's decision, which goes through catalog.reviews."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("Keep as it is")),
            ("approve", _("Approve: publish it")),
            ("reject", _("Reject: keep it off the shop")),
        ],
        help_text=_("The product's rating and review count follow at once."),
    )

    class Meta:
        model = Review
        fields = ("title", "comment")


@admin.action(description=_("Approve selected reviews"), permissions=["change"])
def approve_selected(modeladmin, request, queryset):
    changed = approve_reviews(review_ids=list(queryset.values_list("pk", flat=True)), by=request.user)
    message = ngettext("%(n)d review approved.", "%(n)d reviews approved.", changed) % {"n": changed}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description=_("Reject selected reviews"), permissions=["change"])
def reject_selected(modeladmin, request, queryset):
    changed = reject_reviews(review_ids=list(queryset.values_list("pk", flat=True)), by=request.user)
    message = ngettext("%(n)d review rejected.", "%(n)d reviews rejected.", changed) % {"n": changed}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewAdminForm
    list_display = (
        "product",
        "user",
        "rating",
        "title",
        "state",
        "is_verified_purchase",
        "market",
        "photos",
        "created_at",
    )
    list_filter = (ReviewStateFilter, ReviewMarketFilter, "rating", "is_verified_purchase", "created_at")
    list_select_related = ("product", "user", "order")
    list_per_page = 50
    search_fields = ("product__name", "user__phone", "=order__order_number", "title", "comment")
    date_hierarchy = "created_at"
    actions = (approve_selected, reject_selected)
    inlines = (ReviewImageInline,)
    # What the shopper bought and rated stays theirs; staff moderate it (and may tidy the text).
    readonly_fields = (
        "product",
        "user",
        "order",
        "market",
        "rating",
        "is_verified_purchase",
        "state",
        "moderated_at",
        "moderated_by",
        "helpful_count",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("product", "user", "order", "market", "is_verified_purchase", "created_at")}),
        (_("Review"), {"fields": ("rating", "title", "comment", "helpful_count")}),
        (_("Moderation"), {"fields": ("state", "moderated_at", "moderated_by", "updated_at")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("images")
        markets = review_markets(request)
        return queryset if markets is None else queryset.in_markets(markets)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        return ((_("Decision"), {"fields": ("decision",)}), *fieldsets)

    def has_add_permission(self, request):
        # Reviews are written by shoppers about what their orders delivered.
        return False

    def save_model(self, request, obj, form, change):
        # Only the text staff may tidy is written here, so a decision taken meanwhile is never undone.
        edited = [name for name in ("title", "comment") if name in form.changed_data]
        if edited:
            obj.save(update_fields=[*edited, "updated_at"])
        decision = form.cleaned_data.get("decision")
        if decision == "approve":
            approve_reviews(review_ids=[obj.pk], by=request.user)
        elif decision == "reject":
            reject_reviews(review_ids=[obj.pk], by=request.user)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # A photo staff removed leaves the storage too (it may be why the review was reported).
        forget_photo_files(picture.image.name for picture in formset.deleted_objects if picture.image)

    def delete_model(self, request, obj):
        delete_reviews(review_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        delete_reviews(review_ids=list(queryset.values_list("pk", flat=True)))

    @admin.display(description=_("moderation state"))
    def state(self, review):
        return review.get_state_display()

    @admin.display(description=_("market"))
    def market(self, review):
        # A review's market is its order's; one without an order is its product's.
        return review.order.get_market_display() if review.order_id else review.product.get_market_display()

    @admin.display(description=_("photos"))
    def photos(self, review):
        pictures = list(review.images.all())
        if not pictures:
            return "—"
        return format_html_join(
            " ", "{}", ((image_preview(picture.picture_url, _("Picture from a review")),) for picture in pictures)
        )
