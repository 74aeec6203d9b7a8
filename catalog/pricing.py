"""Prices in a market: a merchandiser's fixed price, or the base price converted and rounded, then
marked down by a running sale.

Sales live in an app above the catalog (promotions), which registers a loader with
`register_markdowns` in its `AppConfig.ready()`; `MarketPricing.load` asks each loader once for the
market's running sales, and every price the catalog, the cart and the API show goes through them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from catalog.models import ExchangeRate, MarketPrice, rate_cache_key
from storefront import page_cache
from storefront.markets import MarketConfig, MarketScope, is_sold_in
from storefront.money import format_money, price_in_market


@dataclass(frozen=True)
class Markdown:
    """A sale's price for one item: `amount` after it, the sale's public `name` and when it ends."""

    amount: Decimal
    name: str
    ends_at: datetime | None = None


# Loaders `load(market)` of what marks a market's prices down: objects with
# `markdown(product=, sku=, amount=, market=) -> Markdown | None`.
_markdown_loaders: list[Callable] = []


def register_markdowns(load: Callable) -> None:
    """Let `load(market)` mark down every price of a market (once per loader)."""
    if load not in _markdown_loaders:
        _markdown_loaders.append(load)


@dataclass(frozen=True)
class Price:
    amount: Decimal
    original: Decimal | None
    currency: str
    sale: Markdown | None = None

    @property
    def is_discounted(self):
        return self.original is not None and self.original > self.amount

    @property
    def discount_percent(self):
        if not self.is_discounted:
            return 0
        return int(((self.original - self.amount) * 100 / self.original).to_integral_value())

    @property
    def display(self):
        return format_money(self.amount, self.currency)

    @property
    def original_display(self):
        return format_money(self.original, self.currency) if self.is_discounted else ""

    def __str__(self):
        return self.display


@dataclass(frozen=True)
class MarketPricing:
    """Everything needed to price catalog items in one market (one query for the rate)."""

    market: MarketConfig
    rate: Decimal
    markdowns: tuple = ()

    @classmethod
    def load(cls, market: MarketConfig):
        # Held in each process while the shared pages' version stands: a saved rate moves it
        # (`catalog.freshness`).
        rate = page_cache.held_while_current(
            ("exchange-rate", market.code),
            lambda: cache.get_or_set(
                rate_cache_key(market.code),
                lambda: ExchangeRate.rate_for(market, settings.CATALOG_BASE_CURRENCY),
                timeout=3600,
            ),
        )
        return cls(market=market, rate=rate, markdowns=tuple(load(market) for load in _markdown_loaders))

    def rate_for(self, product):
        """Products of one market are priced in its currency; ALL products in the base currency."""
        return self.rate if product.market == MarketScope.ALL else Decimal("1")

    def _price(self, product, sku, amount, original, fixed_amount, fixed_original):
        if not is_sold_in(product.market, self.market):
            # A one-market product's price is in that market's currency; nothing converts it.
            raise ValueError(f"{product} is not sold in {self.market.code}.")
        if fixed_amount is not None:
            price = Price(fixed_amount, fixed_original, self.market.currency)
        else:
            rate = self.rate_for(product)
            price = Price(
                price_in_market(amount, self.market, rate=rate),
                price_in_market(original, self.market, rate=rate) if original else None,
                self.market.currency,
            )
        return self._marked_down(price, product, sku)

    def _marked_down(self, price, product, sku):
        """`price` at the lowest running sale of `product` (or `sku`), struck from what it was."""
        found = [
            markdown
            for source in self.markdowns
            if (markdown := source.markdown(product=product, sku=sku, amount=price.amount, market=self.market))
        ]
        best = min(found, key=lambda markdown: markdown.amount, default=None)
        if best is None or best.amount >= price.amount:
            return price
        was = price.original if price.is_discounted else price.amount
        return Price(best.amount, was, price.currency, sale=best)

    def product_price(self, product):
        """A product's price; uses `fixed_price` annotations from `ProductQuerySet.with_prices`."""
        return self._price(
            product,
            None,
            product.price,
            product.original_price,
            getattr(product, "fixed_price", None),
            getattr(product, "fixed_original_price", None),
        )

    def with_sku_prices(self, skus):
        """Annotate SKUs with this market's fixed prices (`fixed_price`, `fixed_original_price`)."""
        fixed = MarketPrice.objects.filter(sku=OuterRef("pk")).in_markets([self.market.code])
        return skus.annotate(
            fixed_price=Subquery(fixed.values("price")[:1]),
            fixed_original_price=Subquery(fixed.values("original_price")[:1]),
        )

    def sku_price(self, sku, product=None):
        """A SKU's price: its own fixed price, else (at the product's base price) the product's, else converted.

        Reads the `with_sku_prices` annotations, else the SKU's (prefetched) `market_prices`; the
        product's fixed price comes from `ProductQuerySet.with_prices` on `product`.
        """
        product = product or sku.product
        if hasattr(sku, "fixed_price"):
            fixed_amount, fixed_original = sku.fixed_price, sku.fixed_original_price
        else:
            fixed = next((p for p in sku.market_prices.all() if p.market == self.market.code), None)
            fixed_amount, fixed_original = (fixed.price, fixed.original_price) if fixed else (None, None)
        if fixed_amount is None and sku.price == product.price:
            # A SKU that costs what its product costs sells at the product's fixed price, as listed.
            fixed_amount = getattr(product, "fixed_price", None)
            fixed_original = getattr(product, "fixed_original_price", None)
        return self._price(product, sku, sku.price, sku.original_price, fixed_amount, fixed_original)
