"""Listings: filters from the query string, facet counts, sorts and pages (through the real pages)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.facets import refresh_listing_facets
from catalog.listing import MAX_VALUES, PAGE_SIZE, Filters, parse_filters
from catalog.models import SKU, MarketPrice, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, SubcategoryFactory

pytestmark = pytest.mark.django_db

FACETS = ("sub", "brand", "size", "color")


def listing(client, url="/kg/c/men/", params=None):
    response = client.get(url, params or {}, follow=True)  # empty parameters are redirected away first
    assert response.status_code == 200
    return response.context["listing"]


def result_names(client, params=None, url="/kg/c/men/"):
    return [p.name for p in listing(client, url, params).products]


def facet(found, name):
    return {option.value: option.count for option in found.facets[name]}


# --- facets without filters ---------------------------------------------------------------------------


def test_without_filters_every_facet_counts_the_markets_active_products(client, wardrobe):
    found = listing(client)

    assert found.paginator.count == 4
    assert facet(found, "sub") == {"shirts": 2, "trousers": 2}
    assert facet(found, "brand") == {"Atelier": 2, "Nord": 2}
    assert facet(found, "size") == {"S": 2, "M": 2, "L": 1}
    assert facet(found, "color") == {"Black": 2, "White": 1, "Blue": 2}
    assert found.facets["flags"] == {"in_stock": 3, "sale": 1}


def test_sizes_are_offered_in_size_order_and_subcategories_by_name(client, wardrobe):
    found = listing(client)

    assert [o.value for o in found.facets["size"]] == ["S", "M", "L"]
    assert [o.label for o in found.facets["sub"]] == ["Shirts", "Trousers"]


def test_an_inactive_skus_size_and_color_are_not_offered(client, wardrobe):
    found = listing(client)

    assert "XL" not in facet(found, "size")
    assert "Red" not in facet(found, "color")
    assert result_names(client, {"size": "XL"}) == []


# --- each filter --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sub": "shirts"}, {"Oxford", "Poplin"}),
        ({"sub": "trousers"}, {"Chino", "Cargo"}),
        ({"brand": "Atelier"}, {"Oxford", "Chino"}),
        ({"brand": ["Atelier", "Nord"]}, {"Oxford", "Poplin", "Chino", "Cargo"}),
        ({"size": "M"}, {"Oxford", "Poplin"}),
        ({"size": ["S", "L"]}, {"Oxford", "Chino", "Cargo"}),
        ({"color": "Blue"}, {"Chino", "Cargo"}),
        ({"size": "S", "color": "Blue"}, {"Cargo"}),
        ({"min": "1500", "max": "2500"}, {"Poplin", "Cargo"}),
        ({"min": "2200"}, {"Chino"}),
        ({"max": "1000"}, {"Oxford"}),
        ({"in_stock": "1"}, {"Oxford", "Poplin", "Cargo"}),
        ({"sale": "1"}, {"Poplin"}),
        ({"brand": "Nord", "in_stock": "1", "sub": "trousers"}, {"Cargo"}),
    ],
)
def test_each_filter_narrows_the_listing(client, wardrobe, params, expected):
    assert set(result_names(client, params)) == expected


def test_a_brand_filter_narrows_the_other_facets_but_keeps_its_own_options(client, wardrobe):
    found = listing(client, params={"brand": "Atelier"})

    assert facet(found, "brand") == {"Atelier": 2, "Nord": 2}
    assert facet(found, "sub") == {"shirts": 1, "trousers": 1}
    assert facet(found, "size") == {"S": 1, "M": 1, "L": 1}
    assert facet(found, "color") == {"Black": 1, "White": 1, "Blue": 1}
    assert found.facets["flags"] == {"in_stock": 1, "sale": 0}


def test_a_searchs_size_and_color_facets_come_from_its_products_stored_values(client, wardrobe):
    for sku in SKU.objects.filter(color="Black"):
        sku.color_ru = "Чёрный"
        sku.save()
    refresh_listing_facets()  # the labels the market's listings show, as they are kept
    with CaptureQueriesContext(connection) as run:
        found = listing(client, "/kg/search/", params={"q": "men", "brand": "Atelier", "in_stock": "1", "lang": "ru"})

    # Oxford, Atelier's one product in stock: its active SKUs' sizes and colors, sold out or not.
    assert [product.name for product in found.products] == ["Oxford"]
    assert facet(found, "size") == {"S": 1, "M": 1}
    assert {option.value: option.label for option in found.facets["color"]} == {"Black": "Чёрный", "White": "White"}
    if connection.vendor == "postgresql":
        # One grouped query counts every facet, sizes and colors included: no SKU is read for them.
        assert not [query for query in run.captured_queries if 'FROM "catalog_sku"' in query["sql"]]
    # A size chosen: the color facet counts the SKUs of the products of that size.
    assert facet(listing(client, "/kg/search/", params={"q": "men", "size": "L"}), "color") == {"Blue": 1}


def test_a_size_filter_counts_colors_among_products_of_that_size(client, wardrobe):
    found = listing(client, params={"size": "M"})

    assert facet(found, "size") == {"S": 2, "M": 2, "L": 1}
    assert facet(found, "color") == {"Black": 2, "White": 1}
    assert facet(found, "brand") == {"Atelier": 1, "Nord": 1}


def test_the_flag_counts_follow_the_other_filters(client, wardrobe):
    found = listing(client, params={"brand": "Nord", "in_stock": "1"})

    assert found.facets["flags"] == {"in_stock": 2, "sale": 1}
    assert facet(found, "brand") == {"Atelier": 1, "Nord": 2}


FILTER_SETS = [
    {},
    {"brand": "Atelier"},
    {"size": "M"},
    {"color": "Blue", "in_stock": "1"},
    {"sub": "trousers", "max": "2500"},
    {"sale": "1"},
    {"min": "1500", "size": "S"},
    {"brand": "Nord", "sale": "1"},
    {"sub": "shirts", "in_stock": "1", "color": "Black"},
]


@pytest.mark.parametrize("params", FILTER_SETS)
def test_every_facet_option_counts_the_products_it_would_leave(client, wardrobe, params):
    found = listing(client, params=params)

    for name in FACETS:
        if name in params:
            continue  # a second value of a chosen filter widens the results instead
        for option in found.facets[name]:
            narrowed = listing(client, params={**params, name: option.value})
            assert narrowed.paginator.count == option.count, (name, option.value)
    for flag in ("in_stock", "sale"):
        if flag not in params:
            narrowed = listing(client, params={**params, flag: "1"})
            assert narrowed.paginator.count == found.facets["flags"][flag], flag


def test_a_product_without_a_subcategory_counts_everywhere_but_in_the_subcategory_facet(client, wardrobe):
    ProductFactory(category=wardrobe, subcategory=None, name="Loose Coat", brand="Nord")

    found = listing(client)

    assert found.paginator.count == 5
    assert facet(found, "brand") == {"Atelier": 2, "Nord": 3}
    assert facet(found, "sub") == {"shirts": 2, "trousers": 2}
    assert "Loose Coat" not in result_names(client, {"sub": ["shirts", "trousers"]})


def test_a_fixed_market_price_decides_whether_a_product_is_on_sale_in_that_market(client, wardrobe):
    cargo = Product.objects.get(name="Cargo")
    MarketPrice.objects.create(product=cargo, market="KG", price="1990.00", original_price="2490.00")

    assert set(result_names(client, {"sale": "1"})) == {"Poplin", "Cargo"}
    assert set(result_names(client, {"sale": "1"}, url="/us/c/men/")) == set()
    assert set(result_names(client, {"max": "2000"})) == {"Oxford", "Poplin", "Cargo"}


def test_the_price_filter_reads_us_prices_in_dollars(client, wardrobe):
    assert result_names(client, {"min": "20", "max": "29.99"}, url="/us/c/men/") == ["Cargo"]
    assert set(result_names(client, {"min": "30"}, url="/us/c/men/")) == {"American"}


def test_an_unknown_filter_value_matches_nothing_and_stays_ticked_so_it_can_be_cleared(client, wardrobe):
    response = client.get("/kg/c/men/", {"brand": "Nope"})

    found = response.context["listing"]
    assert found.paginator.count == 0
    nope = next(o for o in found.facets["brand"] if o.value == "Nope")
    assert (nope.count, nope.selected) == (0, True)
    assert "No products match these filters." in response.text
    assert re.search(r'<input id="filter-brand-nope" type="checkbox" name="brand" value="Nope" checked>', response.text)
    assert 'href="/kg/c/men/">Clear all' in response.text


def test_options_that_would_leave_nothing_are_not_offered(client, wardrobe):
    response = client.get("/kg/c/men/", {"color": "White"})

    assert facet(response.context["listing"], "sub") == {"shirts": 1}
    assert 'id="filter-sub-shirts"' in response.text
    assert 'id="filter-sub-trousers"' not in response.text


def test_a_price_range_that_is_not_a_number_is_ignored_with_a_message(client, wardrobe):
    response = client.get("/kg/c/men/", {"min": "abc", "max": "-5"})

    assert response.context["listing"].paginator.count == 4
    assert "The price range was not understood, so it is not applied." in response.text


def test_a_price_range_given_the_wrong_way_round_is_swapped(client, wardrobe):
    response = client.get("/kg/c/men/", {"min": "2500", "max": "1500"})

    assert {p.name for p in response.context["listing"].products} == {"Poplin", "Cargo"}
    assert 'name="min" inputmode="decimal" size="6" placeholder="Min" value="1500"' in response.text
    assert 'value="2500"' in response.text


def test_the_price_filter_uses_the_price_the_shopper_sees(client, wardrobe):
    assert "Cargo" in result_names(client, {"min": "2189"})
    assert "Cargo" not in result_names(client, {"max": "2188"})


# --- sorts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("best", ["Poplin", "Chino", "Oxford", "Cargo"]),
        ("new", ["Cargo", "Chino", "Poplin", "Oxford"]),
        ("price_asc", ["Oxford", "Poplin", "Cargo", "Chino"]),
        ("price_desc", ["Chino", "Cargo", "Poplin", "Oxford"]),
        ("rating", ["Chino", "Oxford", "Poplin", "Cargo"]),
    ],
)
def test_each_sort_orders_the_listing(client, wardrobe, sort, expected):
    assert result_names(client, {"sort": sort}) == expected


def test_a_category_sorts_best_sellers_first_by_default_and_all_products_newest_first(client, wardrobe):
    assert result_names(client) == ["Poplin", "Chino", "Oxford", "Cargo"]
    assert result_names(client, url="/kg/products/") == ["Cargo", "Chino", "Poplin", "Oxford"]


def test_an_unknown_sort_falls_back_to_the_default(client, wardrobe):
    response = client.get("/kg/c/men/", {"sort": "zzz"})

    assert response.context["filters"].sort == "best"
    assert [p.name for p in response.context["listing"].products] == ["Poplin", "Chino", "Oxford", "Cargo"]


def test_a_fixed_market_price_sorts_by_the_price_shown(client, wardrobe):
    cargo = Product.objects.get(name="Cargo")
    MarketPrice.objects.create(product=cargo, market="KG", price="500.00")

    assert result_names(client, {"sort": "price_asc"}) == ["Cargo", "Oxford", "Poplin", "Chino"]


# --- pages --------------------------------------------------------------------------------------------


@pytest.fixture
def fifty_shirts(db):
    shirts = SubcategoryFactory(category=CategoryFactory(slug="men"), slug="shirts")
    for n in range(50):
        ProductFactory(category=shirts.category, subcategory=shirts, name=f"Shirt {n:02d}", sales_count=n)


def test_a_listing_shows_24_products_a_page(client, fifty_shirts):
    first = listing(client)
    third = listing(client, params={"page": "3"})

    assert PAGE_SIZE == 24
    assert len(first.products) == 24
    assert first.paginator.count == 50
    assert first.paginator.num_pages == 3
    assert [p.name for p in third.products] == ["Shirt 01", "Shirt 00"]


@pytest.mark.parametrize(("page", "shown"), [("999999", 3), ("4", 3), ("abc", 1), ("", 1), ("-2", 3)])
def test_a_page_number_that_is_not_a_page_shows_the_first_or_last_page(client, fifty_shirts, page, shown):
    assert listing(client, params={"page": page}).page.number == shown


def test_page_links_keep_the_filters_and_the_sort(client, fifty_shirts):
    response = client.get("/kg/c/men/", {"sort": "new", "brand": "Atelier Nord", "page": "2"})

    html = response.text
    assert "Page 2 of 3" in html
    assert 'rel="prev" href="?sort=new&amp;brand=Atelier+Nord&amp;page=1"' in html
    assert 'rel="next" href="?sort=new&amp;brand=Atelier+Nord&amp;page=3"' in html


def test_a_listing_counts_every_matching_product_not_just_the_page(client, fifty_shirts):
    html = client.get("/kg/c/men/", {"page": "2"}).text

    assert "50 products" in html


# --- parse_filters ------------------------------------------------------------------------------------


def test_parse_filters_reads_every_filter():
    filters = parse_filters(
        QueryDict("sub=shirts&brand=A&brand=B&size=M&color=Red&min=10&max=20.5&in_stock=1&sale=on&sort=rating")
    )

    assert (filters.sub, filters.brand, filters.size, filters.color) == (["shirts"], ["A", "B"], ["M"], ["Red"])
    assert (filters.min, filters.max) == (Decimal("10"), Decimal("20.5"))
    assert (filters.in_stock, filters.sale, filters.sort) == (True, True, "rating")
    assert filters.active_count == 9  # two brands count twice
    assert filters.errors == []


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("sub", "shirts"),
        ("brand", "A"),
        ("size", "M"),
        ("color", "Red"),
        ("min", "10"),
        ("max", "20"),
        ("in_stock", "1"),
        ("sale", "on"),
    ],
)
def test_parse_filters_reads_a_filter_given_alone_beside_a_search_and_a_page(parameter, value):
    filters = parse_filters(QueryDict(f"q=linen&page=2&{parameter}={value}"))

    assert filters.active_count == 1


def test_parse_filters_of_a_query_without_filters_are_the_defaults_with_the_listings_sort():
    assert parse_filters(QueryDict("q=linen+shirt&page=3"), default_sort="new") == Filters(sort="new")
    assert parse_filters(QueryDict("sort=rating&q=linen")).sort == "rating"


def test_parse_filters_keeps_at_most_twenty_distinct_clean_values_of_a_filter():
    query = QueryDict(mutable=True)
    query.setlist("brand", [f"Brand {n}" for n in range(50)])
    query.setlist("size", ["M", " M ", "M\x00", "\x01\x02", "L" * 300])

    filters = parse_filters(query)

    assert filters.brand == [f"Brand {n}" for n in range(MAX_VALUES)]
    assert filters.size == ["M", "L" * 100]


def test_parse_filters_drops_a_bad_price_with_a_message_and_falls_back_to_the_default_sort():
    filters = parse_filters(QueryDict("min=abc&max=-5&sort=zzz"), default_sort="new")

    assert (filters.min, filters.max, filters.sort) == (None, None, "new")
    assert len(filters.errors) == 1


def test_parse_filters_keeps_the_good_half_of_a_price_range():
    filters = parse_filters(QueryDict("min=abc&max=50"))

    assert (filters.min, filters.max) == (None, Decimal("50"))
