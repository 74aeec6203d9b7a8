"""The som is a word: "som" on English pages, "сом" on Russian and Kyrgyz ones, in prices and in the
labels that name the currency; the VAT inside a KG total is shown in whole som."""

from decimal import Decimal

import pytest
from django.test import Client

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from storefront.tests.page_text import read_text

pytestmark = pytest.mark.django_db


def reader(language):
    client = Client()
    client.cookies["marque_language"] = language
    return client


@pytest.fixture
def coat():
    product = ProductFactory(
        name="Wool Coat", slug="wool-coat", market="KG", price=Decimal("12990"), category=CategoryFactory(slug="women")
    )
    SKUFactory(product=product, size="M", stock=3)
    return product


def page_text(html):
    return " ".join(text for _line, text in read_text(html))


@pytest.mark.parametrize(
    ("language", "price", "label", "market"),
    [
        ("en", "12 990 som", "Price, som", "Kyrgyzstan (som)"),
        ("ru", "12 990 сом", "Цена, сом", "(сом)"),
        ("ky", "12 990 сом", "Баасы, сом", "(сом)"),
    ],
)
def test_prices_and_price_labels_name_the_som_in_the_pages_language(coat, language, price, label, market):
    listing = page_text(reader(language).get("/kg/products/").text)
    product = page_text(reader(language).get("/kg/p/wool-coat/").text)

    assert price in listing and price in product
    assert label in listing
    assert market in product  # the market switcher
    assert "KGS" not in listing and "KGS" not in product
    if language == "en":
        assert "сом" not in listing and "сом" not in product


def test_the_cart_shows_the_vat_inside_a_kg_total_in_whole_som(coat):
    client = reader("ru")
    client.post("/kg/cart/add/", {"sku": coat.skus.get().pk, "quantity": 1})

    cart = client.get("/kg/cart/").text

    # 12 990 × 12 / 112 = 1 391,79: shown, like every KG amount, in whole som.
    assert "(1 392 сом)" in cart and "1 391,79" not in cart
