"""Money: Decimal amounts in a market's currency, formatted for display, converted and rounded.

Never float. An amount is always shown with its currency: `$1,299.00`, `1 299 сом` (`1 299 som` on
an English page: the som's name is a word, written in the page's language).
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import pgettext_lazy

from storefront.markets import Currency, MarketConfig

CENT = Decimal("0.01")
WHOLE = Decimal("1")

# How each currency is written. The som groups thousands with spaces, puts its name after the
# number and shows no minor units for whole amounts; templates keep an amount on one line.
_FORMATS = {
    Currency.USD: {"symbol": "$", "prefix": True, "group": ",", "decimal": ".", "always_minor": True},
    Currency.KGS: {
        "symbol": pgettext_lazy("currency", "som"),
        "prefix": False,
        "group": " ",
        "decimal": ",",
        "always_minor": False,
    },
}


def currency_unit(currency) -> str:
    """What a price label names the currency by, in the active language: "$", "som", "сом"."""
    return str(_FORMATS[Currency(str(currency))]["symbol"])


def to_decimal(value) -> Decimal:
    """`value` as a Decimal; floats are refused so binary rounding never reaches an amount."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("Money amounts must not be floats; pass a Decimal, int or str.")
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc


def quantize(amount) -> Decimal:
    """`amount` rounded half-up to the cent (or tyiyn), the unit every stored amount uses."""
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount, currency) -> str:
    """`amount` written for a shopper: `$1,299.00`, `-$5.00`, `1 299 сом`, `12,50 сом`."""
    style = _FORMATS[Currency(str(currency))]
    value = quantize(amount)
    sign = "-" if value < 0 else ""
    whole, minor = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = style["group"].join(groups)
    if style["always_minor"] or minor != "00":
        number = f"{number}{style['decimal']}{minor}"
    if style["prefix"]:
        return f"{sign}{style['symbol']}{number}"
    return f"{sign}{number} {style['symbol']}"


def round_to_shown_unit(amount, currency) -> Decimal:
    """`amount` rounded half-up to the unit a currency's amounts are shown in: whole som (the
    som's prices are whole, so a VAT share of them is shown whole too), cents for the dollar."""
    unit = CENT if _FORMATS[Currency(str(currency))]["always_minor"] else WHOLE
    return to_decimal(amount).quantize(unit, rounding=ROUND_HALF_UP).quantize(CENT)


def format_for_market(amount, market: MarketConfig) -> str:
    """`amount` in the currency of `market`."""
    return format_money(amount, market.currency)


def round_for_market(amount, market: MarketConfig) -> Decimal:
    """A converted price rounded by the market's rule (1 293.40 → 1 299 сом; 24.10 → $24.99)."""
    value = to_decimal(amount)
    if value <= 0:
        raise ValueError("Only positive prices are rounded.")
    rule = market.rounding
    steps = (value / rule.increment).to_integral_value(rounding=ROUND_CEILING)
    return quantize(steps * rule.increment - rule.ending)


def convert(amount, *, rate) -> Decimal:
    """`amount` in the base currency times `rate` (market units per base unit), unrounded."""
    rate = to_decimal(rate)
    if rate <= 0:
        raise ValueError("An exchange rate must be positive.")
    return to_decimal(amount) * rate


def price_in_market(base_price, market: MarketConfig, *, rate, fixed_price=None) -> Decimal:
    """A market's price: the fixed price a merchandiser set, else the converted, rounded base."""
    if fixed_price is not None:
        return quantize(fixed_price)
    if to_decimal(rate) == 1:
        return quantize(base_price)
    return round_for_market(convert(base_price, rate=rate), market)
