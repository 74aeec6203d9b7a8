"""Order totals: shipping thresholds, KG VAT inside the price, US sales tax by state; exact in Decimal.

Unit tests pin the rules with worked numbers; property tests (hypothesis) check that for any lines,
in both markets and under every state's row, the amounts add up, are rounded to the cent, are never
negative, and that an order stored with them passes the database's own `order_total_adds_up` check.
"""

from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkout.models import Order, SalesTaxRate
from checkout.totals import StateTax, Totals, order_totals, shipping_cost, state_tax
from storefront.markets import MARKETS, US_STATES, get_market
from storefront.money import round_to_shown_unit

CENT = Decimal("0.01")
seeded = import_module("checkout.migrations.0004_state_sales_tax_rates")
# The rows the data migration seeds, as the admin starts with them.
STATE_ROWS = {state: StateTax(Decimal(rate), state in seeded.TAXES_SHIPPING) for state, rate in seeded.RATES.items()}


def d(value):
    return Decimal(value)


# --- shipping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("market", "subtotal", "expected"),
    [
        ("KG", "0", "0"),
        ("KG", "0.01", "250.00"),
        ("KG", "4999.99", "250.00"),
        ("KG", "5000.00", "0"),
        ("KG", "12000", "0"),
        ("US", "0", "0"),
        ("US", "0.01", "7.95"),
        ("US", "99.99", "7.95"),
        ("US", "100.00", "0"),
        ("US", "100.01", "0"),
    ],
)
def test_shipping_is_flat_below_the_threshold_and_free_from_it(market, subtotal, expected):
    cost = shipping_cost(d(subtotal), get_market(market))
    assert cost == d(expected)
    assert cost.as_tuple().exponent == -2 or cost == 0


def test_shipping_accepts_a_market_config_too():
    assert shipping_cost(d("10"), MARKETS["US"]) == d("7.95")


# --- state tax ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "rate", "taxes_shipping"),
    [("TX", "0.0625", True), ("tx", "0.0625", True), ("CA", "0.0725", False), ("OR", "0", False), ("NY", "0.04", True)],
)
def test_state_tax_reads_the_admins_table(state, rate, taxes_shipping):
    assert state_tax(state) == StateTax(d(rate), taxes_shipping)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["", None, "ZZ", "Texas"])
def test_an_unknown_state_pays_no_tax(state):
    assert state_tax(state) == StateTax(d("0"), False)


@pytest.mark.django_db
def test_a_rate_changed_in_the_admin_applies_at_once():
    SalesTaxRate.objects.filter(state="CA").update(rate=d("0.08"), taxes_shipping=True)
    totals = order_totals([d("40.00")], MARKETS["US"], state="CA")
    assert (totals.tax_rate, totals.tax) == (d("0.08"), d("3.84"))  # (40 + 7.95) × 8 % = 3.836
    SalesTaxRate.objects.filter(state="CA").delete()
    assert order_totals([d("40.00")], MARKETS["US"], state="CA").tax == 0


@pytest.mark.django_db
def test_every_state_has_a_seeded_row_matching_the_migration():
    rows = {row.state: StateTax(row.rate, row.taxes_shipping) for row in SalesTaxRate.objects.all()}
    assert rows == STATE_ROWS
    assert set(rows) == set(US_STATES)


# --- worked totals ------------------------------------------------------------------------------


def test_kg_vat_is_inside_the_total_shipping_included():
    totals = order_totals([d("2000.00"), d("2000.00")], MARKETS["KG"])
    assert totals == Totals(
        subtotal=d("4000.00"),
        shipping=d("250.00"),
        tax=d("455.00"),  # 4 250 × 12 / 112 = 455.36, in whole som like every KG amount
        tax_rate=d("0.12"),
        tax_included=True,
        total=d("4250.00"),
    )


def test_kg_vat_over_the_threshold_is_on_the_goods_alone():
    totals = order_totals([d("5000.00")], MARKETS["KG"])
    assert (totals.shipping, totals.total, totals.tax) == (0, d("5000.00"), d("536.00"))


def test_kg_ignores_a_state():
    assert order_totals([d("100")], MARKETS["KG"], state="TX") == order_totals([d("100")], MARKETS["KG"])


def test_us_without_a_state_leaves_the_tax_pending():
    totals = order_totals([d("40.00")], MARKETS["US"])
    assert totals.tax_pending and totals.tax == 0 and totals.tax_rate == 0
    assert totals.total == d("47.95") and not totals.tax_included


@pytest.mark.parametrize(
    ("lines", "tax", "expected_tax", "expected_total"),
    [
        # Shipping taxed: (40 + 7.95) × 6.25 % = 2.996875
        (["40.00"], StateTax(d("0.0625"), True), "3.00", "50.95"),
        # Shipping not taxed: 40 × 7.25 % = 2.9
        (["40.00"], StateTax(d("0.0725"), False), "2.90", "50.85"),
        # Half a cent rounds up, not to even: 0.10 × 5 % = 0.005
        (["0.10"], StateTax(d("0.05"), False), "0.01", "8.06"),
        # Free shipping: nothing to tax on it even where shipping is taxed.
        (["60.00", "40.00"], StateTax(d("0.0625"), True), "6.25", "106.25"),
        (["10.00"], StateTax(d("0"), True), "0.00", "17.95"),
    ],
)
def test_us_sales_tax_is_added_on_top(lines, tax, expected_tax, expected_total):
    totals = order_totals([d(line) for line in lines], MARKETS["US"], tax=tax)
    assert (totals.tax, totals.total, totals.tax_rate) == (d(expected_tax), d(expected_total), tax.rate)
    assert not totals.tax_included and not totals.tax_pending


@pytest.mark.django_db
def test_a_state_reads_its_tax_from_the_table():
    assert order_totals([d("40.00")], MARKETS["US"], state="TX").tax == d("3.00")
    assert order_totals([d("40.00")], MARKETS["US"], state="CA").tax == d("2.90")


def test_no_lines_cost_nothing():
    for market in ("KG", "US"):
        totals = order_totals([], get_market(market), tax=StateTax(d("0.07"), True))
        assert (totals.subtotal, totals.shipping, totals.tax, totals.total) == (0, 0, 0, 0)


def test_lines_may_be_any_iterable():
    assert order_totals((d(x) for x in ["1.00", "2.00"]), MARKETS["KG"]).subtotal == d("3.00")


# --- properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=d("0.01"), max_value=d("25000"), places=2, allow_nan=False, allow_infinity=False)
# Small amounts too, so the US threshold and half-cent roundings come up often.
small_money = st.decimals(min_value=d("0.01"), max_value=d("60"), places=2, allow_nan=False, allow_infinity=False)
line_totals = st.lists(st.one_of(money, small_money), max_size=8)
state_rows = st.sampled_from(sorted(STATE_ROWS.items()))
any_state_tax = st.builds(
    StateTax,
    st.decimals(min_value=d("0"), max_value=d("0.19999"), places=5, allow_nan=False, allow_infinity=False),
    st.booleans(),
)


def quantize(amount):
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def assert_cents(*amounts):
    for amount in amounts:
        assert amount >= 0
        assert amount == quantize(amount), amount


def check_shipping(totals, market):
    rule = MARKETS[market].shipping
    if totals.subtotal == 0 or totals.subtotal >= rule.free_over:
        assert totals.shipping == 0
    else:
        assert totals.shipping == rule.flat_rate


@settings(deadline=None, max_examples=300)
@given(lines=line_totals)
def test_kg_totals_add_up_for_any_lines(lines):
    totals = order_totals(lines, MARKETS["KG"])
    rate = MARKETS["KG"].tax.rate
    assert totals.subtotal == sum(lines, d("0"))
    check_shipping(totals, "KG")
    assert totals.total == totals.subtotal + totals.shipping
    assert totals.tax == round_to_shown_unit(totals.total * rate / (1 + rate), "KGS")
    assert totals.tax == totals.tax.to_integral_value()
    assert totals.tax_included and totals.tax_rate == rate and not totals.tax_pending
    assert_cents(totals.subtotal, totals.shipping, totals.tax, totals.total)
    assert totals.tax <= totals.total


@settings(deadline=None, max_examples=300)
@given(lines=line_totals, row=state_rows)
def test_us_totals_add_up_for_any_lines_and_any_state(lines, row):
    _state, tax = row
    totals = order_totals(lines, MARKETS["US"], tax=tax)
    assert totals.subtotal == sum(lines, d("0"))
    check_shipping(totals, "US")
    taxable = totals.subtotal + (totals.shipping if tax.taxes_shipping else 0)
    assert totals.tax == quantize(taxable * tax.rate)
    assert totals.total == totals.subtotal + totals.shipping + totals.tax
    assert totals.tax_rate == tax.rate and not totals.tax_included and not totals.tax_pending
    assert_cents(totals.subtotal, totals.shipping, totals.tax, totals.total)


@settings(deadline=None, max_examples=200)
@given(lines=line_totals, tax=any_state_tax)
def test_any_rate_the_admin_allows_keeps_the_tax_within_a_cent_of_exact(lines, tax):
    totals = order_totals(lines, MARKETS["US"], tax=tax)
    taxable = totals.subtotal + (totals.shipping if tax.taxes_shipping else 0)
    assert abs(totals.tax - taxable * tax.rate) <= d("0.005")
    assert totals.tax <= taxable  # a rate under 20 % never taxes more than the amount
    assert_cents(totals.tax, totals.total)


@settings(deadline=None, max_examples=200)
@given(lines=line_totals, extra=money)
def test_adding_a_line_never_lowers_the_subtotal_or_the_tax_base(lines, extra):
    before, after = order_totals(lines, MARKETS["KG"]), order_totals([*lines, extra], MARKETS["KG"])
    assert after.subtotal == before.subtotal + extra
    # Free shipping can make a bigger cart cheaper overall, but never by more than the flat rate.
    assert after.total >= before.total - MARKETS["KG"].shipping.flat_rate


def stored(totals, market):
    """An order row carrying `totals`, inserted and rolled back; IntegrityError if a check refuses it."""
    config = MARKETS[market]
    with transaction.atomic():
        order = Order.objects.create(
            market=market,
            currency=config.currency,
            customer_name="Property Test",
            customer_phone="+996700000000",
            delivery_address="Chui Avenue 120",
            delivery_city="Bishkek",
            payment_method="cash" if market == "KG" else "test",
            subtotal=totals.subtotal,
            shipping_cost=totals.shipping,
            tax=totals.tax,
            tax_rate=totals.tax_rate,
            tax_included=totals.tax_included,
            total_amount=totals.total,
        )
        order.refresh_from_db()
        transaction.set_rollback(True)
    return order


@pytest.mark.django_db
@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=line_totals, market=st.sampled_from(["KG", "US"]), state=st.sampled_from(sorted(US_STATES)))
def test_an_order_stored_with_these_totals_passes_the_database_checks(lines, market, state):
    totals = order_totals(lines, get_market(market), state=state if market == "US" else None)
    if market == "US":
        assert totals.tax_rate == STATE_ROWS[state].rate  # read from the seeded table
    order = stored(totals, market)
    assert (order.subtotal, order.shipping_cost, order.tax, order.total_amount) == (
        totals.subtotal,
        totals.shipping,
        totals.tax,
        totals.total,
    )


@pytest.mark.django_db
def test_the_database_refuses_totals_that_do_not_add_up():
    """The check the property test relies on is there: a total one cent off is refused."""
    good = order_totals([d("40.00")], MARKETS["US"], tax=StateTax(d("0.0625"), True))
    stored(good, "US")
    for wrong in (
        Totals(good.subtotal, good.shipping, good.tax, good.tax_rate, False, good.total + CENT),
        Totals(good.subtotal, good.shipping, good.tax, good.tax_rate, True, good.total),  # VAT is not added
    ):
        with pytest.raises(IntegrityError):
            stored(wrong, "US")
