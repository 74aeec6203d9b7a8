"""What the catalog's stock figures say, kept true: `Product.in_stock` ("any active SKU has stock")
and `Product.sales_count` (units sold by orders not cancelled).

`in_stock` is stored, not computed per query, because listings filter and index on it; every write
that changes a SKU's stock or its active flag brings it back in step in the same transaction:
a SKU saved or deleted through the ORM (the admin, imports through the ORM) by the receivers that
catalog's AppConfig connects, and the services that write stock with `QuerySet.update()` (placing an
order, returning a cancelled order's units) by calling `sync_in_stock` themselves. After writes
that bypass both (raw SQL, bulk loads), `manage.py refresh_stock_flags` recomputes every product.

`units_returned` tells apps above the catalog (back-in-stock alerts) which SKUs may have units on
sale again: sent for a SKU saved through the ORM with stock and by `announce_units_returned` from
services that put units back with `update()` (a cancelled order's).
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Greatest
from django.db.models.signals import post_save
from django.dispatch import Signal

from catalog import facets
from catalog.models import SKU, Product
from storefront import page_cache

# Sent with `sku_ids`: these SKUs may have units on sale again. The catalog stands below the apps
# that act on it, so they listen here rather than being called.
units_returned = Signal()


def announce_units_returned(sku_ids) -> None:
    """Tell the listeners of `units_returned` that `sku_ids` may be back on sale."""
    sku_ids = list(sku_ids)
    if sku_ids:
        units_returned.send(sender=SKU, sku_ids=sku_ids)


def _has_stock():
    return Exists(SKU.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0))


def sync_in_stock(product_ids=None) -> int:
    """Set `in_stock` of these products (every product when None) from their SKUs; how many changed.

    One UPDATE of the rows whose flag is wrong; the listings' counts and the shared pages are renewed
    after the commit when any changed.
    """
    products = Product.objects.all() if product_ids is None else Product.objects.filter(pk__in=list(product_ids))
    products = products.annotate(has_stock=_has_stock()).filter(~Q(in_stock=F("has_stock")))
    changed = list(products.values_list("pk", flat=True))
    if not changed:
        return 0
    Product.objects.filter(pk__in=changed).update(in_stock=_has_stock())
    facets.mark_changed(products=changed)
    page_cache.invalidate()
    return len(changed)


def add_sales(quantities: dict[int, int]) -> None:
    """Add sold units to products' `sales_count` ({product id: units}; negative to take them back).

    Atomic `F()` updates, never below zero, so concurrent orders each count.
    """
    for product_id, units in sorted(quantities.items()):
        if not units:
            continue
        Product.objects.filter(pk=product_id).update(sales_count=Greatest(F("sales_count") + units, 0))


def sku_changed(sender, instance, raw=False, **kwargs):
    """A post_save/post_delete receiver for SKU: its product's `in_stock` follows."""
    if not raw:
        sync_in_stock([instance.product_id])
        # A new SKU has nobody waiting for it yet.
        if (
            kwargs.get("signal") is post_save
            and not kwargs.get("created")
            and instance.is_active
            and instance.stock > 0
        ):
            announce_units_returned([instance.pk])
