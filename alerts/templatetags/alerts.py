"""Template helpers for alerts on pages of other apps (the product page's buy box)."""

from django import template

from catalog.sizes import size_sort_key
from storefront.content import translated

register = template.Library()


def variant_label(sku):
    """A SKU as a shopper names it: its size and color in the page's language."""
    parts = [translated(sku, field) for field in ("size", "color") if getattr(sku, field)]
    return " · ".join(parts) or sku.sku_code


@register.simple_tag
def sold_out_variants(choice):
    """`{% sold_out_variants choice as variants %}`: (SKU, label) of the sold-out SKUs a shopper may ask
    about: the picked one when it is sold out, else every sold-out one (none once an in-stock one is picked)."""
    if choice.sku is not None:
        skus = [choice.sku] if choice.sku.stock <= 0 else []
    else:
        skus = sorted((s for s in choice.skus if s.stock <= 0), key=lambda s: (size_sort_key(s.size), s.color))
    return [(sku, variant_label(sku)) for sku in skus]
