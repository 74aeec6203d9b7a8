"""The size and color a shopper picked on a product page, and what the pickers may offer."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.listing import size_sort_key
from storefront.content import translated

LOW_STOCK = 5


@dataclass
class VariantOption:
    value: str
    label: str
    selected: bool
    exists: bool
    in_stock: bool
    swatch: str = ""

    @property
    def disabled(self):
        return not (self.exists and self.in_stock)


class VariantChoice:
    """Only existing active SKUs are offered; a combination without stock is shown but disabled."""

    def __init__(self, product, skus, pricing, *, size="", color=""):
        self.product = product
        self.skus = skus
        sizes = sorted({s.size for s in skus if s.size}, key=size_sort_key)
        colors = list(dict.fromkeys(s.color for s in skus if s.color))
        swatches = {s.color: s.color_hex for s in skus if s.color}
        # What a size or color is called in the page's language; the value stays the URL's.
        self.labels = {
            **{("size", s.size): translated(s, "size") for s in skus if s.size},
            **{("color", s.color): translated(s, "color") for s in skus if s.color},
        }
        self.size = size if size in sizes else (sizes[0] if len(sizes) == 1 else "")
        self.color = color if color in colors else (colors[0] if len(colors) == 1 else "")
        self.size_options = [self._option(value, "size", "color", self.color) for value in sizes]
        self.color_options = [
            self._option(value, "color", "size", self.size, swatch=swatches.get(value, "")) for value in colors
        ]
        self.needs_size = bool(sizes) and not self.size
        self.needs_color = bool(colors) and not self.color
        self.sku = self._match(sizes, colors)
        self.price = pricing.sku_price(self.sku, product) if self.sku else pricing.product_price(product)

    def _option(self, value, field, other_field, other_value, swatch=""):
        matches = [s for s in self.skus if getattr(s, field) == value]
        if other_value:
            matches = [s for s in matches if getattr(s, other_field) == other_value]
        selected = getattr(self, field) == value
        return VariantOption(
            value=value,
            label=self.labels.get((field, value), value),
            selected=selected,
            exists=bool(matches),
            in_stock=any(s.stock > 0 for s in matches),
            swatch=swatch,
        )

    def _match(self, sizes, colors):
        if (sizes and not self.size) or (colors and not self.color):
            return None
        for sku in self.skus:
            if sku.size == (self.size if sizes else sku.size) and sku.color == (self.color if colors else sku.color):
                return sku
        return None

    @property
    def size_label(self):
        return self.labels.get(("size", self.size), self.size)

    @property
    def color_label(self):
        return self.labels.get(("color", self.color), self.color)

    @property
    def image_url(self):
        if self.sku and self.sku.variant_image:
            return self.sku.variant_image.url
        return self.product.image.url if self.product.image else ""

    @property
    def in_stock(self):
        if self.sku:
            return self.sku.stock > 0
        return any(s.stock > 0 for s in self.skus)

    @property
    def stock_message(self):
        if not self.skus:
            return _("Currently unavailable")
        if self.sku is None:
            if self.needs_size and self.needs_color:
                return _("Choose a size and a color")
            return _("Choose a size") if self.needs_size else _("Choose a color")
        if self.sku.stock <= 0:
            return _("Out of stock")
        if self.sku.stock <= LOW_STOCK:
            return ngettext("Only %(n)d left", "Only %(n)d left", self.sku.stock) % {"n": self.sku.stock}
        return _("In stock")
