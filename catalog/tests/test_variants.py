"""Picking a size and a color on a product page: what is offered, its price, stock and picture."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import SKU, MarketPrice
from catalog.pricing import MarketPricing
from catalog.tests.factories import ProductFactory, SKUFactory
from catalog.variants import VariantChoice
from storefront.markets import MARKETS, get_market

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def oxford(db):
    """A KG shirt: S/Black (3 left), M/Black (sold out), M/White (own price), and an inactive XL/Red."""
    product = ProductFactory(slug="oxford", name="Oxford Shirt", price="2990.00")
    SKUFactory(product=product, sku_code="OX-S-BLK", size="S", color="Black", color_hex="#111111", stock=3)
    SKUFactory(product=product, sku_code="OX-M-BLK", size="M", color="Black", color_hex="#111111", stock=0)
    SKUFactory(product=product, sku_code="OX-M-WHT", size="M", color="White", price="3490.00", stock=12)
    SKUFactory(product=product, sku_code="OX-XL-RED", size="XL", color="Red", stock=50, is_active=False)
    return product


def page(client, params=None, *, slug="oxford", market="kg", **headers):
    response = client.get(f"/{market}/p/{slug}/", params or {}, **headers)
    assert response.status_code == 200
    return response


def radio(html, name, value):
    """The `<input type="radio">` of one option, as rendered."""
    match = re.search(rf'<input[^>]*name="{name}" value="{re.escape(value)}"[^>]*>', html)
    assert match, f"no {name} option {value}"
    return match.group(0)


def choice_for(product, market="KG", **picked):
    pricing = MarketPricing.load(get_market(market))
    skus = list(pricing.with_sku_prices(product.skus.filter(is_active=True)))
    return VariantChoice(product, skus, pricing, **picked)


# --- what is offered ------------------------------------------------------------------------------------


def test_only_sizes_and_colors_of_active_skus_are_offered(client, oxford):
    response = page(client)

    choice = response.context["choice"]
    assert [o.value for o in choice.size_options] == ["S", "M"]
    assert [o.value for o in choice.color_options] == ["Black", "White"]
    assert 'value="XL"' not in response.text
    assert 'value="Red"' not in response.text


def test_an_inactive_skus_size_and_color_cannot_be_picked_through_the_url(client, oxford):
    response = page(client, {"size": "XL", "color": "Red"})

    choice = response.context["choice"]
    assert choice.sku is None
    assert (choice.size, choice.color) == ("", "")
    assert "Select a size" in response.text
    assert "OX-XL-RED" not in response.text


def test_an_unknown_size_is_ignored(client, oxford):
    response = page(client, {"size": "ZZZ", "color": "Black"})

    choice = response.context["choice"]
    assert choice.size == ""
    assert choice.color == "Black"
    assert choice.sku is None
    assert "Select a size" in response.text
    assert "checked" not in radio(response.text, "size", "S")
    assert "checked" in radio(response.text, "color", "Black")


def test_the_sizes_in_stock_in_the_picked_color_are_enabled_and_the_sold_out_one_disabled(client, oxford):
    html = page(client, {"color": "Black"}).text

    assert "disabled" not in radio(html, "size", "S")
    assert "disabled" in radio(html, "size", "M")
    assert "out of stock" in html


def test_a_size_that_does_not_come_in_the_picked_color_is_disabled(client, oxford):
    html = page(client, {"color": "White"}).text

    assert "disabled" in radio(html, "size", "S")
    assert "not available in this color" in html
    assert "disabled" not in radio(html, "size", "M")


def test_a_color_sold_out_in_the_picked_size_is_disabled(client, oxford):
    html = page(client, {"size": "M"}).text

    assert "disabled" in radio(html, "color", "Black")
    assert "disabled" not in radio(html, "color", "White")


def test_a_single_size_or_color_is_picked_for_the_shopper():
    product = ProductFactory()
    SKUFactory(product=product, size="ONE SIZE", color="Camel", stock=2)

    choice = choice_for(product)

    assert (choice.size, choice.color) == ("ONE SIZE", "Camel")
    assert choice.sku is not None
    assert choice.stock_message == "Only 2 left"


def test_a_product_without_active_skus_is_currently_unavailable(client):
    product = ProductFactory(slug="ghost")
    SKUFactory(product=product, is_active=False)

    response = page(client, slug="ghost")

    assert response.context["choice"].size_options == []
    assert "Currently unavailable" in response.text


def test_swatches_are_circles_in_the_skus_color_hex_named_for_screen_readers(client, oxford):
    html = page(client).text

    swatch = re.search(r'<label[^>]*title="Black"[^>]*>(.*?)</label>', html, re.S)
    assert swatch, "no swatch for Black"
    assert '<circle cx="18" cy="18" r="17" fill="#111111"' in swatch.group(1)
    assert '<span class="sr-only">Black' in swatch.group(1)


def test_a_color_without_a_usable_code_is_shown_by_its_name(client):
    product = ProductFactory(slug="odd")
    SKUFactory(product=product, size="M", color="Sand", color_hex="sand")
    SKUFactory(product=product, size="M", color="Moss", color_hex="")

    html = page(client, slug="odd").text

    assert "<circle" not in html.split('id="color-options"')[1].split("</fieldset>")[0]
    assert re.search(r'id="color-sand"[^>]*>\s*Sand', html)


# --- the picked SKU -------------------------------------------------------------------------------------


def test_picking_size_and_color_shows_that_skus_own_price(client, oxford):
    response = page(client, {"size": "M", "color": "White"})

    assert response.context["choice"].sku.sku_code == "OX-M-WHT"
    assert response.context["price"].amount == Decimal("3490.00")
    assert "3 490 som" in response.text
    assert "Item code: OX-M-WHT" in response.text


def test_before_a_pick_the_page_shows_the_products_price_as_a_from_price(client, oxford):
    response = page(client)

    assert response.context["price"].amount == Decimal("2990.00")
    assert re.search(r"from</span> 2 990 som", response.text)


def test_the_from_price_is_the_cheapest_variant_when_every_variant_costs_less_than_the_product(client):
    # An import that changed the SKUs' prices and left the product's: "from" what a shopper would pay.
    product = ProductFactory(slug="snood", name="Snood", price="3090.00")
    SKUFactory(product=product, size="One size", color="Olive", price="2790.00", stock=4)
    SKUFactory(product=product, size="One size", color="Navy", price="2890.00", stock=4)

    response = page(client, slug="snood")

    assert response.context["price"].amount == Decimal("2790.00")
    assert re.search(r"from</span> 2 790 som", response.text)
    assert "3 090 som" not in response.text


def test_a_sku_level_market_price_wins_for_that_sku_in_that_market(client):
    product = ProductFactory(slug="tee", market="ALL", price="25.00")
    fixed = SKUFactory(product=product, size="M", color="Navy", price="25.00")
    SKUFactory(product=product, size="L", color="Navy", price="27.00")
    MarketPrice.objects.create(product=product, sku=fixed, market="KG", price="1990.00", original_price="2490.00")

    kg_fixed = page(client, {"size": "M", "color": "Navy"}, slug="tee")
    kg_converted = page(client, {"size": "L", "color": "Navy"}, slug="tee")
    us_fixed_elsewhere = page(client, {"size": "M", "color": "Navy"}, slug="tee", market="us")

    assert "1 990 som" in kg_fixed.text
    assert "2 490 som" in kg_fixed.text  # the fixed "was" price
    assert "−20%" in kg_fixed.text
    assert "2 369 som" in kg_converted.text  # 27 × 87.45 = 2 361.15 → 2 369
    assert "$25.00" in us_fixed_elsewhere.text


def test_a_sku_at_the_products_base_price_sells_at_the_products_fixed_market_price(client):
    product = ProductFactory(slug="tee", market="ALL", price="25.00")
    SKUFactory(product=product, size="M", color="Navy", price="25.00")
    SKUFactory(product=product, size="XXL", color="Navy", price="30.00")
    MarketPrice.objects.create(product=product, market="KG", price="1990.00")

    listed = client.get("/kg/products/").text
    same_price = page(client, {"size": "M", "color": "Navy"}, slug="tee")
    dearer = page(client, {"size": "XXL", "color": "Navy"}, slug="tee")

    assert "1 990 som" in listed
    assert same_price.context["price"].display == "1 990 som"
    assert dearer.context["price"].display == "2 629 som"  # 30 × 87.45 = 2 623.50 → 2 629


@pytest.mark.parametrize(
    ("size", "color", "message"),
    [("S", "Black", "Only 3 left"), ("M", "Black", "Out of stock"), ("M", "White", "In stock")],
)
def test_the_stock_message_follows_the_picked_sku(client, oxford, size, color, message):
    response = page(client, {"size": size, "color": color})

    assert re.search(rf'<p id="product-stock"[^>]*>{message}</p>', response.text)


def test_the_picked_skus_picture_replaces_the_products(client, oxford, settings):
    oxford.image = SimpleUploadedFile("oxford.jpg", b"jpeg", content_type="image/jpeg")
    oxford.save()
    sku = SKU.objects.get(sku_code="OX-M-WHT")
    sku.variant_image = SimpleUploadedFile("oxford-white.jpg", b"jpeg", content_type="image/jpeg")
    sku.save()

    picked = page(client, {"size": "M", "color": "White"})
    other = page(client, {"size": "S", "color": "Black"})

    assert re.search(r'<img id="product-main-image" src="/media/variants/oxford-white[^"]*\.jpg"', picked.text)
    assert re.search(r'<img id="product-main-image" src="/media/products/oxford[^"]*\.jpg"', other.text)


def test_picking_a_variant_over_htmx_swaps_only_the_buy_box(client, oxford):
    response = page(client, {"size": "S", "color": "Black"}, **HTMX)

    html = response.text.strip()
    assert html.startswith('<div id="product-buy-box"')
    assert html.endswith("</div>")
    assert "<html" not in html
    assert "2 990 som" in html
    assert "Only 3 left" in html
    assert 'hx-target="#product-buy-box"' in html


# --- VariantChoice ----------------------------------------------------------------------------------------


def test_variant_choice_offers_sizes_in_size_order():
    product = ProductFactory()
    for size in ["XL", "S", "42", "M", "38"]:
        SKUFactory(product=product, size=size, color="Black")

    assert [o.value for o in choice_for(product).size_options] == ["S", "M", "XL", "38", "42"]


def test_variant_choice_is_in_stock_when_any_sku_is_before_a_pick(oxford):
    choice = choice_for(oxford)

    assert choice.in_stock is True
    assert choice.needs_size and choice.needs_color


def test_variant_choice_reads_prefetched_market_prices_without_annotations(oxford):
    """The cart and other callers may prefetch `market_prices` instead of annotating."""
    sku = SKU.objects.get(sku_code="OX-S-BLK")
    MarketPrice.objects.create(product=oxford, sku=sku, market="KG", price="2500.00")
    pricing = MarketPricing.load(MARKETS["KG"])

    plain = SKU.objects.prefetch_related("market_prices").get(pk=sku.pk)

    assert pricing.sku_price(plain).amount == Decimal("2500.00")
    assert pricing.sku_price(pricing.with_sku_prices(SKU.objects.filter(pk=sku.pk)).get()).amount == Decimal("2500.00")
