"""The catalog as a spreadsheet (CSV or XLSX): one row per SKU, its product's columns repeated.

Merchandisers export it from the products' list, edit it and import it back through
django-import-export's two steps: a dry run that previews every change (and writes nothing), then
the confirmed import, in one transaction that keeps nothing unless every row is valid.

Columns: `product` (the product's slug; a new slug makes a new product), `name_en/_ru/_ky`, `brand`,
`description_en/_ru/_ky`, `market` (KG, US or ALL), `category` and `subcategory` (slugs),
`product_price` and `product_original_price` (in the product's base currency), `kg_price`,
`kg_original_price`, `us_price`, `us_original_price` (prices fixed for one market, for products sold
there), `product_active`, then the SKU's `sku_code` (the key), `size`, `color`, `color_hex`, `price`,
`original_price`, `stock` and `active`. A file may leave columns out: what it does not name is left
as it is. Rows never delete anything.

Prices follow the markets' money: som are whole numbers (`1290`), dollars have cents at most
(`24.99`). Stock is written with `save()`, so `Product.in_stock` follows (catalog.stock), and every
write is recorded with its author by the audit log.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from catalog.models import SKU, Category, MarketPrice, Product
from storefront.markets import Currency, Market, MarketScope, get_market, is_sold_in

# The header row counts as row 1, as a spreadsheet numbers it; the first SKU is on row 2.
HEADER_ROWS = 1

# Market price columns: (attribute on the product, market, is the original price).
MARKET_PRICE_COLUMNS = {
    f"{market.lower()}_{kind}": (market, kind == "original_price")
    for market in Market.values
    for kind in ("price", "original_price")
}


def _text(value) -> str:
    """A cell as text: numbers that spreadsheets hand over as floats lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value):
    """A cell as a Decimal, None when blank; ValueError when it is no number."""
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float: 24.99, not 24.9899…
    text = _text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 24,99 as a Russian spreadsheet writes it
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite():
        raise ValueError(text)
    return amount


def currency_of_scope(scope: str) -> str:
    """The currency a product of `scope` writes its own prices in: the market's, or the base for ALL."""
    if scope == MarketScope.ALL:
        return settings.CATALOG_BASE_CURRENCY
    return get_market(scope).currency


def row_scope(row) -> str | None:
    scope = _text(row.get("market")).upper() if row else ""
    return scope if scope in MarketScope.values else None


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class AmountWidget(widgets.Widget):
    """An amount of money in a currency the row decides: whole som, or dollars and cents."""

    def __init__(self, label, *, market=None, required=False):
        super().__init__()
        self.label = label
        self.market = market  # a fixed market's currency, else the product's own (from the row)
        self.required = required

    def currency(self, row):
        if self.market:
            return get_market(self.market).currency
        scope = row_scope(row)
        return currency_of_scope(scope) if scope else None

    def clean(self, value, row=None, **kwargs):
        label = str(self.label)
        try:
            amount = _decimal(value)
        except ValueError:
            raise ValueError(
                _("%(label)s must be a number, such as 1290 or 24.99 (you wrote “%(value)s”).")
                % {"label": label, "value": _text(value)}
            ) from None
        if amount is None:
            if self.required:
                raise ValueError(_("%(label)s is missing.") % {"label": label})
            return None
        if amount <= 0:
            raise ValueError(_("%(label)s must be more than zero.") % {"label": label})
        currency = self.currency(row)
        if currency == Currency.KGS and amount != amount.to_integral_value():
            raise ValueError(_("%(label)s must be a whole number of som.") % {"label": label})
        if amount.as_tuple().exponent < -2:
            raise ValueError(_("%(label)s must be in dollars and cents, such as 24.99.") % {"label": label})
        if amount >= Decimal("1e10"):
            raise ValueError(_("%(label)s is too large.") % {"label": label})
        return amount.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        # Whole amounts without cents (1290), others with two places (24.99): what a person types.
        return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else f"{value:.2f}"


class StockWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError(_("stock is missing: write 0 for none."))
        try:
            units = int(text)
        except ValueError:
            units = None
        if units is None or units < 0:
            raise ValueError(_("stock must be a whole number, 0 or more (you wrote “%(value)s”).") % {"value": text})
        return units

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


YES = ("yes", "y", "true", "1", "да", "ооба")
NO = ("no", "n", "false", "0", "нет", "жок")


class FlagWidget(widgets.Widget):
    def __init__(self, label):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in YES:
            return True
        if not text:
            return True  # a new row without the column is active, as in the admin
        if text in NO:
            return False
        raise ValueError(_("%(label)s must be yes or no.") % {"label": self.label})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class ScopeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        scope = _text(value).upper()
        if scope not in MarketScope.values:
            raise ValueError(_("market must be KG, US or ALL."))
        return scope

    def render(self, value, obj=None, **kwargs):
        return value or ""


def category_fits(category_scope: str, product_scope: str) -> bool:
    """A product goes in a category sold wherever the product is: its market's or ALL's; ALL's in ALL's."""
    if product_scope == MarketScope.ALL:
        return category_scope == MarketScope.ALL
    return is_sold_in(category_scope, get_market(product_scope))


class CategoryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        slug = _text(value)
        if not slug:
            raise ValueError(_("category is missing."))
        scope = row_scope(row)
        candidates = list(Category.objects.filter(slug=slug))
        if not candidates:
            raise ValueError(_("there is no category “%(slug)s”.") % {"slug": slug})
        fitting = [category for category in candidates if scope and category_fits(category.market, scope)]
        if not fitting:
            raise ValueError(_("the category “%(slug)s” is not sold in the product's market.") % {"slug": slug})
        # The market's own category before one sold everywhere.
        return sorted(fitting, key=lambda category: category.market == MarketScope.ALL)[0]

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


class SubcategoryWidget(widgets.Widget):
    def __init__(self, category_field):
        super().__init__()
        self.category_field = category_field

    def clean(self, value, row=None, **kwargs):
        slug = _text(value)
        if not slug:
            return None
        try:
            category = self.category_field.widget.clean(row.get("category"), row=row)
        except ValueError:
            return None  # the category column says what is wrong
        subcategory = category.subcategories.filter(slug=slug).first()
        if subcategory is None:
            raise ValueError(
                _("the category “%(category)s” has no subcategory “%(slug)s”.")
                % {"category": category.slug, "slug": slug}
            )
        return subcategory

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


def _price_label(market, original):
    if original:
        return _("original price for %(market)s") % {"market": market}
    return _("price for %(market)s") % {"market": market}


# Read in the language of the request, not of the moment the columns are declared.
_lazy_price_label = lazy(_price_label, str)


def price_label(market, original=False):
    return _lazy_price_label(market, original)


_category = Field(attribute="product__category", column_name="category", widget=CategoryWidget())

# Where a model's field errors show: {model field: column}.
PRODUCT_COLUMNS = {
    "slug": "product",
    "name": "name_en",
    "name_ru": "name_ru",
    "name_ky": "name_ky",
    "brand": "brand",
    "description": "description_en",
    "description_ru": "description_ru",
    "description_ky": "description_ky",
    "market": "market",
    "category": "category",
    "subcategory": "subcategory",
    "price": "product_price",
    "original_price": "product_original_price",
    "is_active": "product_active",
}
SKU_COLUMNS = {
    "sku_code": "sku_code",
    "size": "size",
    "color": "color",
    "color_hex": "color_hex",
    "price": "price",
    "original_price": "original_price",
    "stock": "stock",
    "is_active": "active",
}


class CatalogResource(resources.ModelResource):
    """One row per SKU, keyed by `sku_code`, with its product's columns and fixed market prices."""

    product = Field(attribute="product__slug", column_name="product", widget=TextWidget())
    name_en = Field(attribute="product__name", column_name="name_en", widget=TextWidget())
    name_ru = Field(attribute="product__name_ru", column_name="name_ru", widget=TextWidget())
    name_ky = Field(attribute="product__name_ky", column_name="name_ky", widget=TextWidget())
    brand = Field(attribute="product__brand", column_name="brand", widget=TextWidget())
    description_en = Field(attribute="product__description", column_name="description_en", widget=TextWidget())
    description_ru = Field(attribute="product__description_ru", column_name="description_ru", widget=TextWidget())
    description_ky = Field(attribute="product__description_ky", column_name="description_ky", widget=TextWidget())
    market = Field(attribute="product__market", column_name="market", widget=ScopeWidget())
    category = _category
    subcategory = Field(
        attribute="product__subcategory", column_name="subcategory", widget=SubcategoryWidget(_category)
    )
    product_price = Field(
        attribute="product__price",
        column_name="product_price",
        widget=AmountWidget(gettext_lazy("product price"), required=True),
    )
    product_original_price = Field(
        attribute="product__original_price",
        column_name="product_original_price",
        widget=AmountWidget(gettext_lazy("product original price")),
    )
    kg_price = Field(
        attribute="product__kg_price", column_name="kg_price", widget=AmountWidget(price_label("KG"), market="KG")
    )
    kg_original_price = Field(
        attribute="product__kg_original_price",
        column_name="kg_original_price",
        widget=AmountWidget(price_label("KG", original=True), market="KG"),
    )
    us_price = Field(
        attribute="product__us_price", column_name="us_price", widget=AmountWidget(price_label("US"), market="US")
    )
    us_original_price = Field(
        attribute="product__us_original_price",
        column_name="us_original_price",
        widget=AmountWidget(price_label("US", original=True), market="US"),
    )
    product_active = Field(
        attribute="product__is_active", column_name="product_active", widget=FlagWidget("product_active")
    )
    sku_code = Field(attribute="sku_code", column_name="sku_code", widget=TextWidget())
    size = Field(attribute="size", column_name="size", widget=TextWidget())
    color = Field(attribute="color", column_name="color", widget=TextWidget())
    color_hex = Field(attribute="color_hex", column_name="color_hex", widget=TextWidget())
    price = Field(attribute="price", column_name="price", widget=AmountWidget(gettext_lazy("SKU price"), required=True))
    original_price = Field(
        attribute="original_price",
        column_name="original_price",
        widget=AmountWidget(gettext_lazy("SKU original price")),
    )
    stock = Field(attribute="stock", column_name="stock", widget=StockWidget())
    active = Field(attribute="is_active", column_name="active", widget=FlagWidget("active"))

    class Meta:
        model = SKU
        import_id_fields = ("sku_code",)
        fields = (
            "product",
            "name_en",
            "name_ru",
            "name_ky",
            "brand",
            "description_en",
            "description_ru",
            "description_ky",
            "market",
            "category",
            "subcategory",
            "product_price",
            "product_original_price",
            "kg_price",
            "kg_original_price",
            "us_price",
            "us_original_price",
            "product_active",
            "sku_code",
            "size",
            "color",
            "color_hex",
            "price",
            "original_price",
            "stock",
            "active",
        )
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # {product slug: (row number, its product columns)}: a product's rows must agree.
        self._products_seen = {}

    def before_import(self, dataset, **kwargs):
        headers = [_text(header) for header in dataset.headers or []]
        if "sku_code" not in headers:
            raise ValueError(
                _("The file has no sku_code column. Export the catalog to get a file with the right columns.")
            )
        unknown = [header for header in headers if header and header not in self._meta.fields]
        if unknown:
            raise ValueError(
                _("The file has columns this import does not know: %(columns)s.") % {"columns": ", ".join(unknown)}
            )

    # Reading ---------------------------------------------------------------------------------

    def get_queryset(self):
        return SKU.objects.select_related("product__category", "product__subcategory")

    def filter_export(self, queryset, **kwargs):
        """The SKUs of the products chosen (the products' list exports products, the file holds SKUs)."""
        if queryset.model is Product:
            queryset = SKU.objects.filter(product__in=queryset.order_by().values("pk"))
        fixed = MarketPrice.objects.filter(sku__isnull=True)
        return (
            queryset.select_related("product__category", "product__subcategory")
            .prefetch_related(Prefetch("product__market_prices", queryset=fixed, to_attr="fixed_prices"))
            .order_by("product__slug", "sku_code")
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        load_market_prices(instance.product)
        return super().export_resource(instance, selected_fields, **kwargs)

    # Importing -------------------------------------------------------------------------------

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            load_market_prices(instance.product)

    def import_instance(self, instance, row, **kwargs):
        """Find or start the row's product, then read every column; errors keyed by column."""
        errors = {}
        slug = _text(row.get("product")) if "product" in row else None
        if instance.pk is None:
            if not slug:
                raise ValidationError({"product": _("a new SKU needs the product column (the product's slug).")})
            product = Product.objects.select_related("category", "subcategory").filter(slug=slug).first()
            product = product or Product(slug=slug)
            load_market_prices(product)
            instance.product = product
        elif slug is not None and slug != instance.product.slug:
            raise ValidationError(
                {
                    "product": _("SKU %(code)s belongs to the product “%(slug)s”; a SKU cannot move to another.")
                    % {"code": instance.sku_code, "slug": instance.product.slug}
                }
            )
        for field in self.get_import_fields():
            if field.column_name == "product":
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
        # Here rather than in validate_instance: rows without changes are never validated.
        self._check_same_product(instance, errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {column: list(messages) for column, messages in (import_validation_errors or {}).items()}
        product = instance.product
        product_exclude = {field for field, column in PRODUCT_COLUMNS.items() if column in errors}
        product_exclude |= {field.name for field in Product._meta.fields if not field.editable}
        try:
            product.full_clean(exclude=product_exclude, validate_unique=True)
        except ValidationError as error:
            _merge(errors, error, PRODUCT_COLUMNS)
        sku_exclude = {field for field, column in SKU_COLUMNS.items() if column in errors}
        sku_exclude |= {"product"} | {field.name for field in SKU._meta.fields if not field.editable}
        try:
            instance.full_clean(exclude=sku_exclude, validate_unique=True)
        except ValidationError as error:
            _merge(errors, error, SKU_COLUMNS)
        if product.pk and "size" not in errors and "color" not in errors:
            twin = product.skus.filter(size=instance.size, color=instance.color).exclude(pk=instance.pk).first()
            if twin:
                errors.setdefault("size", []).append(
                    _("the product already has a SKU of this size and color (%(code)s).") % {"code": twin.sku_code}
                )
        self._check_market_prices(product, errors)
        if errors:
            raise ValidationError(errors)

    def _check_market_prices(self, product, errors):
        for market in Market.values:
            prefix = market.lower()
            price = getattr(product, f"{prefix}_price", None)
            original = getattr(product, f"{prefix}_original_price", None)
            if price is None and original is None:
                continue
            if product.market and not is_sold_in(product.market, get_market(market)):
                errors.setdefault(f"{prefix}_price", []).append(
                    _("the product is not sold in %(market)s, so it has no price there.") % {"market": market}
                )
            elif price is None:
                errors.setdefault(f"{prefix}_price", []).append(
                    _("%(label)s is missing: an original price needs the price it was cut to.")
                    % {"label": price_label(market)}
                )
            elif original is not None and original < price:
                errors.setdefault(f"{prefix}_original_price", []).append(
                    _("%(label)s is below the price: the original price is the price before a reduction.")
                    % {"label": price_label(market, original=True)}
                )

    def _check_same_product(self, instance, errors):
        product = instance.product
        columns = tuple(getattr(product, field, None) for field in (*PRODUCT_COLUMNS, *_market_price_attributes()))
        seen = self._products_seen.get(product.slug)
        number = getattr(self, "_row_number", None)
        if seen is None:
            self._products_seen[product.slug] = (number, columns)
        elif seen[1] != columns:
            errors.setdefault("product", []).append(
                _(
                    "the product columns differ from row %(row)s, another row of the same product: "
                    "write them the same on each of its rows."
                )
                % {"row": seen[0]}
            )

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs.get("row_number", 0) + HEADER_ROWS
        return super().import_row(row, instance_loader, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance, is_create):
        """The product first (only the columns the file holds), the SKU, then the fixed market prices."""
        product = instance.product
        try:
            with transaction.atomic():
                if product.pk is None:
                    product.save()
                else:
                    product.save(update_fields=[*PRODUCT_COLUMNS, "updated_at"])
                instance.product = product
                instance.save(force_insert=is_create)
                save_market_prices(product)
        except IntegrityError:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "this row clashes with another SKU or product (the same SKU code, or the same "
                            "product, size and color twice)."
                        )
                    ]
                }
            ) from None


def _market_price_attributes():
    return tuple(MARKET_PRICE_COLUMNS)


def load_market_prices(product):
    """Set `kg_price`, `kg_original_price`, `us_price`, `us_original_price` on `product` from its fixed prices."""
    for attribute in MARKET_PRICE_COLUMNS:
        setattr(product, attribute, None)
    if product.pk is None:
        return
    rows = getattr(product, "fixed_prices", None)
    if rows is None:
        rows = product.market_prices.filter(sku__isnull=True)
    for row in rows:
        prefix = row.market.lower()
        setattr(product, f"{prefix}_price", row.price)
        setattr(product, f"{prefix}_original_price", row.original_price)


def save_market_prices(product):
    """Write the product's fixed prices from its `kg_price`… attributes: a blank price removes one."""
    current = {row.market: row for row in product.market_prices.filter(sku__isnull=True)}
    for market in Market.values:
        prefix = market.lower()
        price = getattr(product, f"{prefix}_price", None)
        original = getattr(product, f"{prefix}_original_price", None)
        row = current.get(market)
        if price is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            MarketPrice.objects.create(product=product, market=market, price=price, original_price=original)
        elif (row.price, row.original_price) != (price, original):
            row.price, row.original_price = price, original
            row.save(update_fields=["price", "original_price"])


def _merge(errors, error, columns):
    """Add a model's ValidationError to `errors`, each message under its column and naming it."""
    for field, messages in error.message_dict.items():
        column = columns.get(field, NON_FIELD_ERRORS)
        for message in messages:
            text = message if column == NON_FIELD_ERRORS else f"{column}: {message}"
            errors.setdefault(column, []).append(text)


def row_errors(result):
    """Every problem of an import result as (spreadsheet row, message), in row order."""
    problems = []
    for invalid in result.invalid_rows:
        for messages in invalid.error_dict.values():
            problems.extend((invalid.number + HEADER_ROWS, message) for message in messages)
    for number, errors in result.row_errors():
        problems.extend((number + HEADER_ROWS, str(error.error)) for error in errors)
    for error in result.base_errors:
        problems.append((None, str(error.error)))
    return sorted(problems, key=lambda problem: problem[0] or 0)
