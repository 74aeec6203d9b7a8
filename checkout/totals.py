"""What an order costs: subtotal, shipping, discount, tax and total, by the market's rules, exact in Decimal.

The cart page, the checkout review and order placement all total through `order_totals`, so the
amount a shopper reviews is the amount the order stores.

- Shipping: the market's flat rate, free from the market's threshold (`MARKETS[…].shipping`).
- KG: prices include VAT; `tax` is the VAT inside the total, shown on the receipt, never added.
- US: sales tax by the delivery state (`SalesTaxRate`, edited in the admin), added on top; some
  states tax shipping too. Without a state (a cart before checkout) there is no tax yet.
- A discount code (`promotions.codes.CodeOffer`) takes a share or an amount off the goods, or the
  delivery; tax is worked out on what is left: the VAT inside the discounted total, the sales tax
  on the discounted goods (and the delivery still charged, where the state taxes it). The
  free-delivery threshold reads the goods before the code, so a code never makes delivery cost more.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from checkout.models import SalesTaxRate
from promotions.codes import CodeOffer
from storefront.markets import MarketConfig
from storefront.money import quantize, round_to_shown_unit

ZERO = Decimal("0")


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    tax_rate: Decimal
    tax_included: bool
    total: Decimal
    # A US total before a delivery state is known: sales tax is added at checkout.
    tax_pending: bool = False
    discount: Decimal = ZERO

    def order_fields(self) -> dict:
        """The amounts as an Order stores them."""
        return {
            "subtotal": self.subtotal,
            "shipping_cost": self.shipping,
            "discount": self.discount,
            "tax": self.tax,
            "tax_rate": self.tax_rate,
            "tax_included": self.tax_included,
            "total_amount": self.total,
        }


@dataclass(frozen=True)
class StateTax:
    rate: Decimal
    taxes_shipping: bool


def state_tax(state: str) -> StateTax:
    """The sales tax of a US state from the admin's table; a state without a row pays none."""
    row = SalesTaxRate.objects.filter(state=(state or "").upper()).values("rate", "taxes_shipping").first()
    return StateTax(row["rate"], row["taxes_shipping"]) if row else StateTax(ZERO, False)


def shipping_cost(subtotal: Decimal, market: MarketConfig) -> Decimal:
    """The market's flat rate, or nothing for an empty cart or one over the free-shipping threshold."""
    rule = market.shipping
    if subtotal <= 0 or subtotal >= rule.free_over:
        return ZERO
    return quantize(rule.flat_rate)


def order_totals(
    line_totals: Iterable[Decimal],
    market: MarketConfig,
    *,
    state: str | None = None,
    tax: StateTax | None = None,
    offer: CodeOffer | None = None,
):
    """Totals of lines (each already quantized) in `market`, less `offer`'s discount; `state` or
    `tax` gives the US sales tax."""
    subtotal = quantize(sum(line_totals, ZERO))
    shipping = shipping_cost(subtotal, market)
    goods_off = offer.goods_off(subtotal) if offer else ZERO
    shipping_off = shipping if offer and offer.free_shipping else ZERO
    discount = goods_off + shipping_off
    charged = subtotal + shipping - discount
    if market.tax.mode == "included":
        rate = market.tax.rate
        # The VAT inside whole-som prices is shown, and kept, in whole som like every other amount.
        vat = round_to_shown_unit(charged * rate / (1 + rate), market.currency)
        return Totals(subtotal, shipping, vat, rate, True, charged, discount=discount)
    if tax is None and not state:
        return Totals(subtotal, shipping, ZERO, ZERO, False, charged, tax_pending=True, discount=discount)
    tax = tax or state_tax(state)
    taxable = subtotal - goods_off + (shipping - shipping_off if tax.taxes_shipping else ZERO)
    sales_tax = quantize(taxable * tax.rate)
    return Totals(subtotal, shipping, sales_tax, tax.rate, False, charged + sales_tax, discount=discount)
