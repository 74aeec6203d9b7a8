"""Sizes, colors, features and picture alt texts in the shopper's language: on the product page, in
the cart, the listing filters, search and the API, with the English text where no version was
written; the size and color a URL carries stay the English values."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from catalog.facets import ListingScope, precomputed_counts, refresh_listing_facets
from catalog.listing import live_counts, parse_filters
from catalog.models import Product
from catalog.pricing import MarketPricing
from catalog.search import search_products
from catalog.search_index import refresh_search_vectors
from catalog.selectors import listed_products
from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductFeatureFactory,
    ProductImageFactory,
    SKUFactory,
)
from storefront.markets import get_market
from storefront.tests.page_text import read_text

pytestmark = pytest.mark.django_db

COOKIE = "marque_language"
KG = get_market("KG")


def reader(language):
    client = Client()
    client.cookies[COOKIE] = language
    return client


@pytest.fixture
def scarf():
    category = CategoryFactory(name="Accessories", slug="accessories", market="ALL")
    product = ProductFactory(
        name="Wool Scarf", slug="wool-scarf", category=category, market="KG", price=Decimal("1990")
    )
    for color, color_ru, color_ky in (("Black", "Черный", "Кара"), ("Sand", "Песочный", "")):
        SKUFactory(
            product=product,
            size="One size",
            size_ru="Единый размер",
            size_ky="Бир өлчөм",
            color=color,
            color_ru=color_ru,
            color_ky=color_ky,
            stock=5,
        )
    ProductFeatureFactory(
        product=product,
        feature_text="Hand-knitted",
        feature_text_ru="Связано вручную",
        feature_text_ky="Колго токулган",
    )
    ProductImageFactory(
        product=product,
        image_url="https://img.example.com/scarf.jpg",
        alt_text="Wool Scarf, folded",
        alt_text_ru="Шерстяной шарф, сложенный",
        alt_text_ky="",
    )
    return product


def test_the_product_page_names_sizes_colors_features_and_pictures_in_russian(scarf):
    html = reader("ru").get("/kg/p/wool-scarf/", {"color": "Black"}).text

    assert "Размер: Единый размер" in " ".join(html.split())
    assert "Цвет: Черный" in " ".join(html.split())
    assert 'value="Black"' in html and 'value="Sand"' in html  # the URL's values stay English
    assert "Песочный" in html
    assert "<li>Связано вручную</li>" in html
    assert 'alt="Шерстяной шарф, сложенный"' in html
    assert not [text for _line, text in read_text(html) if "Black" in text or "Hand-knitted" in text]


def test_kyrgyz_falls_back_to_english_where_nothing_was_written(scarf):
    html = reader("ky").get("/kg/p/wool-scarf/").text

    assert "Кара" in html and "Sand" in html  # no Kyrgyz name was written for Sand
    assert "Бир өлчөм" in html
    assert "<li>Колго токулган</li>" in html
    assert 'alt="Wool Scarf, folded"' in html


def test_the_english_page_keeps_the_english_words(scarf):
    html = reader("en").get("/kg/p/wool-scarf/", {"color": "Black"}).text

    assert "Color: Black" in " ".join(html.split())
    assert "<li>Hand-knitted</li>" in html
    assert "Черный" not in html and "Связано" not in html


def test_the_cart_names_the_variant_in_the_shoppers_language(scarf):
    client = reader("ru")
    black = scarf.skus.get(color="Black")
    client.post("/kg/cart/add/", {"sku": black.pk, "quantity": 1})

    cart = " ".join(client.get("/kg/cart/").text.split())

    assert "Черный" in cart and "Единый размер" in cart


def test_the_listing_filters_show_color_names_in_the_language_both_counted_and_kept(scarf):
    refresh_listing_facets()
    filters = parse_filters(QueryDict(""))
    with translation.override("ru"):
        live = live_counts(listed_products(MarketPricing.load(KG), ListingScope()), filters, KG)
        kept = precomputed_counts(ListingScope(), KG, filters)
    for counts in (live, kept):
        labels = {row["value"]: str(row.get("label") or row["value"]) for row in counts["color"]}
        assert labels == {"Black": "Черный", "Sand": "Песочный"}
        sizes = {row["value"]: str(row.get("label") or row["value"]) for row in counts["size"]}
        assert sizes == {"One size": "Единый размер"}

    page = reader("ru").get("/kg/products/").text
    assert "Черный" in page and 'value="Black"' in page


def test_a_shopper_finds_a_product_by_its_color_in_their_language(scarf):
    ProductFactory(name="Linen Shirt", market="KG")
    refresh_search_vectors()  # nothing to do off PostgreSQL

    found = search_products(Product.objects.active().for_market(KG), "черный", language="ru")

    assert list(found) == [scarf]


def test_the_api_answers_variant_words_in_the_requested_language(scarf):
    detail = APIClient(HTTP_ACCEPT_LANGUAGE="ru").get("/api/v1/products/wool-scarf", {"market": "KG", "color": "Black"})
    body = detail.json()

    assert body["features"] == ["Связано вручную"]
    assert body["images"][0]["alt"] == "Шерстяной шарф, сложенный"
    assert {option["value"]: option["label"] for option in body["colors"]} == {"Black": "Черный", "Sand": "Песочный"}
    assert body["sizes"][0] == body["sizes"][0] | {"value": "One size", "label": "Единый размер"}
    black = next(sku for sku in body["skus"] if sku["color"] == "Black")
    assert (black["color_label"], black["size_label"]) == ("Черный", "Единый размер")
    assert (body["selection"]["color"], body["selection"]["color_label"]) == ("Black", "Черный")
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/products/wool-scarf", {"market": "KG"}).json()
    assert english["features"] == ["Hand-knitted"]
    assert {option["label"] for option in english["colors"]} == {"Black", "Sand"}


def test_merchandisers_write_variant_feature_and_picture_words_in_each_language(admin_user, scarf):
    client = Client()
    client.force_login(admin_user)

    product_page = client.get(f"/admin/catalog/product/{scarf.pk}/change/").text
    sku_page = client.get(f"/admin/catalog/sku/{scarf.skus.first().pk}/change/").text

    for name in ("skus-0-color_ru", "skus-0-color_ky", "skus-0-size_ru", "features-0-feature_text_ky"):
        assert f'name="{name}"' in product_page
    assert 'name="images-0-alt_text_ru"' in product_page
    assert 'name="color_ru"' in sku_page and 'name="size_ky"' in sku_page


def test_sizes_with_a_number_sort_by_it():
    from catalog.listing import size_sort_key

    kids = ["10Y", "12Y", "2Y", "6Y", "8Y"]
    baby = ["12-18M", "0-3M", "6-12M", "3-6M"]
    shoes = ["US 10", "US 9", "US 12"]

    assert sorted(kids, key=size_sort_key) == ["2Y", "6Y", "8Y", "10Y", "12Y"]
    assert sorted(baby, key=size_sort_key) == ["0-3M", "3-6M", "6-12M", "12-18M"]
    assert sorted(shoes, key=size_sort_key) == ["US 9", "US 10", "US 12"]
    assert sorted(["L", "XS", "42"], key=size_sort_key) == ["XS", "L", "42"]
