"""Merchandised text in Russian and Kyrgyz: product, category and banner copy on pages, in the menu,
search, structured data and the API, with the base text when a version is missing."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from catalog.models import Category
from catalog.navigation import category_menu
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from marketing.tests.factories import BannerFactory
from storefront.content import translated
from storefront.markets import get_market

pytestmark = pytest.mark.django_db

COOKIE = "marque_language"


def reader(language):
    client = Client()
    client.cookies[COOKIE] = language
    return client


@pytest.fixture
def shirt():
    category = CategoryFactory(
        name="Men",
        name_ru="Мужчинам",
        name_ky="Эркектерге",
        slug="men",
        description="For men.",
        description_ru="Для мужчин.",
    )
    subcategory = SubcategoryFactory(category=category, name="Shirts", name_ru="Рубашки", name_ky="", slug="shirts")
    product = ProductFactory(
        name="Linen Shirt",
        name_ru="Льняная рубашка",
        name_ky="Зыгыр көйнөк",
        description="A relaxed shirt.",
        description_ru="Свободная рубашка.",
        slug="linen-shirt",
        category=category,
        subcategory=subcategory,
        market="KG",
        price=Decimal("2990"),
    )
    SKUFactory(product=product, stock=3)
    return product


def test_the_active_languages_version_and_the_base_text_when_there_is_none(shirt):
    assert translated(shirt, "name", "ru") == "Льняная рубашка"
    assert translated(shirt, "name", "ky") == "Зыгыр көйнөк"
    assert translated(shirt, "name", "en") == "Linen Shirt"
    assert translated(shirt, "description", "ky") == "A relaxed shirt."  # no Kyrgyz version written
    assert translated({"name": "Linen Shirt", "name_ru": "Льняная рубашка"}, "name", "ru") == "Льняная рубашка"
    with translation.override("ru"):
        assert translated(shirt.subcategory, "name") == "Рубашки"


def json_ld(html, kind):
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S):
        data = json.loads(block)
        if data.get("@type") == kind:
            return data
    raise AssertionError(kind)


def test_the_product_page_reads_in_the_shoppers_language(shirt):
    html = reader("ru").get("/kg/p/linen-shirt/").text

    assert '<h1 class="text-2xl font-semibold">Льняная рубашка</h1>' in html
    assert "Свободная рубашка." in html
    assert ">Мужчинам</a>" in html and ">Рубашки</a>" in html  # breadcrumbs
    assert json_ld(html, "Product")["name"] == "Льняная рубашка"
    assert json_ld(html, "Product")["description"] == "Свободная рубашка."
    assert [item["name"] for item in json_ld(html, "BreadcrumbList")["itemListElement"]][1:] == [
        "Мужчинам",
        "Рубашки",
        "Льняная рубашка",
    ]
    english = reader("en").get("/kg/p/linen-shirt/").text
    assert "Linen Shirt" in english and "Льняная" not in english


def test_the_menu_is_cached_per_language(shirt, django_assert_max_num_queries):
    kyrgyz = reader("ky").get("/kg/").text
    russian = reader("ru").get("/kg/").text

    assert ">Эркектерге</a>" in kyrgyz and ">Мужчинам</a>" not in kyrgyz
    assert ">Мужчинам</a>" in russian
    market = get_market("KG")
    with django_assert_max_num_queries(0):  # both menus kept: neither is read again
        for language, name in (("ky", "Эркектерге"), ("ru", "Мужчинам")):
            with translation.override(language):
                assert category_menu(market, language)[0]["name"] == name


def test_changing_a_category_refreshes_the_menu_in_every_language(shirt, django_capture_on_commit_callbacks):
    reader("ru").get("/kg/")
    reader("ky").get("/kg/")
    category = Category.objects.get(slug="men")
    category.name_ru = "Для него"
    category.name_ky = "Ал үчүн"
    with django_capture_on_commit_callbacks(execute=True):
        category.save()

    assert ">Для него</a>" in reader("ru").get("/kg/").text
    assert ">Ал үчүн</a>" in reader("ky").get("/kg/").text


def test_the_listing_heading_and_cards_read_in_the_language(shirt):
    html = reader("ru").get("/kg/c/men/").text

    assert '<h1 class="mb-4 text-2xl font-semibold">Мужчинам' in html
    assert "Льняная рубашка" in html
    assert '<meta name="description" content="Для мужчин.">' in html


def test_banners_read_in_the_language_with_the_base_text_as_fallback():
    BannerFactory(title="Free delivery", title_ru="Бесплатная доставка", subtitle="Over 5 000 сом", market="KG")

    russian = reader("ru").get("/kg/").text
    kyrgyz = reader("ky").get("/kg/").text

    assert "Бесплатная доставка" in russian and "Over 5 000 сом" in russian
    assert "Free delivery" in kyrgyz


def test_collection_captions_read_in_the_language_like_their_alt_text():
    BannerFactory(title="Winter starts here", title_ru="Зима начинается здесь", banner_type="category", market="KG")

    russian = reader("ru").get("/kg/").text

    assert '<span class="mt-2 block font-medium">Зима начинается здесь</span>' in russian
    assert "Winter starts here" not in russian


def test_a_collections_picture_does_not_repeat_its_caption():
    """The caption names the link; the picture's alt adds what the merchandiser wrote, or nothing."""
    BannerFactory(
        title="Winter starts here", banner_type="category", market="KG", image_url="https://cdn.example.com/w.jpg"
    )
    BannerFactory(title="Bags for every day", alt_text="Leather totes on a bench", banner_type="category",
                  market="KG", image_url="https://cdn.example.com/b.jpg")  # fmt: skip

    html = reader("en").get("/kg/").text

    assert '<img src="https://cdn.example.com/w.jpg" alt=""' in html
    assert '<img src="https://cdn.example.com/b.jpg" alt="Leather totes on a bench"' in html


def test_a_shopper_finds_a_product_by_its_name_in_their_language(shirt):
    ProductFactory(name="Wool Scarf", market="KG")

    results = reader("ru").get("/kg/search/", {"q": "рубашка"}).text
    suggestions = reader("ru").get("/kg/search/suggestions/", {"q": "льнян"}, headers={"HX-Request": "true"}).text

    assert "Льняная рубашка" in results and "Wool Scarf" not in results
    assert "Льняная рубашка" in suggestions


def test_the_api_answers_merchandised_text_in_the_requested_language(shirt):
    BannerFactory(title="Free delivery", title_ru="Бесплатная доставка", market="KG")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ru")

    card = api.get("/api/v1/products", {"market": "KG"}).json()["results"][0]
    detail = api.get("/api/v1/products/linen-shirt", {"market": "KG"}).json()
    categories = api.get("/api/v1/categories", {"market": "KG"}).json()
    banners = api.get("/api/v1/banners", {"market": "KG"}).json()

    assert card["name"] == detail["name"] == "Льняная рубашка"
    assert detail["description"] == "Свободная рубашка."
    assert detail["category"]["name"] == "Мужчинам"
    assert categories[0]["name"] == "Мужчинам"
    assert categories[0]["subcategories"][0]["name"] == "Рубашки"
    assert banners[0]["title"] == "Бесплатная доставка"
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/products/linen-shirt", {"market": "KG"}).json()
    assert english["name"] == "Linen Shirt"


def test_merchandisers_write_the_versions_beside_the_base_text(admin_user, shirt):
    client = Client()
    client.force_login(admin_user)

    page = client.get(f"/admin/catalog/product/{shirt.pk}/change/").text

    assert 'name="name_ru"' in page and 'name="name_ky"' in page
    assert 'name="description_ru"' in page and 'name="description_ky"' in page
    assert ">Name (Russian):</label>" in page
    category_page = client.get(f"/admin/catalog/category/{shirt.category.pk}/change/").text
    assert 'name="name_ky"' in category_page and 'name="subcategories-0-name_ru"' in category_page
    found = client.get("/admin/catalog/product/", {"q": "Льняная"}).text
    assert "Linen Shirt" in found
