"""The catalog admin: where merchandisers run categories, products with their SKUs, pictures,
features and market prices, exchange rates and wishlists."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from catalog.audit import product_history
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
from catalog.spreadsheet import CatalogResource, category_fits, row_errors
from catalog.stock import sync_in_stock
from storefront.admin_site import SelectRelatedInline, ViewOnlyInline
from storefront.content import translation_columns
from storefront.media import ADMIN_THUMBNAIL_WIDTH
from storefront.media import image_preview as sized_preview
from storefront.money import format_money
from storefront.renditions import queue_renditions


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


# History, spreadsheets and bulk actions ----------------------------------------------------


def shown_value(value):
    """A value as the audit log stored it, for people: no Python "None", "True" or "False"."""
    return {"None": "", "True": gettext("yes"), "False": gettext("no")}.get(value, value or "")


def history_response(model_admin, request, obj, entries):
    """The audit log of `obj` (who, when, before → after), newest first, 50 entries a page."""
    if not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    rows = []
    for entry in page:
        changes = []
        for field, values in entry.changes_display_dict.items():
            if isinstance(values, list | tuple) and len(values) == 2:
                before, after = (shown_value(value) for value in values)
                # A creation has no "before"; an edit from nothing shows a dash.
                if entry.action == entry.Action.CREATE:
                    changes.append((field, "", after))
                else:
                    changes.append((field, before or "—", after or "—"))
            else:  # a many-to-many change: what was added or removed
                changes.append((field, "", values))
        rows.append({"entry": entry, "changes": changes})
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("History: %(object)s") % {"object": obj},
        "object": obj,
        "opts": opts,
        "rows": rows,
        "page": page,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/audit_history.html", context)


def bulk_action_page(model_admin, request, queryset, *, form, action, title, intro, submit):
    """The page between choosing a bulk action and applying it: what it touches, and its form."""
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit": submit,
        "form": form,
        "action": action,
        "opts": opts,
        "queryset": queryset,
        "chosen": list(queryset[:20]),
        "more": max(queryset.count() - 20, 0),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/catalog/bulk_action.html", context)


def locked(queryset):
    """The rows of a changelist's selection, plain (no annotations) and locked until the commit."""
    return queryset.model.objects.filter(pk__in=queryset.values("pk")).select_for_update().order_by("pk")


def save_each(rows, fields):
    """Save each row's `fields` (and `updated_at`) with save(), so the audit log records every change."""
    for row in rows:
        row.save(update_fields=[*fields, "updated_at"])


class MoveToCategoryForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    subcategory = forms.ModelChoiceField(
        label=_("Subcategory"),
        queryset=Subcategory.objects.select_related("category"),
        required=False,
        help_text=_("Empty: no subcategory."),
    )

    def clean(self):
        cleaned = super().clean()
        category, subcategory = cleaned.get("category"), cleaned.get("subcategory")
        if category and subcategory and subcategory.category_id != category.pk:
            self.add_error("subcategory", _("Choose a subcategory of the category chosen."))
        return cleaned


class AdjustStockForm(forms.Form):
    SET, ADD = "set", "add"
    mode = forms.ChoiceField(
        label=_("How"),
        choices=[(SET, _("Set every SKU's stock to")), (ADD, _("Add to every SKU's stock (negative takes away)"))],
        widget=forms.RadioSelect,
        initial=SET,
    )
    units = forms.IntegerField(label=_("Units"), min_value=-100_000, max_value=100_000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == self.SET and (cleaned.get("units") or 0) < 0:
            self.add_error("units", _("Stock cannot be set below 0."))
        return cleaned


def adjust_stock_of(skus, *, mode, units):
    """Set or add `units` to the stock of `skus`, all or none; the SKUs that would go below zero, else []."""
    with transaction.atomic():
        locked = list(skus.select_for_update().order_by("pk"))
        below = [sku for sku in locked if mode == AdjustStockForm.ADD and sku.stock + units < 0]
        if below:
            return below
        for sku in locked:
            sku.stock = units if mode == AdjustStockForm.SET else sku.stock + units
        # Each save brings its product's `in_stock` back in step (catalog.stock).
        save_each(locked, ["stock"])
    return []


def adjust_stock_action(model_admin, request, queryset, skus):
    """The "adjust stock" action of the products' and the SKUs' lists."""
    form = AdjustStockForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        mode, units = form.cleaned_data["mode"], form.cleaned_data["units"]
        below = adjust_stock_of(skus, mode=mode, units=units)
        if below:
            model_admin.message_user(
                request,
                gettext("Nothing was changed: the stock of %(skus)s would go below 0.")
                % {"skus": ", ".join(sku.sku_code for sku in below[:10])},
                messages.ERROR,
            )
            return None
        count = skus.count()
        model_admin.message_user(
            request,
            ngettext("The stock of %(count)d SKU was changed.", "The stock of %(count)d SKUs was changed.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return None
    return bulk_action_page(
        model_admin,
        request,
        queryset,
        form=form,
        action="adjust_stock",
        title=gettext("Adjust stock"),
        intro=gettext("The stock of every SKU of these is changed, all together or not at all:"),
        submit=gettext("Change the stock"),
    )


# Actions that apps above the catalog add to the products' list (promotions: put on sale). An
# action may name the permissions it needs beyond changing products in `required_perms`.
PRODUCT_ACTIONS_FROM_ABOVE = []


def add_product_action(action):
    PRODUCT_ACTIONS_FROM_ABOVE.append(action)


class CatalogSpreadsheetMixin(ImportExportMixin):
    """Import and export of the catalog as a spreadsheet (catalog/spreadsheet.py), CSV or XLSX."""

    resource_classes = [CatalogResource]
    formats = [CSV, XLSX]
    # Always the whole shape (no choosing of columns), so an exported file imports back as it is.
    export_form_class = ExportForm
    import_template_name = "admin/catalog/import.html"
    # The audit log records each change with its author; the admin's own log stays for the admin's forms.
    skip_admin_log = True
    # Each row is one SKU with its product and its fixed prices: importing writes all three.
    import_permissions = (
        "catalog.add_product",
        "catalog.change_product",
        "catalog.add_sku",
        "catalog.change_sku",
        "catalog.add_marketprice",
        "catalog.change_marketprice",
        "catalog.delete_marketprice",
    )

    def has_import_permission(self, request):
        return request.user.has_perms(self.import_permissions)

    def has_export_permission(self, request):
        return request.user.has_perms(("catalog.view_product", "catalog.view_sku"))

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import keeps nothing unless every row is still valid (stock may have moved).
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_import_context_data(self, **kwargs):
        return {**super().get_import_context_data(**kwargs), "columns": CatalogResource.Meta.fields}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result") if hasattr(response, "context_data") else None
        if result is not None:
            response.context_data["problems"] = row_errors(result)
            response.context_data["totals"] = result.totals
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = row_errors(result)
            self.message_user(
                request,
                gettext("Nothing was imported: the file changed or the catalog moved since the preview. %(first)s")
                % {"first": format_problem(problems[0]) if problems else ""},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            gettext("Imported. New SKUs: %(new)d. Changed: %(updated)d. Without changes: %(skipped)d.")
            % {"new": totals["new"], "updated": totals["update"], "skipped": totals["skip"]},
            messages.SUCCESS,
        )


def format_problem(problem):
    row, message = problem
    if row is None:
        return message
    return gettext("Row %(row)d: %(message)s") % {"row": row, "message": message}


@admin.register(Product)
class ProductAdmin(CatalogSpreadsheetMixin, admin.ModelAdmin):
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
    actions = ["activate", "deactivate", "move_to_category", "adjust_stock"]

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if action_location != admin.ActionLocation.CHANGE_LIST:
            return actions
        for action in PRODUCT_ACTIONS_FROM_ABOVE:
            if self.has_change_permission(request) and request.user.has_perms(getattr(action, "required_perms", ())):
                name = action.__name__
                actions[name] = (action, name, action.short_description)
        return actions

    def history_view(self, request, object_id, extra_context=None):
        product = self.get_object(request, object_id)
        if product is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return history_response(self, request, product, product_history(product))

    @admin.action(description=_("Activate the selected products"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=_("Deactivate the selected products"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, active):
        with transaction.atomic():
            changed = list(locked(queryset).exclude(is_active=active))
            for product in changed:
                product.is_active = active
            save_each(changed, ["is_active"])
        if active:
            message = ngettext("%(count)d product activated.", "%(count)d products activated.", len(changed))
        else:
            message = ngettext("%(count)d product deactivated.", "%(count)d products deactivated.", len(changed))
        self.message_user(request, message % {"count": len(changed)}, messages.SUCCESS)

    @admin.action(description=_("Move the selected products to a category"), permissions=["change"])
    def move_to_category(self, request, queryset):
        form = MoveToCategoryForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            category, subcategory = form.cleaned_data["category"], form.cleaned_data["subcategory"]
            misfits = [product.name for product in queryset if not category_fits(category.market, product.market)]
            if misfits:
                form.add_error(
                    "category",
                    gettext("This category is not sold where these products are: %(products)s.")
                    % {"products": ", ".join(misfits[:10])},
                )
            else:
                with transaction.atomic():
                    products = list(locked(queryset))
                    for product in products:
                        product.category, product.subcategory = category, subcategory
                    save_each(products, ["category", "subcategory"])
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d product moved to %(category)s.",
                        "%(count)d products moved to %(category)s.",
                        len(products),
                    )
                    % {"count": len(products), "category": subcategory or category},
                    messages.SUCCESS,
                )
                return None
        return bulk_action_page(
            self,
            request,
            queryset,
            form=form,
            action="move_to_category",
            title=gettext("Move to a category"),
            intro=gettext("These products move to the category you choose:"),
            submit=gettext("Move the products"),
        )

    @admin.action(description=_("Adjust the stock of the selected products' SKUs"), permissions=["change"])
    def adjust_stock(self, request, queryset):
        if not request.user.has_perm("catalog.change_sku"):
            raise PermissionDenied
        return adjust_stock_action(self, request, queryset, SKU.objects.filter(product__in=queryset.values("pk")))

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
        # New or replaced pictures get their smaller copies from the task worker.
        queue_renditions(form.instance)
        for picture in form.instance.images.exclude(image=""):
            queue_renditions(picture)
        for sku in form.instance.skus.exclude(variant_image=""):
            queue_renditions(sku)

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
    actions = ["adjust_stock"]
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        queue_renditions(obj)

    @admin.display(description=_("picture"))
    def thumbnail(self, sku):
        return image_preview(file_url(sku.variant_image), str(sku))

    @admin.display(description=_("preview"))
    def preview(self, sku):
        return image_preview(file_url(sku.variant_image), str(sku))

    @admin.display(description=_("price"), ordering="price")
    def base_price(self, sku):
        return format_money(sku.price, sku.product.base_currency)

    @admin.action(description=_("Adjust the stock of the selected SKUs"), permissions=["change"])
    def adjust_stock(self, request, queryset):
        return adjust_stock_action(self, request, queryset, SKU.objects.filter(pk__in=queryset.values("pk")))


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "product", "alt_text", "sort_order")
    list_select_related = ("product",)
    search_fields = ("product__name", "alt_text")
    autocomplete_fields = ("product",)
    fields = ("product", "image", "image_url", "preview", "alt_text", *translation_columns("alt_text"), "sort_order")
    readonly_fields = ("preview",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        queue_renditions(obj)

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
