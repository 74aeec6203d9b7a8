"""Money: Decimal only, written for the market, converted and rounded by the market's rule."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from storefront.markets import MARKETS, Currency, get_market
from storefront.money import (
    convert,
    currency_unit,
    format_for_market,
    format_money,
    price_in_market,
    quantize,
    round_for_market,
    round_to_shown_unit,
    to_decimal,
)

# --- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        ("1299", "USD", "$1,299.00"),
        ("1299", "KGS", "1 299 som"),
        ("0", "USD", "$0.00"),
        ("0", "KGS", "0 som"),
        ("999", "KGS", "999 som"),
        ("24.99", "USD", "$24.99"),
        ("0.05", "USD", "$0.05"),
        ("12.5", "KGS", "12,50 som"),
        ("0.05", "KGS", "0,05 som"),
        ("1234567.89", "USD", "$1,234,567.89"),
        ("1234567", "KGS", "1 234 567 som"),
        ("1000000", "USD", "$1,000,000.00"),
        ("1000000.10", "KGS", "1 000 000,10 som"),
        ("-5", "USD", "-$5.00"),
        ("-1299", "KGS", "-1 299 som"),
        ("-1234.5", "USD", "-$1,234.50"),
        ("-0.75", "KGS", "-0,75 som"),
    ],
)
def test_format_money_writes_the_amount_for_its_currency(amount, currency, written):
    assert format_money(Decimal(amount), currency) == written


def test_format_money_rounds_half_up_to_the_cent():
    assert format_money(Decimal("0.005"), "USD") == "$0.01"
    assert format_money(Decimal("2.665"), "USD") == "$2.67"
    assert format_money(Decimal("1298.999"), "KGS") == "1 299 som"


def test_an_amount_that_rounds_to_zero_is_not_written_as_negative():
    assert format_money(Decimal("-0.001"), "USD") == "$0.00"


def test_format_money_takes_ints_strings_and_the_currency_enum():
    assert format_money(5, Currency.USD) == "$5.00"
    assert format_money("1299", Currency.KGS) == "1 299 som"


@pytest.mark.parametrize(("language", "written"), [("en", "1 299 som"), ("ru", "1 299 сом"), ("ky", "1 299 сом")])
def test_the_som_is_written_in_the_pages_language(language, written):
    with translation.override(language):
        assert format_money(Decimal("1299"), "KGS") == written
        assert format_money(Decimal("5"), "USD") == "$5.00"


@pytest.mark.parametrize(("language", "unit"), [("en", "som"), ("ru", "сом"), ("ky", "сом")])
def test_a_price_label_names_the_currency_by_its_unit(language, unit):
    with translation.override(language):
        assert currency_unit("KGS") == unit
        assert currency_unit("USD") == "$"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("3514.07", "KGS", "3514.00"),
        ("562.50", "KGS", "563.00"),
        ("562.49", "KGS", "562.00"),
        ("7.125", "USD", "7.13"),
        ("24.99", "USD", "24.99"),
    ],
)
def test_an_amount_is_rounded_to_the_unit_its_currency_is_shown_in(amount, currency, shown):
    assert round_to_shown_unit(Decimal(amount), currency) == Decimal(shown)


def test_format_for_market_uses_the_markets_currency():
    assert format_for_market(Decimal("1299"), MARKETS["KG"]) == "1 299 som"
    assert format_for_market(Decimal("1299"), MARKETS["US"]) == "$1,299.00"


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_money(1299.0, "USD"),
        lambda: format_money(0.1, "KGS"),
        lambda: quantize(2.5),
        lambda: to_decimal(1.0),
        lambda: round_for_market(24.1, MARKETS["US"]),
        lambda: convert(Decimal("10"), rate=87.45),
        lambda: convert(10.0, rate=Decimal("87.45")),
        lambda: price_in_market(Decimal("25"), MARKETS["KG"], rate=87.45),
        lambda: price_in_market(25.0, MARKETS["KG"], rate=Decimal("1")),
    ],
)
def test_floats_are_refused_everywhere(call):
    with pytest.raises(TypeError, match="float"):
        call()


def test_something_that_is_not_an_amount_is_refused():
    with pytest.raises(ValueError):
        to_decimal("twelve")


def test_an_unknown_currency_is_refused():
    with pytest.raises(ValueError):
        format_money(Decimal("1"), "EUR")


# --- rounding and conversion --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("converted", "kg"),
    [("1293.40", "1299"), ("1290", "1289"), ("1290.01", "1299"), ("2186.25", "2189"), ("0.5", "9"), ("10", "9")],
)
def test_kg_prices_round_to_end_in_9_som_at_a_10_som_step(converted, kg):
    assert round_for_market(Decimal(converted), MARKETS["KG"]) == Decimal(kg)


@pytest.mark.parametrize(
    ("converted", "us"),
    [("24.10", "24.99"), ("24", "23.99"), ("24.001", "24.99"), ("0.30", "0.99"), ("99.5", "99.99")],
)
def test_us_prices_round_to_99_cents(converted, us):
    assert round_for_market(Decimal(converted), MARKETS["US"]) == Decimal(us)


@pytest.mark.parametrize("amount", ["0", "-1", "-0.01"])
def test_only_positive_prices_are_rounded(amount):
    with pytest.raises(ValueError):
        round_for_market(Decimal(amount), MARKETS["KG"])


def test_convert_multiplies_by_the_rate_without_rounding():
    assert convert(Decimal("25.00"), rate=Decimal("87.45")) == Decimal("2186.25")
    assert convert(Decimal("1.01"), rate=Decimal("87.4533")) == Decimal("88.327833")


@pytest.mark.parametrize("rate", ["0", "-87.45"])
def test_a_rate_must_be_positive(rate):
    with pytest.raises(ValueError):
        convert(Decimal("10"), rate=Decimal(rate))


def test_a_fixed_price_wins_over_conversion():
    assert price_in_market(Decimal("25"), MARKETS["KG"], rate=Decimal("87.45"), fixed_price=Decimal("1990")) == Decimal(
        "1990.00"
    )
    assert price_in_market(Decimal("25"), MARKETS["US"], rate=Decimal("1"), fixed_price=Decimal("19.5")) == Decimal(
        "19.50"
    )


def test_same_currency_keeps_the_price_as_set_unrounded():
    assert price_in_market(Decimal("24.50"), MARKETS["US"], rate=Decimal("1")) == Decimal("24.50")
    assert price_in_market(Decimal("2990"), MARKETS["KG"], rate=Decimal("1.000000")) == Decimal("2990.00")


def test_another_currency_is_converted_and_rounded():
    # 25 USD × 87.45 = 2 186.25 som → 2 189 som.
    assert price_in_market(Decimal("25"), MARKETS["KG"], rate=Decimal("87.45")) == Decimal("2189.00")
    # 2 990 som at 0.0114 → $34.086 → $34.99.
    assert price_in_market(Decimal("2990"), MARKETS["US"], rate=Decimal("0.0114")) == Decimal("34.99")


# --- properties ---------------------------------------------------------------------------------

positive_amounts = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal("100000000"), places=6, allow_nan=False, allow_infinity=False
)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1000"), places=4)
markets = st.sampled_from(["KG", "US"])


@given(amount=positive_amounts, market=markets)
@example(amount=Decimal("1300"), market="KG")
@example(amount=Decimal("0.000001"), market="US")
def test_rounding_stays_within_one_step_and_ends_with_the_markets_ending(amount, market):
    rule = get_market(market).rounding
    rounded = round_for_market(amount, get_market(market))
    assert rounded >= amount - rule.increment
    assert rounded < amount + rule.increment
    assert rounded > 0
    assert (rounded + rule.ending) % rule.increment == 0
    assert rounded == rounded.quantize(Decimal("0.01"))


@given(amount=positive_amounts)
def test_kg_prices_always_end_in_9_som_and_us_prices_in_99_cents(amount):
    assert round_for_market(amount, MARKETS["KG"]) % 10 == 9
    assert round_for_market(amount, MARKETS["US"]) % 1 == Decimal("0.99")


@given(base=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2), rate=rates, market=markets)
def test_a_converted_price_is_the_rounded_conversion(base, rate, market):
    price = price_in_market(base, get_market(market), rate=rate)
    if rate == 1:
        assert price == base
    else:
        assert price == round_for_market(base * rate, get_market(market))


def _read_back(written, currency):
    sign = -1 if written.startswith("-") else 1
    number = written.lstrip("-")
    if currency == "USD":
        number = number.removeprefix("$").replace(",", "")
    else:
        number = number.removesuffix(" som").replace(" ", "").replace(",", ".")
    return sign * Decimal(number)


USD_SHAPE = re.compile(r"^-?\$\d{1,3}(,\d{3})*\.\d{2}$")
KGS_SHAPE = re.compile(r"^-?\d{1,3}( \d{3})*(,\d{2})? som$")


@given(
    amount=st.decimals(min_value=Decimal("-1000000000"), max_value=Decimal("1000000000"), places=2),
    currency=st.sampled_from(["USD", "KGS"]),
)
@example(amount=Decimal("1234567.89"), currency="KGS")
@example(amount=Decimal("-0.01"), currency="USD")
def test_formatting_round_trips_the_digits(amount, currency):
    written = format_money(amount, currency)
    assert _read_back(written, currency) == amount
    assert (USD_SHAPE if currency == "USD" else KGS_SHAPE).match(written), written
