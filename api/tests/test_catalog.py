"""The catalog API: products, best sellers, search and categories of the caller's market, answered by
the web listing's and search's own code (so the same query gives the same products), with JSON errors
for every bad parameter and query counts that do not grow with the catalog."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.conftest import authed
from catalog.models import MarketPrice, Product
from catalog.pricing import MarketPricing
from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductFeatureFactory,
    ProductImageFactory,
    SKUFactory,
    SubcategoryFactory,
)
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products"
BEST_SELLERS = "/api/v1/products/best-sellers"
SEARCH = "/api/v1/products/search"
CATEGORIES = "/api/v1/categories"
QUERY_BUDGET = 10


@pytest.fixture
def men(db):
    return CategoryFactory(name="Men", slug="men", sort_order=1)


@pytest.fixture
def shirts(men):
    return SubcategoryFactory(category=men, name="Shirts", slug="shirts")


@pytest.fixture
def trousers(men):
    return SubcategoryFactory(category=men, name="Trousers", slug="trousers")


def product_in(subcategory, **kwargs):
    return ProductFactory(category=subcategory.category, subcategory=subcategory, **kwargs)


def slugs(response):
    return [card["slug"] for card in response.json()["results"]]


def web_slugs(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return [product.slug for product in response.context["listing"].products]


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def catalog_in_both_markets(shirts):
    return {
        "kg": product_in(shirts, name="Kg Shirt", slug="kg-shirt", market="KG"),
        "us": product_in(shirts, name="Us Shirt", slug="us-shirt", market="US", price=Decimal("49.00")),
        "all": product_in(shirts, name="Everywhere Shirt", slug="all-shirt", market="ALL", price=Decimal("30.00")),
        "off": product_in(shirts, name="Retired Shirt", slug="off-shirt", market="KG", is_active=False),
    }


# --- markets --------------------------------------------------------------------------------------


def test_product_list_hides_products_not_sold_in_the_market_and_inactive_ones(api_client, catalog_in_both_markets):
    assert set(slugs(api_client.get(PRODUCTS))) == {"kg-shirt", "all-shirt"}
    assert set(slugs(api_client.get(PRODUCTS, {"market": "US"}))) == {"us-shirt", "all-shirt"}
    assert set(slugs(api_client.get(PRODUCTS, {"market": "us"}))) == {"us-shirt", "all-shirt"}


def test_a_signed_in_caller_gets_their_own_market_whatever_market_says(catalog_in_both_markets, us_shopper):
    response = authed(us_shopper).get(PRODUCTS, {"market": "KG"})

    assert set(slugs(response)) == {"us-shirt", "all-shirt"}
    assert {card["price"]["currency"] for card in response.json()["results"]} == {"USD"}


@pytest.mark.parametrize("url", [PRODUCTS, BEST_SELLERS, f"{SEARCH}?q=shirt", CATEGORIES, "/api/v1/products/kg-shirt"])
def test_an_unknown_market_is_a_400(api_client, catalog_in_both_markets, url):
    separator = "&" if "?" in url else "?"
    assert_error(api_client.get(f"{url}{separator}market=FR"), 400, "invalid_market")


def test_a_bad_token_is_refused_even_on_public_endpoints(api_client, catalog_in_both_markets):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get(PRODUCTS).status_code == 401


# --- the card --------------------------------------------------------------------------------------


def test_a_card_carries_the_market_price_and_the_sale(api_client, shirts):
    product = product_in(
        shirts,
        slug="linen",
        name="Linen Shirt",
        brand="Nord",
        price=Decimal("2990.00"),
        original_price=Decimal("3990.00"),
        rating=Decimal("4.50"),
        reviews_count=2,
    )

    (card,) = api_client.get(PRODUCTS).json()["results"]

    assert card == {
        "id": product.pk,
        "slug": "linen",
        "name": "Linen Shirt",
        "brand": "Nord",
        "price": {"amount": "2990.00", "currency": "KGS", "display": "2 990 som"},
        "original_price": {"amount": "3990.00", "currency": "KGS", "display": "3 990 som"},
        "on_sale": True,
        "discount_percent": 25,
        "image": None,
        "rating": 4.5,
        "reviews_count": 2,
        "in_stock": True,
        "web_url": "http://testserver/kg/p/linen/",
    }


def test_a_product_of_every_market_is_priced_in_the_callers_currency(api_client, shirts):
    product = product_in(shirts, slug="tee", market="ALL", price=Decimal("20.00"))
    MarketPrice.objects.create(product=product, market="US", price="18.00", original_price="20.00")
    kg_price = MarketPricing.load(MARKETS["KG"]).product_price(
        Product.objects.with_prices(MarketPricing.load(MARKETS["KG"])).get()
    )

    (kg,) = api_client.get(PRODUCTS).json()["results"]
    (us,) = api_client.get(PRODUCTS, {"market": "US"}).json()["results"]

    assert kg["price"] == {"amount": f"{kg_price.amount:.2f}", "currency": "KGS", "display": kg_price.display}
    assert kg["on_sale"] is False
    assert kg["original_price"] is None
    assert us["price"] == {"amount": "18.00", "currency": "USD", "display": "$18.00"}
    assert us["original_price"]["display"] == "$20.00"


# --- same products as the web listing ----------------------------------------------------------------


@pytest.fixture
def wardrobe(shirts, trousers):
    products = []
    for n in range(30):
        sub = shirts if n % 3 else trousers
        product = product_in(
            sub,
            slug=f"piece-{n}",
            brand=["Nord", "Sud", "Est"][n % 3],
            price=Decimal(1000 + 97 * n),
            original_price=Decimal(1000 + 97 * n + 500) if n % 4 == 0 else None,
            in_stock=n % 5 != 0,
            sales_count=(n * 7) % 11,
            is_best_seller=n % 9 == 0,
            rating=Decimal(n % 5),
        )
        SKUFactory(product=product, size=["S", "M", "L"][n % 3], color=["Black", "White"][n % 2])
        products.append(product)
    product_in(shirts, slug="us-only", market="US", price=Decimal("10.00"))
    return products


LISTING_QUERIES = [
    "",
    "brand=Nord",
    "brand=Nord&brand=Sud",
    "sub=trousers",
    "size=M&color=Black",
    "min=1500&max=3000",
    "max=1500&min=3000",
    "in_stock=true",
    "sale=true",
    "sort=price_asc",
    "sort=price_desc",
    "sort=rating",
    "sort=best",
    "sort=new&brand=Est&in_stock=1",
    "page=2",
    "brand=Unknown",
]


@pytest.mark.parametrize("query", LISTING_QUERIES)
def test_the_product_list_gives_what_the_web_listing_gives(api_client, client, wardrobe, query):
    assert slugs(api_client.get(f"{PRODUCTS}?{query}")) == web_slugs(client, f"/kg/products/?{query}")


@pytest.mark.parametrize("query", ["", "sort=price_asc", "brand=Nord", "page=2"])
def test_best_sellers_give_what_the_web_best_sellers_page_gives(api_client, client, wardrobe, query):
    assert slugs(api_client.get(f"{BEST_SELLERS}?{query}")) == web_slugs(client, f"/kg/best-sellers/?{query}")


def test_the_category_filter_gives_what_the_web_category_page_gives(api_client, client, wardrobe, men):
    CategoryFactory(slug="women")
    product_in(SubcategoryFactory(category=CategoryFactory(slug="kids")), slug="kid-shirt")

    assert slugs(api_client.get(PRODUCTS, {"category": "men", "sort": "price_asc"})) == web_slugs(
        client, "/kg/c/men/?sort=price_asc"
    )
    assert "kid-shirt" not in slugs(api_client.get(PRODUCTS, {"category": "men", "page_size": 100}))
    assert slugs(api_client.get(PRODUCTS, {"category": "women"})) == []


def test_an_unknown_category_filter_is_a_400(api_client, wardrobe):
    error = assert_error(api_client.get(PRODUCTS, {"category": "nope"}), 400, "invalid")

    assert "category" in error["details"]


def test_sorts_order_by_the_market_price(api_client, wardrobe):
    prices = [
        Decimal(card["price"]["amount"]) for card in api_client.get(PRODUCTS, {"sort": "price_asc"}).json()["results"]
    ]

    assert prices == sorted(prices)


def test_the_list_is_newest_first_by_default(api_client, wardrobe):
    body = api_client.get(PRODUCTS, {"page_size": 100}).json()

    assert body["sort"] == "new"
    expected = (
        Product.objects.active().for_market(MARKETS["KG"]).order_by("-created_at", "-id").values_list("slug", flat=True)
    )
    assert [card["slug"] for card in body["results"]] == list(expected)


def test_facets_count_what_each_option_would_leave(api_client, wardrobe):
    facets = api_client.get(PRODUCTS, {"brand": "Nord"}).json()["facets"]

    brands = {option["value"]: option for option in facets["brand"]}
    assert brands["Nord"] == {"value": "Nord", "label": "Nord", "count": 10, "selected": True}
    assert brands["Sud"]["count"] == 10 and not brands["Sud"]["selected"]
    assert {option["value"] for option in facets["sub"]} == {"trousers"}  # every Nord piece is trousers
    assert set(facets["flags"]) == {"in_stock", "sale"}
    assert {option["value"] for option in facets["size"]} == {"S"}  # every Nord piece is an S


# --- pages ---------------------------------------------------------------------------------------


def test_pages_link_to_each_other_and_count_every_product(api_client, wardrobe):
    first = api_client.get(PRODUCTS, {"page_size": 12, "brand": "Nord"}).json()
    assert (first["count"], first["num_pages"], first["page"], first["page_size"]) == (10, 1, 1, 12)
    assert first["next"] is None and first["previous"] is None

    first = api_client.get(PRODUCTS, {"page_size": 4}).json()
    assert (first["count"], first["num_pages"]) == (30, 8)
    assert first["previous"] is None
    second = api_client.get(first["next"]).json()
    assert second["page"] == 2
    assert "page=3" in second["next"]
    assert api_client.get(second["previous"]).json()["results"] == first["results"]
    assert set(slugs_of(first)).isdisjoint(slugs_of(second))


def slugs_of(body):
    return [card["slug"] for card in body["results"]]


def test_the_web_page_size_is_the_default(api_client, wardrobe):
    assert len(api_client.get(PRODUCTS).json()["results"]) == 24
    assert len(api_client.get(PRODUCTS, {"page": 2}).json()["results"]) == 6


def test_an_empty_listing_has_one_empty_page(api_client, db):
    body = api_client.get(PRODUCTS).json()

    assert (body["count"], body["results"], body["page"]) == (0, [], 1)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min": "abc"}, "min"),
        ({"max": "-5"}, "max"),
        ({"min": "1e400"}, "min"),
        ({"sort": "cheapest"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "99999"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(api_client, wardrobe, params, field):
    error = assert_error(api_client.get(PRODUCTS, params), 400, "invalid")

    assert field in error["details"]


def test_every_bad_parameter_is_named_at_once(api_client, wardrobe):
    error = assert_error(api_client.get(PRODUCTS, {"min": "abc", "page": "0", "sort": "x"}), 400, "invalid")

    assert set(error["details"]) == {"min", "page", "sort"}


def test_hostile_filter_values_are_no_error(api_client, wardrobe):
    response = api_client.get(PRODUCTS, {"brand": ["\x00Nord", "x" * 5000], "size": "' OR 1=1 --", "in_stock": "maybe"})

    assert response.status_code == 200


def test_the_last_page_is_served_and_the_one_after_is_a_400(api_client, wardrobe):
    assert api_client.get(PRODUCTS, {"page": 2}).status_code == 200

    error = assert_error(api_client.get(PRODUCTS, {"page": 3}), 400, "invalid")
    assert "2" in error["details"]["page"][0]


# --- best sellers ----------------------------------------------------------------------------------


def test_best_sellers_come_in_the_best_seller_order(api_client, shirts):
    product_in(shirts, slug="flagged", is_best_seller=True, sales_count=1)
    product_in(shirts, slug="popular", sales_count=50)
    product_in(shirts, slug="steady", sales_count=5)
    product_in(shirts, slug="never-sold")

    body = api_client.get(BEST_SELLERS).json()

    assert [card["slug"] for card in body["results"]] == ["flagged", "popular", "steady"]
    assert body["sort"] == "best_sellers"
    assert api_client.get(BEST_SELLERS, {"sort": "new"}).json()["sort"] == "new"


def test_best_sellers_limit_asks_for_the_first_ones(api_client, wardrobe, client):
    body = api_client.get(BEST_SELLERS, {"limit": 3}).json()

    assert [card["slug"] for card in body["results"]] == web_slugs(client, "/kg/best-sellers/")[:3]
    assert body["page_size"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": "0"}, "limit"), ({"limit": "500"}, "limit"), ({"limit": "2", "page_size": "2"}, "limit")],
)
def test_a_bad_best_seller_limit_is_a_400(api_client, wardrobe, params, field):
    error = assert_error(api_client.get(BEST_SELLERS, params), 400, "invalid")

    assert field in error["details"]


# --- search ------------------------------------------------------------------------------------------


@pytest.fixture
def searchable(shirts):
    product_in(shirts, slug="oxford", name="Oxford Shirt", brand="Nord", sales_count=3)
    product_in(shirts, slug="court", name="Court Sneakers", brand="Sud", description="White leather shirt-free")
    product_in(shirts, slug="denim", name="Denim Jacket", brand="Nord")
    product_in(shirts, slug="us-oxford", name="Oxford Shirt US", brand="Nord", market="US")


@pytest.mark.parametrize("query", ["shirt", "nord", "oxford shirt", "snekers", "nord&sort=price_desc", "zzzz"])
def test_search_finds_what_the_web_search_finds(api_client, client, searchable, query):
    assert slugs(api_client.get(f"{SEARCH}?q={query}")) == web_slugs(client, f"/kg/search/?q={query}")


def test_search_stays_in_the_callers_market(api_client, searchable):
    assert "us-oxford" not in slugs(api_client.get(SEARCH, {"q": "oxford"}))
    assert "us-oxford" in slugs(api_client.get(SEARCH, {"q": "oxford", "market": "US"}))


def test_search_echoes_the_cleaned_query_and_offers_corrections(api_client, searchable):
    body = api_client.get(SEARCH, {"q": "  denm\x00  jackt "}).json()

    assert body["query"] == "denm jackt"
    assert body["sort"] == "relevance"
    assert isinstance(body["did_you_mean"], list)
    assert body["results"] == [] or body["results"][0]["slug"] == "denim"


def test_search_takes_the_listing_filters(api_client, searchable):
    assert slugs(api_client.get(SEARCH, {"q": "nord", "sort": "new"})) == ["denim", "oxford"]


@pytest.mark.parametrize("q", [None, "", "   ", "a", "\x00\x01"])
def test_an_empty_or_too_short_search_is_a_400(api_client, searchable, q):
    params = {} if q is None else {"q": q}

    error = assert_error(api_client.get(SEARCH, params), 400, "query_too_short")

    assert "2" in error["message"]
    assert "q" in error["details"]


def test_a_bad_search_parameter_is_a_400(api_client, searchable):
    assert_error(api_client.get(SEARCH, {"q": "shirt", "page": "0"}), 400, "invalid")


# --- a product --------------------------------------------------------------------------------------


@pytest.fixture
def oxford(shirts):
    product = product_in(
        shirts, slug="oxford", name="Oxford Shirt", description="Crisp cotton.", price=Decimal("2990.00")
    )
    SKUFactory(product=product, sku_code="OX-S-W", size="S", color="White", color_hex="#FFFFFF", stock=10)
    SKUFactory(product=product, sku_code="OX-M-W", size="M", color="White", color_hex="#FFFFFF", stock=2)
    SKUFactory(product=product, sku_code="OX-M-B", size="M", color="Blue", color_hex="#0000FF", stock=0)
    SKUFactory(product=product, sku_code="OX-L-B", size="L", color="Blue", stock=5, is_active=False)
    ProductImageFactory(product=product, image_url="https://cdn.example.com/2.jpg", sort_order=2)
    ProductImageFactory(product=product, image_url="https://cdn.example.com/1.jpg", alt_text="Front", sort_order=1)
    ProductFeatureFactory(product=product, feature_text="100% cotton", sort_order=1)
    ProductFeatureFactory(product=product, feature_text="Made in Bishkek", sort_order=2)
    return product


def test_a_product_shows_its_skus_pictures_and_features(api_client, oxford, shirts):
    body = api_client.get("/api/v1/products/oxford").json()

    assert body["id"] == oxford.pk
    assert body["description"] == "Crisp cotton."
    assert body["category"] == {"id": shirts.category.pk, "slug": "men", "name": "Men"}
    assert body["subcategory"] == {"id": shirts.pk, "slug": "shirts", "name": "Shirts"}
    assert body["images"] == [
        {"url": "https://cdn.example.com/1.jpg", "alt": "Front"},
        {"url": "https://cdn.example.com/2.jpg", "alt": "Oxford Shirt"},
    ]
    assert body["features"] == ["100% cotton", "Made in Bishkek"]
    skus = {sku["sku_code"]: sku for sku in body["skus"]}
    assert set(skus) == {"OX-S-W", "OX-M-W", "OX-M-B"}
    assert skus["OX-S-W"]["availability"] == "in_stock"
    assert skus["OX-M-W"]["availability"] == "low_stock"
    assert (skus["OX-M-B"]["availability"], skus["OX-M-B"]["in_stock"]) == ("out_of_stock", False)
    assert skus["OX-S-W"]["price"] == {"amount": "2990.00", "currency": "KGS", "display": "2 990 som"}
    assert [option["value"] for option in body["sizes"]] == ["S", "M"]
    assert {option["value"]: option["swatch"] for option in body["colors"]} == {"White": "#FFFFFF", "Blue": "#0000FF"}
    assert body["selection"]["sku_id"] is None
    assert body["selection"]["message"] == "Choose a size and a color"
    assert body["rating"] == 0.0


def test_size_and_color_pick_a_sku_as_the_product_page_does(api_client, oxford):
    body = api_client.get("/api/v1/products/oxford", {"size": "M", "color": "White"}).json()

    sku = oxford.skus.get(sku_code="OX-M-W")
    assert body["selection"]["sku_id"] == sku.pk
    assert body["selection"]["message"] == "Only 2 left"
    assert body["selection"]["in_stock"] is True
    blue = next(option for option in body["colors"] if option["value"] == "Blue")
    assert (blue["exists"], blue["in_stock"], blue["available"]) == (True, False, False)


def test_a_sku_with_a_fixed_market_price_shows_it(api_client, shirts):
    product = product_in(shirts, slug="tee", market="ALL", price=Decimal("20.00"))
    sku = SKUFactory(product=product, size="M", color="Black")
    MarketPrice.objects.create(product=product, sku=sku, market="KG", price="1490.00", original_price="1990.00")

    (sku_body,) = api_client.get("/api/v1/products/tee").json()["skus"]

    assert sku_body["price"]["display"] == "1 490 som"
    assert sku_body["original_price"]["display"] == "1 990 som"


def test_a_product_not_sold_in_the_callers_market_is_a_404(api_client, catalog_in_both_markets, kg_shopper):
    assert_error(api_client.get("/api/v1/products/us-shirt"), 404, "not_found")
    assert_error(authed(kg_shopper).get("/api/v1/products/us-shirt", {"market": "US"}), 404, "not_found")
    assert api_client.get("/api/v1/products/us-shirt", {"market": "US"}).status_code == 200
    assert api_client.get("/api/v1/products/all-shirt", {"market": "US"}).status_code == 200


@pytest.mark.parametrize("slug", ["off-shirt", "nope", "best-sellers-2"])
def test_an_unknown_or_inactive_product_is_a_404(api_client, catalog_in_both_markets, slug):
    assert_error(api_client.get(f"/api/v1/products/{slug}"), 404, "not_found")


# --- categories ------------------------------------------------------------------------------------


def test_categories_of_the_market_come_in_menu_order_with_active_subcategories(api_client, men, shirts):
    SubcategoryFactory(category=men, slug="hidden", is_active=False)
    women = CategoryFactory(name="Women", slug="women", sort_order=0, market="KG")
    CategoryFactory(name="Kids", slug="kids", market="US")
    CategoryFactory(name="Old", slug="old", is_active=False)

    body = api_client.get(CATEGORIES).json()

    assert [category["slug"] for category in body] == ["women", "men"]
    assert body[1]["subcategories"] == [{"id": shirts.pk, "slug": "shirts", "name": "Shirts"}]
    assert body[0]["id"] == women.pk
    assert set(body[0]) == {"id", "slug", "name", "description", "icon", "image", "subcategories"}
    assert [category["slug"] for category in api_client.get(CATEGORIES, {"market": "US"}).json()] == ["kids", "men"]


def test_a_category_and_its_subcategories(api_client, men, shirts, trousers):
    SubcategoryFactory(category=men, slug="hidden", is_active=False)

    body = api_client.get("/api/v1/categories/men").json()
    subcategories = api_client.get("/api/v1/categories/men/subcategories").json()

    assert body["id"] == men.pk
    assert [sub["slug"] for sub in body["subcategories"]] == ["shirts", "trousers"]
    assert subcategories == body["subcategories"]


def test_a_markets_own_category_wins_over_an_all_one_with_the_same_slug(api_client, men):
    own = CategoryFactory(name="Men KG", slug="men", market="KG")

    assert api_client.get("/api/v1/categories/men").json()["id"] == own.pk
    assert api_client.get("/api/v1/categories/men", {"market": "US"}).json()["id"] == men.pk


@pytest.mark.parametrize("url", ["/api/v1/categories/{slug}", "/api/v1/categories/{slug}/subcategories"])
def test_an_unknown_inactive_or_other_market_category_is_a_404(api_client, db, url):
    CategoryFactory(slug="us-only", market="US")
    CategoryFactory(slug="old", is_active=False)

    for slug in ["us-only", "old", "nope"]:
        assert_error(api_client.get(url.format(slug=slug)), 404, "not_found")


# --- query budgets ------------------------------------------------------------------------------------


def queries_for(client, url, params=None):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries)


def grow_catalog(subcategory, count, *, start=0):
    for n in range(start, start + count):
        product = product_in(
            subcategory,
            slug=f"grown-{n}",
            name=f"Grown Shirt {n}",
            market="ALL" if n % 2 else "KG",
            price=Decimal(20 + n),
            sales_count=n + 1,
        )
        SKUFactory(product=product, size="M", color=f"Color {n}")
        ProductImageFactory(product=product)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (PRODUCTS, {"page_size": 100}),
        (BEST_SELLERS, {"page_size": 100}),
        (SEARCH, {"q": "grown shirt", "page_size": 100}),
        (CATEGORIES, None),
    ],
)
def test_a_list_makes_as_many_queries_for_forty_rows_as_for_one(api_client, shirts, url, params):
    grow_catalog(shirts, 1)
    one = queries_for(api_client, url, params)
    grow_catalog(shirts, 39, start=1)
    for n in range(10):
        SubcategoryFactory(category=CategoryFactory(slug=f"grown-category-{n}"))

    # Never more (a search with few results may spend one query on did-you-mean corrections).
    assert queries_for(api_client, url, params) <= one
    assert one <= QUERY_BUDGET


def test_a_signed_in_list_stays_within_the_budget(shirts, kg_shopper, django_assert_max_num_queries):
    grow_catalog(shirts, 30)
    client = authed(kg_shopper)
    cache.clear()

    with django_assert_max_num_queries(QUERY_BUDGET + 1):  # + the user behind the token
        assert client.get(PRODUCTS).status_code == 200


def test_a_product_makes_as_many_queries_for_many_skus_and_pictures_as_for_one(api_client, shirts):
    product = product_in(shirts, slug="measured", market="ALL", price=Decimal("20.00"))
    SKUFactory(product=product, size="S", color="Black")
    ProductImageFactory(product=product)
    ProductFeatureFactory(product=product)
    one = queries_for(api_client, "/api/v1/products/measured")

    for n in range(20):
        sku = SKUFactory(product=product, size=f"{40 + n}", color="Black")
        MarketPrice.objects.create(product=product, sku=sku, market="KG", price="990.00")
        ProductImageFactory(product=product)
        ProductFeatureFactory(product=product, feature_text=f"Feature {n}")

    assert queries_for(api_client, "/api/v1/products/measured") == one
    assert one <= QUERY_BUDGET
