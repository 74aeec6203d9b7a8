"""The reviews section of the product page and the rating in its JSON-LD."""

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from catalog.tests.test_seo import json_ld_of_type
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    """Men › Shirts with a KG shirt (with SKUs)."""
    shirts = SubcategoryFactory(category=CategoryFactory(name="Men", slug="men"), name="Shirts", slug="shirts")
    shirt = ProductFactory(
        name="Oxford Shirt",
        slug="oxford",
        brand="Atelier",
        price="2990.00",
        category=shirts.category,
        subcategory=shirts,
    )
    SKUFactory(product=shirt, sku_code="OX-S", size="S", color="Blue", stock=4)
    return shirt


def test_the_product_page_shows_only_approved_reviews(client):
    product = ProductFactory(slug="reviewed")
    ReviewFactory(product=product, is_approved=True, comment="Wonderful drape")
    ReviewFactory(product=product, is_approved=False, comment="Spam spam spam")

    html = client.get("/kg/p/reviewed/").text

    assert "Wonderful drape" in html
    assert "Spam spam spam" not in html


# --- listings: which products each page shows -------------------------------------------------------


def test_aggregate_rating_is_left_out_without_approved_reviews(client, shop):
    ReviewFactory(product=shop, rating=5, is_approved=False)

    product = json_ld_of_type(client.get("/kg/p/oxford/").text, "Product")

    assert "aggregateRating" not in product


def test_aggregate_rating_averages_the_approved_reviews(client, shop):
    ReviewFactory(product=shop, rating=5, is_approved=True)
    ReviewFactory(product=shop, rating=4, is_approved=True)
    ReviewFactory(product=shop, rating=1, is_approved=False)

    response = client.get("/kg/p/oxford/")

    rating = json_ld_of_type(response.text, "Product")["aggregateRating"]
    assert rating["@type"] == "AggregateRating"
    assert rating["ratingValue"] == "4.5"
    assert rating["reviewCount"] == 2
    assert "Rated 4.5 out of 5, 2 reviews" in response.text


@pytest.mark.parametrize(("language", "label"), [("en", "4 stars"), ("ru", "4 звезды"), ("ky", "4 жылдыз")])
def test_a_star_rows_label_stays_on_one_line_in_every_language(client, language, label):
    product = ProductFactory(slug="starred")
    ReviewFactory(product=product, rating=4, is_approved=True)
    client.cookies["marque_language"] = language

    html = client.get("/kg/p/starred/").text

    assert f'<dt class="w-24 shrink-0 whitespace-nowrap">{label}</dt>' in html
