"""The size and color a shopper picked on a product page, and what the pickers may offer."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.sizes import size_sort_key
from storefront.content import translated
from storefront.renditions import Picture, picture_of

LOW_STOCK = 5
# A swatch is drawn only from a color code (#RGB or #RRGGBB); anything else shows the color's name.
SWATCH = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


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


@dataclass(frozen=True)
class GalleryPicture:
    dom_id: str
    url: str
    alt: str
    picture: Picture | None = None


class VariantChoice:
    """Only existing active SKUs are offered; a combination without stock is shown but disabled."""

    def __init__(self, product, skus, pricing, *, size="", color=""):
        self.product = product
        self.skus = skus
        sizes = sorted({s.size for s in skus if s.size}, key=size_sort_key)
        colors = list(dict.fromkeys(s.color for s in skus if s.color))
        swatches = {s.color: s.color_hex for s in skus if s.color and SWATCH.fullmatch(s.color_hex or "")}
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
        if self.sku:
            self.price = pricing.sku_price(self.sku, product)
        elif skus:
            # "from" the lowest a variant costs, which need not be the product's own price.
            self.price = min((pricing.sku_price(sku, product) for sku in skus), key=lambda price: price.amount)
        else:
            self.price = pricing.product_price(product)

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

    def gallery(self, images, name):
        """The pictures the page shows in order: the picked variant's (or the product's), then the
        product's other pictures; `name` is the product's name in the page's language."""
        pictures = []
        if self.sku and self.sku.variant_image:
            first = picture_of(self.sku.variant_image, self.sku.renditions)
        else:
            first = picture_of(self.product.image, self.product.renditions)
        if first:
            color = translated(self.sku, "color") if self.sku and self.sku.color else ""
            pictures.append((first, f"{name} — {color}" if color else name))
        pictures += [
            (picture_of(image.image, image.renditions, url=image.image_url), translated(image, "alt_text") or name)
            for image in images
            if image.picture_url
        ]
        return [
            GalleryPicture(f"product-photo-{n}", picture.url, alt, picture)
            for n, (picture, alt) in enumerate(pictures, start=1)
        ]

    @property
    def pick_target(self):
        """The picker the buy button leads to while a pick is missing ("" when none is)."""
        if not self.skus or self.sold_out or self.sku is not None:
            return ""
        return "size-options" if self.needs_size else "color-options" if self.needs_color else ""

    @property
    def in_stock(self):
        if self.sku:
            return self.sku.stock > 0
        return any(s.stock > 0 for s in self.skus)

    @property
    def sold_out(self):
        """Every active SKU is out of stock: nothing can be picked."""
        return bool(self.skus) and not any(s.stock > 0 for s in self.skus)

    @property
    def can_add(self):
        return self.sku is not None and self.sku.stock > 0

    @property
    def stock_level(self):
        """ "in", "low" or "out": how the stock line is colored."""
        if not self.in_stock:
            return "out"
        return "low" if self.sku and self.sku.stock <= LOW_STOCK else "in"

    @property
    def availability(self):
        """The page's stock line: of the picked SKU, or of the product before a pick."""
        if not self.skus:
            return _("Currently unavailable")
        if self.sku is None:
            return _("In stock") if self.in_stock else _("Out of stock")
        return self.stock_message

    @property
    def action_label(self):
        """What the buy button says: what to do next, or why nothing can be added."""
        if not self.skus:
            return _("Currently unavailable")
        if self.sold_out or (self.sku is not None and self.sku.stock <= 0):
            return _("Out of stock")
        if self.needs_size:
            return _("Select a size")
        if self.needs_color:
            return _("Select a color")
        return _("Add to cart")

    @property
    def stock_message(self):
        if not self.skus:
            return _("Currently unavailable")
        if self.sold_out:
            return _("Out of stock")
        if self.sku is None:
            if self.needs_size and self.needs_color:
                return _("Choose a size and a color")
            return _("Choose a size") if self.needs_size else _("Choose a color")
        if self.sku.stock <= 0:
            return _("Out of stock")
        if self.sku.stock <= LOW_STOCK:
            return ngettext("Only %(n)d left", "Only %(n)d left", self.sku.stock) % {"n": self.sku.stock}
        return _("In stock")
