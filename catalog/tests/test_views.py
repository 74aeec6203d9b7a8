"""Catalog pages end to end: which products a market shows, product pages, search, HTMX partials,
hostile query strings and query budgets."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory, SKUFactory, SubcategoryFactory
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

# A cold cache: the menu, the exchange rate, the running sales (promotions), the shared pages' next
# scheduled change (sales and banners) and the kept product rows are read once.
QUERY_BUDGET = 13
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def men(db):
    return CategoryFactory(name="Men", slug="men")


@pytest.fixture
def shirts(men):
    return SubcategoryFactory(category=men, name="Shirts", slug="shirts")


def product_in(subcategory, **kwargs):
    return ProductFactory(category=subcategory.category, subcategory=subcategory, **kwargs)


def names(response):
    return {product.name for product in response.context["listing"].products}


# --- a product page under a market that does not sell it --------------------------------------------


def test_a_visitor_on_the_kg_page_of_a_us_only_product_is_sent_to_its_us_page(client):
    ProductFactory(market="US", slug="denim-jacket", price="89.00")

    response = client.get("/kg/p/denim-jacket/")

    assert response.status_code == 301  # the product's market is fixed: moved for good
    assert response["Location"] == "/us/p/denim-jacket/"
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert "$89.00" in landing.text


def test_a_visitor_sent_to_the_market_that_sells_a_product_keeps_the_picked_variant(client):
    ProductFactory(market="US", slug="denim-jacket")

    response = client.get("/kg/p/denim-jacket/?size=M&color=Indigo")

    assert response["Location"] == "/us/p/denim-jacket/?size=M&color=Indigo"


def test_a_signed_in_kg_user_gets_not_found_for_a_us_only_product(client, kg_shopper):
    ProductFactory(market="US", slug="denim-jacket")
    client.force_login(kg_shopper)

    assert client.get("/kg/p/denim-jacket/").status_code == 404


def test_a_signed_in_kg_user_on_the_us_page_of_a_us_only_product_ends_on_not_found_without_a_loop(client, kg_shopper):
    ProductFactory(market="US", slug="denim-jacket")
    client.force_login(kg_shopper)

    response = client.get("/us/p/denim-jacket/", follow=True)

    assert response.redirect_chain == [("/kg/p/denim-jacket/", 302)]
    assert response.status_code == 404


@pytest.mark.parametrize("market", ["kg", "us"])
def test_a_product_sold_in_all_markets_has_a_page_in_each(client, market):
    ProductFactory(market="ALL", slug="everyday-tee", name="Everyday Tee")

    response = client.get(f"/{market}/p/everyday-tee/")

    assert response.status_code == 200
    assert "Everyday Tee" in response.text


def test_an_inactive_product_is_not_found(client):
    ProductFactory(slug="retired-shirt", is_active=False)

    assert client.get("/kg/p/retired-shirt/").status_code == 404


def test_an_inactive_product_of_the_other_market_is_not_found_rather_than_redirected(client):
    ProductFactory(market="US", slug="retired-jacket", is_active=False)

    assert client.get("/kg/p/retired-jacket/").status_code == 404


def test_an_unknown_product_is_not_found(client):
    assert client.get("/kg/p/no-such-thing/").status_code == 404


def test_the_product_page_shows_features_images_and_related_products_of_the_market(client, shirts):
    product = product_in(shirts, name="Oxford Shirt", slug="oxford")
    product.features.create(feature_text="Mother-of-pearl buttons")
    ProductImageFactory(product=product, image_url="https://cdn.example.com/oxford-back.jpg", alt_text="Back")
    product_in(shirts, name="Poplin Shirt", sales_count=3)
    product_in(shirts, name="American Shirt", market="US")
    ProductFactory(name="Unrelated Scarf")

    response = client.get("/kg/p/oxford/")

    assert "Mother-of-pearl buttons" in response.text
    assert "https://cdn.example.com/oxford-back.jpg" in response.text
    assert [p.name for p in response.context["related"]] == ["Poplin Shirt"]


def test_a_category_page_shows_only_the_categorys_active_products_of_the_market_and_all(client, men, shirts):
    product_in(shirts, name="KG Shirt", market="KG")
    product_in(shirts, name="Everywhere Shirt", market="ALL")
    ProductFactory(category=men, subcategory=None, name="Loose KG Coat")
    product_in(shirts, name="American Shirt", market="US")
    product_in(shirts, name="Retired Shirt", is_active=False)
    ProductFactory(name="Women's Dress")

    response = client.get("/kg/c/men/")

    assert response.status_code == 200
    assert names(response) == {"KG Shirt", "Everywhere Shirt", "Loose KG Coat"}
    assert "American Shirt" not in response.text
    assert response.context["heading"] == "Men"


def test_the_same_category_in_us_shows_us_and_all_products(client, shirts):
    product_in(shirts, name="KG Shirt", market="KG")
    product_in(shirts, name="Everywhere Shirt", market="ALL")
    product_in(shirts, name="American Shirt", market="US", price="40.00")

    response = client.get("/us/c/men/")

    assert names(response) == {"Everywhere Shirt", "American Shirt"}


def test_a_category_of_the_other_market_or_inactive_is_not_found(client):
    CategoryFactory(slug="americana", market="US")
    CategoryFactory(slug="archive", is_active=False)

    assert client.get("/kg/c/americana/").status_code == 404
    assert client.get("/us/c/americana/").status_code == 200
    assert client.get("/kg/c/archive/").status_code == 404
    assert client.get("/kg/c/nothing/").status_code == 404


def test_a_subcategory_page_shows_only_its_products(client, men, shirts):
    trousers = SubcategoryFactory(category=men, name="Trousers", slug="trousers")
    product_in(shirts, name="Oxford Shirt")
    product_in(trousers, name="Chinos")
    product_in(shirts, name="American Shirt", market="US")

    response = client.get("/kg/c/men/shirts/")

    assert response.status_code == 200
    assert names(response) == {"Oxford Shirt"}
    assert response.context["heading"] == "Shirts"
    # A subcategory page offers no subcategory filter.
    assert "sub" not in response.context["listing"].facets


def test_an_unknown_inactive_or_foreign_subcategory_is_not_found(client, men, shirts):
    SubcategoryFactory(category=men, slug="archive", is_active=False)
    SubcategoryFactory(slug="dresses")  # another category's

    assert client.get("/kg/c/men/archive/").status_code == 404
    assert client.get("/kg/c/men/dresses/").status_code == 404
    assert client.get("/kg/c/men/nothing/").status_code == 404


def test_all_products_lists_every_active_product_of_the_market_newest_first(client):
    ProductFactory(name="Older")
    ProductFactory(name="Everywhere", market="ALL")
    ProductFactory(name="Newest")
    ProductFactory(name="American", market="US")
    ProductFactory(name="Retired", is_active=False)

    response = client.get("/kg/products/")

    assert [p.name for p in response.context["listing"].products] == ["Newest", "Everywhere", "Older"]


def test_best_sellers_lists_staff_picks_first_then_by_sales(client):
    ProductFactory(name="Sells some", sales_count=5)
    ProductFactory(name="Sells most", sales_count=90)
    ProductFactory(name="Picked by staff", is_best_seller=True)
    ProductFactory(name="Picked and sold", is_best_seller=True, sales_count=3)
    ProductFactory(name="Never sold")
    ProductFactory(name="Sells in America", market="US", sales_count=500)

    response = client.get("/kg/best-sellers/")

    assert [p.name for p in response.context["listing"].products] == [
        "Picked and sold",
        "Picked by staff",
        "Sells most",
        "Sells some",
    ]


def test_best_sellers_follow_the_sort_a_shopper_picks(client):
    ProductFactory(name="Cheap", sales_count=5, price="990.00")
    ProductFactory(name="Dear", is_best_seller=True, price="9990.00")

    response = client.get("/kg/best-sellers/?sort=price_asc")

    assert [p.name for p in response.context["listing"].products] == ["Cheap", "Dear"]


# --- search ---------------------------------------------------------------------------------------


def test_search_finds_products_of_the_market_only(client):
    ProductFactory(name="Linen Shirt", slug="kg-linen")
    ProductFactory(name="Linen Trousers", market="ALL")
    ProductFactory(name="Linen Jacket", market="US")
    ProductFactory(name="Wool Coat", description="Boiled wool.")

    response = client.get("/kg/search/?q=linen")

    assert response.status_code == 200
    assert names(response) == {"Linen Shirt", "Linen Trousers"}
    assert "Linen Jacket" not in response.text


def test_search_without_a_query_shows_no_products(client):
    ProductFactory(name="Linen Shirt")

    response = client.get("/kg/search/?q=", follow=True)

    assert response.redirect_chain == [("/kg/search/", 302)]  # an empty parameter is left out
    assert response.status_code == 200
    assert response.context["listing"].paginator.count == 0


def test_search_results_take_the_listing_filters(client):
    ProductFactory(name="Linen Shirt", brand="Nord")
    ProductFactory(name="Linen Trousers", brand="Atelier")

    response = client.get("/kg/search/?q=linen&brand=Nord")

    assert names(response) == {"Linen Shirt"}


def test_search_suggestions_are_a_fragment_of_products_of_the_market(client):
    ProductFactory(name="Linen Shirt", slug="kg-linen")
    ProductFactory(name="Linen Jacket", slug="us-linen", market="US")

    response = client.get("/kg/search/suggestions/?q=linen", **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="search-suggestions"' in response.text
    assert 'data-href="/kg/p/kg-linen/"' in response.text
    assert "us-linen" not in response.text


def test_search_suggestions_wait_for_two_characters(client):
    ProductFactory(name="Linen Shirt")

    response = client.get("/kg/search/suggestions/?q=l")

    assert response.context["suggestions"] == []


# --- HTMX partials ----------------------------------------------------------------------------------

LISTINGS = ["/kg/c/men/", "/kg/c/men/shirts/", "/kg/products/", "/kg/best-sellers/", "/kg/search/?q=shirt"]


@pytest.fixture
def listed(shirts):
    return product_in(shirts, name="Oxford Shirt", slug="oxford", sales_count=4)


@pytest.mark.parametrize("url", LISTINGS)
def test_a_listing_is_a_full_page_without_htmx(client, listed, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "<html" in response.text
    assert 'id="listing"' in response.text
    assert "Oxford Shirt" in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("url", LISTINGS)
def test_a_listing_answers_htmx_with_only_its_listing_fragment(client, listed, url):
    response = client.get(url, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<header" not in response.text
    # The listing, after the count it says into the page's status region (out of band).
    status, listing = response.text.strip().split("\n", 1)
    assert status.lstrip().startswith('<p id="listing-status" hx-swap-oob="innerHTML">')
    assert listing.lstrip().startswith('<div id="listing"')
    assert "Oxford Shirt" in response.text
    assert "HX-Request" in response["Vary"]


def test_a_listing_answers_an_htmx_history_restore_with_the_full_page(client, listed):
    response = client.get("/kg/products/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)

    assert "<html" in response.text


def test_the_product_page_answers_htmx_with_only_the_buy_box(client):
    product = ProductFactory(slug="oxford", name="Oxford Shirt")
    SKUFactory(product=product, size="M", color="White", price="3490.00", stock=2)
    SKUFactory(product=product, size="L", color="White")
    ProductImageFactory(product=product, image_url="https://cdn.example.com/oxford-side.jpg")

    response = client.get("/kg/p/oxford/?size=M&color=White", **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="product-buy-box"')
    assert "3 490 som" in response.text
    assert "Only 2 left" in response.text
    # The thumbnails live in the buy box, so a swapped buy box keeps them.
    assert "https://cdn.example.com/oxford-side.jpg" in response.text
    assert "Reviews" not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_product_page_without_htmx_is_the_whole_page(client):
    product = ProductFactory(slug="oxford")
    SKUFactory(product=product, size="M", color="White")

    response = client.get("/kg/p/oxford/?size=M&color=White")

    assert "<html" in response.text
    assert 'id="product-buy-box"' in response.text
    assert 'id="reviews"' in response.text
    assert "HX-Request" in response["Vary"]


# --- hostile and broken query strings never break a page ---------------------------------------------

BAD_QUERIES = [
    {"brand": "No Such Brand", "size": "XXXXL", "color": "Ultraviolet", "sub": "nothing"},
    {"min": "abc"},
    {"max": "-5"},
    {"min": "900", "max": "100"},
    {"min": "1e400", "max": "NaN"},
    {"min": "Infinity"},
    {"min": "99999999999999999999999"},
    {"sort": "zzz"},
    {"sort": "-id; DROP TABLE catalog_product"},
    {"page": "999999"},
    {"page": "abc"},
    {"page": "-1"},
    {"page": "0"},
    {"in_stock": "maybe", "sale": "\x00"},
    {"q": "x" * 300},
    {"q": "linen\x00\x01\x1b\x7f shirt"},
    {"brand": "\x00Atelier\x1f", "color": "\x00", "size": "\t\n"},
    {"brand": [f"Brand {n}" for n in range(50)]},
    {"size": ["M"] * 50, "color": "é" * 500},
    {"sub": "../../etc/passwd", "reviews": "x"},
    {"q": "%_%\\'\"", "brand": "%", "size": "_"},
]


@pytest.fixture
def catalog_for_bad_input(shirts):
    for n in range(3):
        product = product_in(shirts, name=f"Linen Shirt {n}", slug=f"linen-{n}", price=f"{1000 + n}.00")
        SKUFactory(product=product, size="M", color="White")
    ReviewFactory(product=product, is_approved=True)


@pytest.mark.parametrize("url", [*LISTINGS, "/kg/p/linen-2/", "/kg/search/suggestions/"])
@pytest.mark.parametrize("params", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_broken_query_strings_never_break_a_page(client, catalog_for_bad_input, url, params):
    response = client.get(url, params, follow=True)  # empty values are redirected away first

    assert response.status_code == 200
    assert client.get(url, params, follow=True, **HTMX).status_code == 200


def test_a_page_past_the_end_shows_the_last_page(client, shirts):
    for n in range(30):
        product_in(shirts, name=f"Shirt {n:02d}")

    response = client.get("/kg/c/men/?page=999999")

    assert response.status_code == 200
    assert response.context["listing"].page.number == 2
    assert len(response.context["listing"].products) == 6


# --- query budgets ----------------------------------------------------------------------------------


def catalog_of(count, shirts):
    """`count` products in Men › Shirts, each with SKUs, a picture and a review; the last one returned."""
    for n in range(count):
        product = product_in(
            shirts,
            name=f"Linen Shirt {n}",
            brand=f"Brand {n % 7}",
            sales_count=n + 1,
            is_featured=True,
            original_price="3990.00" if n % 3 else None,
        )
        SKUFactory(product=product, size="M", color=f"Color {n % 5}", stock=n % 4)
        SKUFactory(product=product, size="L", color=f"Color {n % 5}", stock=3)
        ProductImageFactory(product=product)
        ReviewFactory(product=product, is_approved=True)
    # The product whose page is measured: as many SKUs, pictures and reviews as products around it.
    main = ProductFactory(category=shirts.category, subcategory=shirts, slug="measured", market="ALL", price="25.00")
    for n in range(count):
        SKUFactory(product=main, size=f"EU {40 + n}", color="Navy", stock=n % 3)
        ProductImageFactory(product=main)
        ReviewFactory(product=main, is_approved=True, rating=1 + n % 5)
    return main


def queries_for(client, url, **headers):
    cache.clear()  # the worst case: no menu and no exchange rate cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    ("/kg/c/men/", {}),
    ("/kg/c/men/shirts/", {}),
    ("/kg/products/", {}),
    ("/kg/best-sellers/", {}),
    ("/kg/p/measured/", {}),
    ("/kg/p/measured/?size=EU+41&color=Navy", HTMX),
    ("/kg/products/?brand=Brand+1&size=M&in_stock=1&sort=price_asc", HTMX),
    ("/kg/c/men/?sale=1&min=100&max=5000&page=2", HTMX),
    ("/kg/search/?q=linen", {}),
    ("/kg/search/?q=linen", HTMX),
    ("/kg/search/suggestions/?q=linen", HTMX),
]


@pytest.mark.parametrize(("url", "headers"), PAGES)
def test_a_catalog_page_stays_within_its_query_budget(client, shirts, django_assert_max_num_queries, url, headers):
    catalog_of(30, shirts)
    cache.clear()

    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url, **headers).status_code == 200


@pytest.mark.parametrize(("url", "headers"), PAGES)
def test_a_catalog_page_makes_as_many_queries_for_fifty_products_as_for_five(client, shirts, url, headers):
    catalog_of(5, shirts)
    few = queries_for(client, url, **headers)
    Product.objects.filter(slug="measured").update(slug="measured-before")
    catalog_of(50, shirts)

    assert queries_for(client, url, **headers) == few


# --- listings on phones: clean URLs, chips, the status region --------------------------------------


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("?sort=best&min=&max=&brand=Nord", "/kg/c/men/?sort=best&brand=Nord"),
        ("?min=&max=", "/kg/c/men/"),
        ("?brand=&brand=Nord&size=%20", "/kg/c/men/?brand=Nord"),
    ],
)
def test_a_listing_asked_for_with_empty_parameters_redirects_to_its_clean_url(client, shirts, query, clean):
    response = client.get("/kg/c/men/" + query)

    assert response.status_code == 302 and response["Location"] == clean


def test_a_search_without_empty_parameters_is_answered_directly(client, shirts):
    assert client.get("/kg/search/?q=linen&sort=new").status_code == 200


def test_active_filters_show_as_chips_that_each_link_to_the_listing_without_them(client, shirts):
    product_in(shirts, name="Linen Shirt", brand="Nord", price="1500.00")
    SKUFactory(product=Product.objects.get(), size="M", color="White")

    response = client.get("/kg/c/men/?brand=Nord&size=M&min=1000&in_stock=1&page=1")

    chips = {chip.label: chip.url for chip in response.context["chips"]}
    assert chips == {
        "Nord": "/kg/c/men/?size=M&min=1000&in_stock=1",
        "Size M": "/kg/c/men/?brand=Nord&min=1000&in_stock=1",
        "From 1 000 som": "/kg/c/men/?brand=Nord&size=M&in_stock=1",
        "In stock": "/kg/c/men/?brand=Nord&size=M&min=1000",
    }
    assert 'aria-label="Active filters"' in response.text
    assert client.get("/kg/c/men/").context["chips"] == ()


def test_the_listing_partial_says_its_count_into_the_status_region_out_of_band(client, shirts):
    for n in range(3):
        product_in(shirts, name=f"Linen Shirt {n}")

    page = client.get("/kg/c/men/").text
    partial = client.get("/kg/c/men/?sort=new", **HTMX).text

    # The page holds the region empty; the partial fills only its text and leaves the region in place.
    assert '<p id="listing-status" class="sr-only" role="status" aria-live="polite"></p>' in page
    assert '<p id="listing-status" hx-swap-oob="innerHTML">3 products</p>' in partial
    assert "aria-live" not in partial.split('id="listing"', 1)[1]


def test_search_suggestions_show_picture_and_price_in_the_market(client):
    ProductFactory(name="Linen Shirt", slug="kg-linen", price="2990.00", image="products/linen.jpg")

    response = client.get("/kg/search/suggestions/?q=linen", **HTMX)

    suggestion = response.context["suggestions"][0]
    assert suggestion | {"picture": None} == {
        "name": "Linen Shirt",
        "brand": suggestion["brand"],
        "url": "/kg/p/kg-linen/",
        "picture": None,
        "price": "2 990 som",
    }
    assert suggestion["picture"].url.endswith("products/linen.jpg")  # no renditions yet: the file itself
    assert 'role="option" id="search-option-1"' in response.text and "2 990 som" in response.text
    assert 'src="/media/products/linen.jpg" alt="" width="40" height="48"' in response.text


def test_search_suggestions_offer_a_pictures_smaller_copies(client):
    record = {
        "source": "products/linen.jpg",
        "width": 1200,
        "height": 1500,
        "files": [
            {"width": 320, "height": 400, "format": "webp", "name": "renditions/products/linen-320w.webp"},
            {"width": 320, "height": 400, "format": "jpeg", "name": "renditions/products/linen-320w.jpg"},
        ],
    }
    ProductFactory(name="Linen Shirt", slug="kg-linen", image="products/linen.jpg", renditions=record)

    html = client.get("/kg/search/suggestions/?q=linen", **HTMX).text

    assert '<source type="image/webp" srcset="/media/renditions/products/linen-320w.webp 320w" sizes="40px">' in html


def test_a_visitor_on_the_other_markets_page_of_a_fixed_market_product_is_moved_for_good(client):
    ProductFactory(market="US", slug="denim-jacket")

    response = client.get("/kg/p/denim-jacket/?size=M")

    assert response.status_code == 301
    assert response["Location"] == "/us/p/denim-jacket/?size=M"
    again = client.get("/kg/p/denim-jacket/?size=M")  # the shared page cache keeps no redirect
    assert (again.status_code, again["Location"]) == (301, "/us/p/denim-jacket/?size=M")
