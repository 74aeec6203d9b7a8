"""The product page's buy box: the buy button always there and saying what to do, the stock line,
delivery and returns per market, the stars, the gallery, sizes in size order, a sold-out product."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory, SKUFactory, SubcategoryFactory
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tee(db):
    """A tee sold everywhere: S and M in Navy and Sand, M/Sand sold out."""
    product = ProductFactory(slug="tee", name="Pocket Tee", market="ALL", price="25.00")
    SKUFactory(product=product, size="S", color="Navy", color_hex="#1f2a44", stock=9)
    SKUFactory(product=product, size="M", color="Navy", color_hex="#1f2a44", stock=2)
    SKUFactory(product=product, size="S", color="Sand", color_hex="#d8c8a8", stock=9)
    SKUFactory(product=product, size="M", color="Sand", color_hex="#d8c8a8", stock=0)
    return product


def page(client, params=None, *, slug="tee", market="kg", **headers):
    response = client.get(f"/{market}/p/{slug}/", params or {}, **headers)
    assert response.status_code == 200
    return response


def buy_button(html):
    """The buy button's tag and its visible text."""
    match = re.search(r'<(a|button) id="buy-button"([^>]*)>([^<]*)</\1>', html)
    assert match, "no buy button"
    return match.group(2), match.group(3).strip()


def stock_line(html):
    match = re.search(r'<p id="product-stock" class="([^"]*)"[^>]*>([^<]*)</p>', html)
    assert match, "no stock line"
    return match.group(1), match.group(2).strip()


# --- the buy button ----------------------------------------------------------------------------------------


def test_before_a_pick_the_buy_button_asks_for_a_size_and_leads_to_the_sizes(client, tee):
    html = page(client).text

    attributes, label = buy_button(html)
    assert label == "Select a size"
    assert 'href="#size-options"' in attributes
    assert 'id="size-options"' in html
    assert 'id="add-to-cart"' not in html


def test_with_a_size_picked_the_buy_button_asks_for_the_color(client, tee):
    attributes, label = buy_button(page(client, {"size": "S"}).text)

    assert label == "Select a color"
    assert 'href="#color-options"' in attributes


def test_with_size_and_color_picked_the_buy_button_adds_to_cart(client, tee):
    html = page(client, {"size": "S", "color": "Navy"}).text

    attributes, label = buy_button(html)
    assert label == "Add to cart"
    assert 'type="submit"' in attributes
    form = re.search(r'<form id="add-to-cart".*?</form>', html, re.S).group(0)
    assert 'id="buy-button"' in form


def test_a_picked_variant_without_stock_shows_a_disabled_out_of_stock_button(client, tee):
    html = page(client, {"size": "M", "color": "Sand"}).text

    attributes, label = buy_button(html)
    assert label == "Out of stock"
    assert "disabled" in attributes
    assert 'id="add-to-cart"' not in html


def test_the_buy_button_sits_in_a_bar_that_sticks_to_a_phones_screen(client, tee):
    html = page(client).text

    bar = re.search(r'<div id="buy-bar" class="([^"]*)"', html).group(1).split()
    assert {"sticky", "bottom-0", "md:static"} <= set(bar)


def test_the_buy_button_is_in_the_buy_box_an_htmx_pick_swaps(client, tee):
    html = page(client, {"size": "S", "color": "Navy"}, **HTMX).text

    assert html.lstrip().startswith('<div id="product-buy-box"')
    assert buy_button(html)[1] == "Add to cart"


# --- a product sold out in every size -------------------------------------------------------------------


@pytest.fixture
def sold_out(db):
    product = ProductFactory(slug="gone", name="Gone Coat")
    for size in ("S", "M", "L"):
        SKUFactory(product=product, size=size, color="Black", stock=0)
    return product


def test_a_sold_out_product_says_out_of_stock_where_everyone_sees_it(client, sold_out):
    html = page(client, slug="gone").text

    classes, text = stock_line(html)
    assert text == "Out of stock"
    assert "sr-only" not in classes
    assert "text-red-800" in classes
    assert "Choose a size" not in html
    assert "Select a size" not in html


def test_a_sold_out_product_offers_no_add_to_cart_but_a_disabled_button(client, sold_out):
    html = page(client, slug="gone").text

    attributes, label = buy_button(html)
    assert label == "Out of stock"
    assert "disabled" in attributes
    assert 'id="add-to-cart"' not in html
    assert all("disabled" in tag for tag in re.findall(r'<input[^>]*name="size"[^>]*>', html))


# --- the stock line --------------------------------------------------------------------------------------


def test_before_a_pick_the_stock_line_says_in_stock_rather_than_what_to_choose(client, tee):
    classes, text = stock_line(page(client).text)

    assert text == "In stock"
    assert "text-green-800" in classes


@pytest.mark.parametrize(
    ("params", "text", "color"),
    [
        ({"size": "S", "color": "Navy"}, "In stock", "text-green-800"),
        ({"size": "M", "color": "Navy"}, "Only 2 left", "text-amber-800"),
        ({"size": "M", "color": "Sand"}, "Out of stock", "text-red-800"),
    ],
)
def test_the_stock_line_follows_the_picked_variant(client, tee, params, text, color):
    classes, shown = stock_line(page(client, params).text)

    assert shown == text
    assert color in classes


# --- delivery and returns ------------------------------------------------------------------------------


def test_delivery_and_returns_are_told_beside_the_buy_button_in_the_markets_terms(client, tee):
    kg = page(client).text
    us = page(client, market="us").text

    assert "Delivery in 1–5 days: 250 som, free on orders over 5 000 som" in kg
    assert "Returns within 14 days of delivery" in kg
    assert "Delivery in 3–7 days: $7.95, free on orders over $100.00" in us
    assert "Returns within 30 days of delivery" in us
    assert kg.index('id="buy-bar"') < kg.index('id="product-promise"')


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", ["Выберите размер", "Доставка за 1–5 дней", "Возврат в течение 14 дней"]),
        ("ky", ["Өлчөмдү тандаңыз", "1–5 күндө жеткирүү", "14 күндүн ичинде кайтаруу"]),
    ],
)
def test_the_buy_box_speaks_the_pages_language(client, tee, language, expected):
    html = page(client, {"lang": language}).text

    for text in expected:
        assert text in html
    translation.activate("en")


# --- stars -------------------------------------------------------------------------------------------------


def test_the_rating_is_drawn_as_stars_with_a_label_that_says_it(client, tee):
    for stars in (5, 4):
        ReviewFactory(product=tee, rating=stars, is_approved=True)

    html = page(client).text

    rating = re.search(r'<p class="mt-1 text-sm" id="product-rating">(.*?)</p>', html, re.S).group(1)
    assert 'aria-label="Rated 4.5 out of 5, 2 reviews"' in rating
    assert '<rect x="0" y="0" width="90" height="20"/>' in rating  # 4.5 of 5 stars filled
    assert rating.count("<use ") == 10  # five grey stars under five filled ones, clipped


def test_a_variant_pick_keeps_the_stars_from_the_products_stored_rating(client, tee):
    tee.rating, tee.reviews_count = "4.00", 12
    tee.save(update_fields=["rating", "reviews_count"])

    html = page(client, {"size": "S"}, **HTMX).text

    assert 'aria-label="Rated 4.0 out of 5, 12 reviews"' in html


def test_a_product_without_reviews_shows_no_stars(client, tee):
    assert 'id="product-rating"' not in page(client).text


# --- the gallery and the picker ----------------------------------------------------------------------------


def test_each_thumbnail_links_to_its_picture_in_the_swipeable_gallery(client, tee):
    tee.image = SimpleUploadedFile("tee.jpg", b"jpeg", content_type="image/jpeg")
    tee.save()
    ProductImageFactory(product=tee, image_url="https://cdn.example.com/tee-back.jpg", sort_order=1)
    ProductImageFactory(product=tee, image_url="https://cdn.example.com/tee-side.jpg", sort_order=2)

    html = page(client).text

    gallery = re.search(r'<ul id="product-gallery" class="([^"]*)"', html).group(1)
    assert {"snap-x", "snap-mandatory", "overflow-x-auto"} <= set(gallery.split())
    thumbs = re.findall(r'<a href="#(product-photo-\d+)" data-gallery-thumb', html)
    assert thumbs == ["product-photo-1", "product-photo-2", "product-photo-3"]
    for slide in thumbs:
        assert f'<li id="{slide}"' in html
    assert 'alt="Picture 2 of 3"' in html
    assert re.search(r'<li id="product-photo-1"[^>]*><img id="product-main-image" src="/media/products/tee', html)


def test_a_product_without_pictures_keeps_the_galleries_place(client, tee):
    """A grey 4:5 block, as on the product cards, rather than an empty column beside the buy box."""
    gallery = re.search(r'<ul id="product-gallery".*?</ul>', page(client).text, re.S).group(0)

    assert re.search(r'<li class="aspect-\[4/5\][^"]*" aria-hidden="true"></li>', gallery)
    assert "<img" not in gallery


def test_a_variant_pick_replaces_the_address_instead_of_adding_to_history(client, tee):
    form = re.search(r'<form id="variant-picker"[^>]*>', page(client).text, re.S).group(0)

    assert 'hx-replace-url="true"' in form
    assert "hx-push-url" not in form
    assert 'method="get"' in form  # without JavaScript the form reloads the page with ?size=&color=


def test_sizes_are_listed_in_size_order_on_the_product_page(client):
    shoe = ProductFactory(slug="runner")
    for size in ("US 10", "US 7", "US 11", "US 8", "US 9"):
        SKUFactory(product=shoe, size=size, color="White", stock=3)
    kids = ProductFactory(slug="kids-tee")
    for size in ("10Y", "2Y", "12Y", "4Y"):
        SKUFactory(product=kids, size=size, color="Red", stock=3)

    shoe_sizes = re.findall(r'name="size" value="([^"]+)"', page(client, slug="runner").text)
    kids_sizes = re.findall(r'name="size" value="([^"]+)"', page(client, slug="kids-tee").text)

    assert shoe_sizes == ["US 7", "US 8", "US 9", "US 10", "US 11"]
    assert kids_sizes == ["2Y", "4Y", "10Y", "12Y"]


def test_the_listings_size_filter_lists_sizes_in_size_order(client):
    shoes = SubcategoryFactory(category=CategoryFactory(slug="shoes"), slug="sneakers")
    for n, size in enumerate(("US 10", "XL", "US 7", "Tall", "S", "US 8")):
        product = ProductFactory(category=shoes.category, subcategory=shoes, slug=f"shoe-{n}")
        SKUFactory(product=product, size=size, color="White", stock=3)

    response = client.get("/kg/c/shoes/")

    sizes = [option.value for option in response.context["listing"].facets["size"]]
    assert sizes == ["S", "XL", "US 7", "US 8", "US 10", "Tall"]
