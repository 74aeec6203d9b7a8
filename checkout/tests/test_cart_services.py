"""Cart services: adding within stock, bad input, merging a visitor's cart, pricing the summary."""

from decimal import Decimal

import pytest

from catalog.models import MarketPrice
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout import cart as carts
from checkout.models import Cart, CartItem
from checkout.tests.factories import CartFactory, CartItemFactory
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(kg_shopper):
    return CartFactory(user=kg_shopper)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", 1), ("3", 3), (" 2 ", 2), (None, 1), ("", 1), ("99999999999", 1_000_000)]
)
def test_parse_quantity_reads_whole_numbers_and_bounds_huge_ones(raw, expected):
    assert carts.parse_quantity(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "1e3", "--2"])
def test_parse_quantity_refuses_zero_negative_and_non_numbers(raw):
    with pytest.raises(carts.CartError):
        carts.parse_quantity(raw)


def test_parse_quantity_allows_zero_when_asked():
    assert carts.parse_quantity("0", allow_zero=True) == 0


def test_adding_twice_gives_one_line_with_summed_quantity(cart):
    sku = SKUFactory(stock=10)
    carts.add_to_cart(cart=cart, sku_id=sku.pk, quantity=2)
    carts.add_to_cart(cart=cart, sku_id=sku.pk, quantity=3)
    assert list(cart.items.values_list("sku_id", "quantity")) == [(sku.pk, 5)]


def test_adding_more_than_stock_is_capped_with_a_message(cart):
    sku = SKUFactory(stock=3)
    carts.add_to_cart(cart=cart, sku_id=sku.pk, quantity=2)
    change = carts.add_to_cart(cart=cart, sku_id=sku.pk, quantity=2)
    assert change.capped and change.line.quantity == 3
    assert "Only 3" in change.message
    assert cart.items.get().quantity == 3


@pytest.mark.parametrize("sku_id", ["999999", "abc", "", None, "-4"])
def test_unknown_sku_is_refused(cart, sku_id):
    with pytest.raises(carts.CartError, match="no longer available"):
        carts.add_to_cart(cart=cart, sku_id=sku_id, quantity=1)


def test_inactive_sku_or_product_is_refused(cart):
    inactive = SKUFactory(is_active=False)
    hidden = SKUFactory(product=ProductFactory(is_active=False))
    for sku in (inactive, hidden):
        with pytest.raises(carts.CartError, match="no longer available"):
            carts.add_to_cart(cart=cart, sku_id=sku.pk, quantity=1)
    assert not cart.items.exists()


def test_sku_of_another_market_is_refused(cart):
    us_only = SKUFactory(product=ProductFactory(market="US"))
    with pytest.raises(carts.CartError, match="not sold in your market"):
        carts.add_to_cart(cart=cart, sku_id=us_only.pk, quantity=1)


def test_out_of_stock_sku_is_refused(cart):
    with pytest.raises(carts.CartError, match="out of stock"):
        carts.add_to_cart(cart=cart, sku_id=SKUFactory(stock=0).pk, quantity=1)


def test_updating_to_zero_removes_and_above_stock_caps(cart):
    line = CartItemFactory(cart=cart, sku=SKUFactory(stock=4), quantity=1)
    change = carts.update_cart_line(line=line, quantity=50)
    assert change.capped and CartItem.objects.get(pk=line.pk).quantity == 4
    carts.update_cart_line(line=line, quantity=0)
    assert not CartItem.objects.filter(pk=line.pk).exists()


def test_clear_cart_removes_every_line(cart):
    CartItemFactory.create_batch(3, cart=cart)
    carts.clear_cart(cart=cart)
    assert not cart.items.exists()


def test_merge_sums_quantities_caps_at_stock_and_deletes_the_visitor_cart(cart):
    shared = SKUFactory(stock=5)
    only_guest = SKUFactory(stock=10)
    sold_out = SKUFactory(stock=0)
    CartItemFactory(cart=cart, sku=shared, quantity=3)
    guest = Cart.objects.create(session_key="guest-session", market="KG")
    CartItemFactory(cart=guest, sku=shared, quantity=4)
    CartItemFactory(cart=guest, sku=only_guest, quantity=2)
    CartItemFactory(cart=guest, sku=sold_out, quantity=1)

    notices = carts.merge_carts(source=guest, target=cart)

    assert dict(cart.items.values_list("sku_id", "quantity")) == {shared.pk: 5, only_guest.pk: 2}
    assert len(notices) == 2 and "Only 5" in notices[0] and "out of stock" in notices[1]
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_summary_prices_in_the_market_with_shipping_and_included_vat(cart):
    product = ProductFactory(price=Decimal("2000"))
    CartItemFactory(cart=cart, sku=SKUFactory(product=product, price=Decimal("2000")), quantity=2)
    summary = carts.summarize_cart(cart=cart, market=MARKETS["KG"])
    assert summary.subtotal == Decimal("4000.00")
    assert summary.shipping == Decimal("250.00")  # under the 5 000 som threshold
    assert summary.total == Decimal("4250.00")
    assert summary.tax == Decimal("455.00")  # the VAT inside the 4 250 total at 12 % (455.36), in whole som
    assert summary.tax_included and summary.can_checkout


def test_summary_ships_free_over_the_threshold_and_uses_fixed_market_prices(cart):
    product = ProductFactory(market="ALL", price=Decimal("40"))
    sku = SKUFactory(product=product, price=Decimal("40"))
    MarketPrice.objects.create(product=product, sku=sku, market="US", price=Decimal("55.00"))
    CartItemFactory(cart=cart, sku=sku, quantity=2)
    summary = carts.summarize_cart(cart=cart, market=MARKETS["US"])
    assert summary.lines[0].price.amount == Decimal("55.00")
    assert (summary.subtotal, summary.shipping, summary.total) == (Decimal("110.00"), Decimal("0"), Decimal("110.00"))
    assert not summary.tax_included


def test_summary_flags_lines_not_sold_out_of_stock_or_inactive_and_leaves_them_out_of_totals(cart):
    fine = CartItemFactory(cart=cart, sku=SKUFactory(product=ProductFactory(market="ALL", price=Decimal("10"))))
    CartItemFactory(cart=cart, sku=SKUFactory(product=ProductFactory(market="KG")))
    CartItemFactory(cart=cart, sku=SKUFactory(product=ProductFactory(market="US"), stock=0))
    CartItemFactory(cart=cart, sku=SKUFactory(product=ProductFactory(market="US"), is_active=False))
    summary = carts.summarize_cart(cart=cart, market=MARKETS["US"])
    problems = [line.problem for line in summary.lines]
    assert problems == ["", "Not sold in United States", "Out of stock", "No longer available"]
    assert summary.subtotal == summary.lines[0].line_total and summary.lines[0].item == fine
    assert not summary.can_checkout


def test_summary_flags_a_line_above_current_stock(cart):
    CartItemFactory(cart=cart, sku=SKUFactory(stock=2), quantity=5)
    summary = carts.summarize_cart(cart=cart, market=MARKETS["KG"])
    assert summary.lines[0].problem.startswith("Only 2 left")
    assert not summary.can_checkout
