"""Sale prices: the running sales of a market, read once and kept, marking down catalog prices.

`catalog.pricing.MarketPricing.load` asks `running_sales(market)` for a `SaleBook`; every price it
gives then goes through `SaleBook.markdown`. A book is kept in the cache until the market's next
sale starts or ends (its key is also dropped when a sale is saved), so a scheduled sale shows from
the moment it starts and is gone the moment it ends; the shared pages follow the same moments
(`storefront.page_cache.register_schedule`).

A sale price is the price less the sale's percentage or amount, rounded by the market's rule
(1 593 → 1 599 сом, $23.20 → $23.99) unless that would take it back to the full price. Of several
sales that cover an item, the lowest price wins.
"""

import contextlib
import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from catalog.models import SKU, register_sale_condition
from catalog.pricing import Markdown, register_markdowns
from promotions.models import Sale
from storefront import page_cache
from storefront.content import translated
from storefront.markets import Market, MarketConfig
from storefront.money import quantize, round_for_market

KEPT_AT_MOST = 60 * 60


def cache_key(code: str) -> str:
    return f"promotions:sales:{code}"


@dataclass(frozen=True)
class RunningSale:
    kind: str
    value: Decimal
    names: tuple  # (column, text) pairs: the public name in each language, hashable like the book
    ends_at: datetime | None
    product_ids: frozenset
    category_ids: frozenset
    sku_ids: frozenset

    def covers(self, product, sku) -> bool:
        if sku is not None and sku.pk in self.sku_ids:
            return True
        return product.pk in self.product_ids or product.category_id in self.category_ids

    def price_after(self, amount: Decimal, market: MarketConfig) -> Decimal | None:
        lowered = amount * (100 - self.value) / 100 if self.kind == Sale.Kind.PERCENT else amount - self.value
        if lowered <= 0:
            return None
        rounded = round_for_market(lowered, market)
        return rounded if rounded < amount else quantize(lowered)


@dataclass(frozen=True)
class SaleBook:
    """The sales running in one market until `valid_until` (None: until one is saved)."""

    sales: tuple
    valid_until: datetime | None

    def markdown(self, *, product, sku, amount, market) -> Markdown | None:
        best = None
        for sale in self.sales:
            if not sale.covers(product, sku):
                continue
            lowered = sale.price_after(amount, market)
            if lowered is not None and (best is None or lowered < best[0]):
                best = (lowered, sale)
        if best is None:
            return None
        lowered, sale = best
        return Markdown(amount=lowered, name=translated(dict(sale.names), "name", get_language()), ends_at=sale.ends_at)


def covered_products(market: MarketConfig):
    """The products a running sale in `market` marks down, as a condition on products (no query for
    the sales themselves: the kept book names them); None when no sale runs there."""
    sales = running_sales(market).sales
    products = frozenset().union(*(sale.product_ids for sale in sales))
    categories = frozenset().union(*(sale.category_ids for sale in sales))
    skus = frozenset().union(*(sale.sku_ids for sale in sales))
    conditions = []
    if products:
        conditions.append(Q(pk__in=sorted(products)))
    if categories:
        conditions.append(Q(category_id__in=sorted(categories)))
    if skus:
        conditions.append(Q(pk__in=SKU.objects.filter(pk__in=sorted(skus), is_active=True).values("product_id")))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def _read_book(market: MarketConfig, now) -> SaleBook:
    """One query for the market's switched-on sales not yet over; one more for their targets."""
    rows = list(
        Sale.objects.for_market(market)
        .filter(is_active=True)
        .exclude(ends_at__lte=now)
        .values("pk", "kind", "value", "name", "name_ru", "name_ky", "starts_at", "ends_at")
    )
    moments = [m for row in rows for m in (row["starts_at"], row["ends_at"]) if m and m > now]
    running = [row for row in rows if row["starts_at"] is None or row["starts_at"] <= now]
    targets = {row["pk"]: {"products": set(), "categories": set(), "skus": set()} for row in running}
    if running:
        kinds = [
            through.objects.filter(sale_id__in=targets)
            .annotate(target=Value(name))
            .values_list("sale_id", column, "target")
            .order_by()
            for name, through, column in (
                ("products", Sale.products.through, "product_id"),
                ("categories", Sale.categories.through, "category_id"),
                ("skus", Sale.skus.through, "sku_id"),
            )
        ]
        for sale_id, target_id, name in kinds[0].union(*kinds[1:], all=True):
            targets[sale_id][name].add(target_id)
    sales = tuple(
        RunningSale(
            kind=row["kind"],
            value=row["value"],
            names=tuple((key, row[key]) for key in ("name", "name_ru", "name_ky")),
            ends_at=row["ends_at"],
            product_ids=frozenset(targets[row["pk"]]["products"]),
            category_ids=frozenset(targets[row["pk"]]["categories"]),
            sku_ids=frozenset(targets[row["pk"]]["skus"]),
        )
        for row in running
    )
    return SaleBook(sales=sales, valid_until=min(moments, default=None))


def running_sales(market: MarketConfig) -> SaleBook:
    """The market's running sales: held in the process while the shared pages' version stands (a
    saved sale moves it, and so does the next start or end, `register_schedule` below), else from
    the cache until the next start or end, else read afresh."""
    book = page_cache.held_while_current(("running-sales", market.code), lambda: _kept_book(market))
    if book.valid_until is not None and timezone.now() >= book.valid_until:
        return _kept_book(market)
    return book


def _kept_book(market: MarketConfig) -> SaleBook:
    now = timezone.now()
    try:
        book = cache.get(cache_key(market.code))
    except Exception:  # an unreachable cache: read the database
        book = None
    if book is not None and (book.valid_until is None or now < book.valid_until):
        return book
    book = _read_book(market, now)
    seconds = KEPT_AT_MOST
    if book.valid_until is not None:
        seconds = max(1, min(seconds, math.ceil((book.valid_until - now).total_seconds())))
    with contextlib.suppress(Exception):  # an unreachable cache: the book is read afresh next time
        cache.set(cache_key(market.code), book, seconds)
    return book


def next_sale_change():
    """When a switched-on sale next starts or ends, in any market (for the shared pages' freshness)."""
    return Sale.objects.next_boundary()


def forget_sales(**kwargs):
    """A saved or deleted sale shows at once: drop the kept books and renew the shared pages."""
    if kwargs.get("raw"):
        return
    transaction.on_commit(lambda: cache.delete_many([cache_key(code) for code in Market.values]))
    page_cache.invalidate()


register_markdowns(running_sales)
register_sale_condition(covered_products)
page_cache.register_schedule(next_sale_change)
post_save.connect(forget_sales, sender=Sale, dispatch_uid="promotions-sale-saved")
post_delete.connect(forget_sales, sender=Sale, dispatch_uid="promotions-sale-deleted")
for _through in (Sale.products.through, Sale.categories.through, Sale.skus.through):
    m2m_changed.connect(forget_sales, sender=_through, dispatch_uid=f"promotions-{_through._meta.model_name}")
