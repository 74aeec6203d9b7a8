"""Product search: weighting, typo tolerance, suggestions, corrections, market isolation, hostile input."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Value
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog import search
from catalog.facets import refresh_listing_facets
from catalog.listing import SEARCH_ORDER, live_counts, parse_filters, search_facet_values
from catalog.models import SKU, Product
from catalog.pricing import MarketPricing
from catalog.search import FEW_RESULTS, MAX_QUERY_LENGTH, clean_query, did_you_mean, search_products, suggest
from catalog.selectors import market_products
from catalog.tests.conftest import without_tokens
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

# Each market's own: a search reads only its market's entries.
SEARCH_INDEXES = {
    f"catalog_product_search_{column}{market}" for column in ("", "text_trgm_") for market in ("kg", "us")
}
# Migration 0004's expression indexes, which 0008 replaced with the stored columns' indexes.
EXPRESSION_INDEXES = {"catalog_product_name_trgm", "catalog_product_brand_trgm", "catalog_product_search_idx"}

HOSTILE_QUERIES = [
    "%",
    "_",
    "%_%",
    "'",
    '"',
    "\\",
    "\\'; DROP TABLE catalog_product; --",
    "&",
    "|",
    "!",
    ":*",
    "snea:* & !linen | (court",
    "<->",
    "-",
    '"unterminated',
    "100%",
    "O'Neil",
    "a\x00b",
    "((()))",
    "?*+[",
]


def kg_products():
    return Product.objects.active().for_market(MARKETS["KG"])


def ranked_names(queryset, query):
    return [p.name for p in search_products(queryset, query).order_by("-search_rank", "-id")]


def product(name, *, brand="Atelier Nord", description="", **kwargs):
    return ProductFactory(name=name, brand=brand, description=description, **kwargs)


@pytest.fixture
def sneakers():
    return product("Court Sneakers", brand="Stride")


def test_clean_query_collapses_whitespace_drops_control_characters_and_cuts():
    assert clean_query("  court \t\n  sneakers\x00\x07 ") == "court sneakers"
    assert clean_query(None) == ""
    assert clean_query("\x00 \x1b") == ""
    assert len(clean_query("sneakers " * 40)) <= MAX_QUERY_LENGTH
    assert clean_query("x" * 300) == "x" * MAX_QUERY_LENGTH


def test_name_match_ranks_above_brand_above_category_above_description():
    product("Plain Tee", description="Knitted like a zephyr breeze.")
    product("Rain Shell", category=CategoryFactory(name="Zephyr Line"))
    product("Wool Coat", brand="Zephyr")
    product("Zephyr Parka", brand="Nordic")
    product("Linen Shirt")

    assert ranked_names(kg_products(), "zephyr") == ["Zephyr Parka", "Wool Coat", "Rain Shell", "Plain Tee"]


def test_search_rank_is_a_float_and_earlier_annotations_are_kept(sneakers):
    found = search_products(kg_products().annotate(marker=Value(7)), "sneakers").get()

    assert isinstance(found.search_rank, float)
    assert found.search_rank > 0
    assert found.marker == 7


def test_search_matches_subcategory_names_and_products_without_a_subcategory():
    boots = SubcategoryFactory(name="Chelsea Boots")
    product("Suede Pair", subcategory=boots, category=boots.category)
    product("Chelsea Loafer", subcategory=None)

    assert sorted(ranked_names(kg_products(), "chelsea")) == ["Chelsea Loafer", "Suede Pair"]


def test_a_product_with_every_word_comes_first():
    product("Court Shoes", brand="Stride")
    product("Court Sneakers", brand="Stride")

    # "Court Shoes" lacks "sneakers", and typos only count when no product has every word.
    assert ranked_names(kg_products(), "court sneakers") == ["Court Sneakers"]


def test_a_typo_still_finds_the_product(sneakers):
    product("Linen Shirt")

    # PostgreSQL through trigram word similarity; SQLite by retrying with words one typo away.
    assert ranked_names(kg_products(), "snekers") == ["Court Sneakers"]


def test_search_matches_cyrillic_words_in_any_case():
    product("Кроссовки белые", brand="Шаг")

    assert ranked_names(kg_products(), "КРОССОВКИ") == ["Кроссовки белые"]


def test_search_results_are_lazy(django_assert_max_num_queries):
    # At most the PostgreSQL probe (does any product have the words as typed?) runs at once.
    with django_assert_max_num_queries(1):
        results = search_products(kg_products(), "snekers")

    assert list(results) == []


def test_search_never_shows_another_markets_products():
    product("Court Sneakers KG", market="KG")
    product("Court Sneakers Everywhere", market="ALL")
    product("Court Sneakers US", market="US")
    product("Zorblax Boots", market="US")
    queryset = kg_products()

    assert sorted(ranked_names(queryset, "sneakers")) == ["Court Sneakers Everywhere", "Court Sneakers KG"]
    assert sorted(ranked_names(queryset, "snekers")) == ["Court Sneakers Everywhere", "Court Sneakers KG"]
    assert "Court Sneakers US" not in [item["name"] for item in suggest(queryset, "court")]
    assert ranked_names(queryset, "zorblax") == []
    assert did_you_mean(queryset, "zorblaks") == []


def test_search_never_shows_inactive_products(sneakers):
    product("Court Sneakers Retired", is_active=False)

    assert ranked_names(kg_products(), "sneakers") == ["Court Sneakers"]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_special_characters_never_raise(query):
    product("Plain Tee")

    assert list(search_products(kg_products(), query)) == []
    assert isinstance(suggest(kg_products(), query), list)
    assert isinstance(did_you_mean(kg_products(), query), list)


@pytest.mark.parametrize("query", ["%", "_", "%_%", "\\"])
def test_like_wildcards_match_only_themselves(query):
    product("Plain Tee")

    assert ranked_names(kg_products(), query) == []


@pytest.mark.parametrize("query", ["x" * 300, "sneakers " + "x" * 291, "snekers " * 40])
def test_a_300_character_query_does_not_raise(sneakers, query):
    assert all(p.name == "Court Sneakers" for p in search_products(kg_products(), query))
    assert len(suggest(kg_products(), query)) <= 1
    assert len(did_you_mean(kg_products(), query)) <= 3


def test_searching_an_empty_queryset_finds_nothing(sneakers):
    nothing = Product.objects.none()

    assert list(search_products(nothing, "snekers")) == []
    assert suggest(nothing, "sne") == []
    assert did_you_mean(nothing, "snekers") == []


def test_one_character_and_empty_queries_do_not_raise(sneakers):
    assert isinstance(list(search_products(kg_products(), "s")), list)
    assert isinstance(suggest(kg_products(), "s"), list)
    assert did_you_mean(kg_products(), "s") == []
    assert list(search_products(kg_products(), "   ")) == []
    assert suggest(kg_products(), "") == []


def test_suggest_returns_name_slug_and_brand_of_at_most_limit_products(django_assert_num_queries):
    for n in range(5):
        product(f"Court Sneakers {n}", brand="Stride", slug=f"court-sneakers-{n}")

    with django_assert_num_queries(1):
        items = suggest(kg_products(), "sneakers", limit=3)

    assert len(items) == 3
    assert all(set(item) == {"name", "name_ru", "name_ky", "slug", "brand", "image", "renditions"} for item in items)
    assert {item["brand"] for item in items} == {"Stride"}
    assert all(item["slug"].startswith("court-sneakers-") for item in items)


def test_suggestions_of_a_priced_queryset_carry_the_price_in_one_query(django_assert_num_queries):
    product("Court Sneakers", brand="Stride", slug="court-sneakers", market="KG", price=Decimal("4990"))
    priced = market_products(MarketPricing.load(MARKETS["KG"]))

    with django_assert_num_queries(1):
        items = suggest(priced, "sneakers")

    assert [item["market_price"] for item in items] == [Decimal("4990.00")]


def test_suggest_puts_the_best_match_first():
    product("Stride Runner", brand="Court Classics")
    product("Court Sneakers", brand="Stride")

    assert [item["name"] for item in suggest(kg_products(), "court")] == ["Court Sneakers", "Stride Runner"]


def test_did_you_mean_corrects_a_misspelled_word(sneakers, django_assert_max_num_queries):
    # Told how many products the search found (as the search page and API are), it reads only its vocabulary.
    with django_assert_max_num_queries(1):
        corrections = did_you_mean(kg_products(), "snekers", found=0)

    assert corrections[0] == "sneakers"
    assert len(corrections) <= 3


def test_did_you_mean_counts_the_results_itself_when_not_told(sneakers):
    assert did_you_mean(kg_products(), "court snekr")[0] == "court sneakers"
    assert did_you_mean(kg_products(), "snekers", found=FEW_RESULTS) == []


def test_did_you_mean_keeps_the_words_it_knows(sneakers):
    assert did_you_mean(kg_products(), "court snekers")[0] == "court sneakers"


def test_did_you_mean_is_quiet_when_the_search_finds_plenty():
    for n in range(3):
        product(f"Court Sneakers {n}")

    assert did_you_mean(kg_products(), "sneakers") == []
    assert did_you_mean(kg_products(), "snekers") == []


def test_did_you_mean_is_quiet_for_words_the_catalog_knows(sneakers):
    assert did_you_mean(kg_products(), "sneakers") == []


def product_indexes():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Product._meta.db_table))


def plan(results):
    """The plan of `results` in the search page's order when PostgreSQL may not read the whole table
    (a few test rows make a sequential scan cheapest; the catalog's size does not)."""
    planned_as_at_scale()
    return results.order_by(*SEARCH_ORDER).explain()


def planned_as_at_scale():
    """For the rest of the test's transaction, PostgreSQL plans as for a catalog of thousands: no
    sequential scan, and no walk of the index of every active product of a market (which a handful
    of rows makes cheapest, and a real catalog makes the slowest). The statistics are the test's
    rows, and the GIN indexes hold no pending entries, as after a vacuum: the rows earlier tests
    inserted and rolled back leave a pending list that makes every GIN lookup look dear."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("DROP INDEX IF EXISTS product_mkt_active_stock_idx")  # rolled back with the test
        cursor.execute("ANALYZE catalog_product")
        for index in SEARCH_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])


def explained_as_at_scale(sql):
    """PostgreSQL's plan of `sql`, planned as for a catalog of thousands (`planned_as_at_scale`)."""
    planned_as_at_scale()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_columns_are_indexed_on_postgresql_only():
    indexes = product_indexes()
    assert not EXPRESSION_INDEXES & indexes
    if connection.vendor != "postgresql":
        assert not SEARCH_INDEXES & indexes
        return
    assert indexes >= SEARCH_INDEXES


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_postgresql_matches_words_through_the_gin_indexes(sneakers, language):
    if connection.vendor != "postgresql":
        assert search_products(kg_products(), "sneakers", language=language).get() == sneakers
        return
    with CaptureQueriesContext(connection) as run:
        results = search_products(kg_products(), "sneakers", language=language)
    (matching,) = run.captured_queries
    explained = explained_as_at_scale(matching["sql"])

    # The words are matched once, through the market's own index (and nothing else: no bitmap of
    # the market's products to intersect, no index per language); the results are then read by
    # their ids.
    assert explained.count("Bitmap Index Scan on catalog_product_search_kg") == 1
    assert "BitmapAnd" not in explained and "BitmapOr" not in explained
    assert "product_mkt_active_stock_idx" not in explained
    assert "catalog_product_search_text_trgm" not in explained
    read = plan(results)
    assert "Index Cond: (id = ANY (" in read
    assert "catalog_product_search" not in read
    assert list(results) == [sneakers]


def test_a_word_most_products_share_is_matched_in_each_query(sneakers, monkeypatch):
    monkeypatch.setattr(search, "MAX_NAMED_IDS", 0)

    results = search_products(kg_products(), "sneakers", language="en")

    assert list(results) == [sneakers]
    if connection.vendor != "postgresql":
        return
    explained = plan(results)
    assert "Bitmap Index Scan on catalog_product_search_kg" in explained
    assert "catalog_product_pkey" not in explained


@pytest.mark.parametrize(
    ("query", "readings"),
    [
        # English, Russian (which stems Latin words as English does) and Kyrgyz ("simple") read
        # these words alike: one reading.
        ("linen shirt", "'linen' & 'shirt'"),
        # "sneakers" is stemmed in English and Russian, and kept as typed in Kyrgyz: two.
        ("sneakers", "'sneaker' | 'sneakers'"),
        # Russian stems "платья"; English and Kyrgyz keep it as typed.
        ("платья", "'платья' | 'плат'"),
    ],
)
def test_each_distinct_reading_of_the_words_is_looked_up_once(sneakers, query, readings):
    if connection.vendor != "postgresql":
        return
    # Matched where they are typed (a filtered search's queries, suggestions): PostgreSQL folds the
    # readings into one tsquery when it plans the query.
    explained = plan(search._matching(kg_products(), query, "en"))
    quoted = readings.replace("'", "''")
    assert f"Index Cond: (search_vector @@ '{quoted}'::tsquery)" in explained

    # In a search's prepared statement, whose plan holds no words: the readings are worked out once
    # a run, from its table of them, into the one tsquery its index lookup reads.
    quote = connection.ops.quote_name
    # Each reading as the statement writes it (a raw SQL expression, in brackets).
    either, params = search._distinct_or([(f"({column})", ()) for column in search._reading_columns(quote).values()])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {quote(search.WORDS_TABLE)} AS ({search._words_table(quote)}) "  # noqa: S608 - constants
            f"SELECT ({either})::text FROM {quote(search.WORDS_TABLE)}",
            (query, *params),
        )
        assert cursor.fetchone() == (readings,)
    with CaptureQueriesContext(connection) as run:
        search_products(kg_products(), query)
    (statement,) = run.captured_queries
    assert f"@@ ({either})" in statement["sql"]


def test_postgresql_matches_typos_through_the_trigram_index(sneakers):
    if connection.vendor != "postgresql":
        assert search_products(kg_products(), "snekers").get() == sneakers
        return
    explained = plan(search_products(kg_products(), "snekers"))

    assert "Bitmap Index Scan on catalog_product_search_text_trgm_kg" in explained
    assert "search_text %> 'snekers'" in explained


class TestSearchPage:
    def test_finds_a_product_despite_a_typo(self, client, sneakers):
        response = client.get("/kg/search/", {"q": "snekers"})

        assert response.status_code == 200
        assert "Court Sneakers" in response.text
        assert "<html" in response.text

    def test_htmx_request_gets_only_the_listing(self, client, sneakers):
        response = client.get("/kg/search/", {"q": "sneakers"}, headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert "Court Sneakers" in response.text
        assert "<html" not in response.text
        assert 'id="listing"' in response.text

    def test_hides_another_markets_products(self, client):
        product("Court Sneakers US", market="US")

        response = client.get("/kg/search/", {"q": "sneakers"})

        assert response.status_code == 200
        assert "Court Sneakers US" not in response.text

    def test_results_take_the_listing_filters_and_sorts(self, client):
        product("Court Sneakers Premium", brand="Stride", price="5990.00")
        product("Court Sneakers Basic", brand="Stride", price="1990.00")
        product("Court Sneakers Other", brand="Elsewhere", price="990.00")

        by_price = client.get("/kg/search/", {"q": "sneakers", "brand": "Stride", "sort": "price_asc"})

        names = [p.name for p in by_price.context["listing"].products]
        assert names == ["Court Sneakers Basic", "Court Sneakers Premium"]

    def test_nothing_found_shows_the_empty_results_help(self, client, sneakers):
        response = client.get("/kg/search/", {"q": "qwxz"})

        assert response.status_code == 200
        assert "/kg/best-sellers/" in response.text

    @pytest.mark.parametrize("query", ["%", "a & b | !c:*", "'\"\\", "x" * 300])
    def test_hostile_queries_get_a_page(self, client, query):
        assert client.get("/kg/search/", {"q": query}).status_code == 200

    def test_queries_do_not_grow_with_results(self, client, django_assert_max_num_queries):
        category = CategoryFactory(name="Footwear")
        counts = []
        for total in (5, 50):
            while Product.objects.count() < total:
                product(f"Court Sneakers {Product.objects.count()}", category=category, subcategory=None)
            client.get("/kg/search/", {"q": "sneakers"})  # warm the caches (rate, navigation)
            # The PostgreSQL probe, the listing's counts, size and color facets, and the page.
            with django_assert_max_num_queries(5) as captured:
                response = client.get("/kg/search/", {"q": "sneakers"})
            assert response.context["listing"].paginator.count == total
            counts.append(len(captured))

        assert counts[0] == counts[1]


class TestSearchSuggestions:
    def test_htmx_request_gets_the_fragment(self, client, sneakers):
        response = client.get("/kg/search/suggestions/", {"q": "sne"}, headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert "Court Sneakers" in response.text
        assert 'id="search-suggestions"' in response.text
        assert "<html" not in response.text

    def test_a_single_character_suggests_nothing(self, client, sneakers):
        response = client.get("/kg/search/suggestions/", {"q": "s"}, headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert "Court Sneakers" not in response.text

    def test_hides_another_markets_products(self, client):
        product("Court Sneakers US", market="US")

        response = client.get("/kg/search/suggestions/", {"q": "court"}, headers={"HX-Request": "true"})

        assert "Court Sneakers US" not in response.text

    def test_query_budget(self, client, sneakers, django_assert_max_num_queries):
        client.get("/kg/search/suggestions/", {"q": "sne"})
        with django_assert_max_num_queries(3):
            client.get("/kg/search/suggestions/", {"q": "sne"}, headers={"HX-Request": "true"})


# --- a search named by id pages through its ranked ids -------------------------------------------------

CARD_NAME = re.compile(r"<h3[^>]*>(.*?)</h3>", re.S)
SIDEBAR_COUNT = re.compile(r'name="(\w+)" value="([^"]*)"[^>]*>\s*<span>[^<]*</span> <span[^>]*>\((\d+)\)</span>')


@pytest.fixture
def linen_rack():
    """Thirty linen products over two pages of results, ranked apart by how often they say "linen"
    and by their sales, with sizes and colors to count."""
    shirts = SubcategoryFactory(category=CategoryFactory(name="Men", slug="men"), name="Shirts", slug="shirts")
    for n in range(30):
        product = ProductFactory(
            category=shirts.category,
            subcategory=shirts,
            name=f"{'Linen ' * (1 + n % 3)}Shirt {n}",
            brand=("Atelier", "Nord")[n % 2],
            sales_count=n * 7 % 11,
            in_stock=n % 4 != 0,
        )
        for size, color in (("S", "White"), ("M", ("Black", "Sand")[n % 2]))[: 1 + n % 2]:
            SKUFactory(product=product, size=size, color=color, stock=n % 4)
    ProductFactory(name="Wool Coat", description="Boiled wool.")


def search_page(client, **query):
    page = client.get("/kg/search/", {"q": "linen", **query}).content.decode()
    return CARD_NAME.findall(page), sorted(SIDEBAR_COUNT.findall(page))


# Past MAX_NAMED_IDS results the words are matched in each query: with none named, with the first
# page's named (25 of 30), and with both pages' named but for the last result.
@pytest.mark.parametrize("named_at_most", [0, 25, 29])
@pytest.mark.parametrize("query", [{}, {"page": "2"}, {"brand": "Nord"}, {"sort": "price_asc"}, {"size": "M"}])
def test_a_search_named_by_id_shows_what_matching_the_words_in_each_query_shows(
    client, linen_rack, monkeypatch, query, named_at_most
):
    named = search_page(client, **query)
    monkeypatch.setattr(search, "MAX_NAMED_IDS", named_at_most)
    cache.clear()

    assert search_page(client, **query) == named
    names, counts = named
    assert "Wool Coat" not in names and counts
    if not query:
        assert len(names) == 24
        # PostgreSQL's rank counts how often the name says it; SQLite's, which fields say it.
        assert names[0].startswith("Linen Linen Linen") or connection.vendor != "postgresql"
    if "page" in query:
        assert len(names) == 6


def test_a_search_without_filters_reads_only_its_pages_products(client, linen_rack):
    if connection.vendor != "postgresql":
        return  # other databases match the words in every query
    with CaptureQueriesContext(connection) as run:
        client.get("/kg/search/", {"q": "linen", "page": "2"})

    sqls = [query["sql"] for query in run.captured_queries]
    (matched,) = [sql for sql in sqls if sql.startswith(f'WITH "{search.WORDS_TABLE}"')]
    (page,) = [sql for sql in sqls if '"catalog_product"."renditions"' in sql]
    # The words are matched and the thirty matches ranked once, with the values the facets count,
    # their SKUs' sizes and colors included: no SKU is read.
    assert "ts_rank" in matched and '"catalog_product"."brand"' in matched
    assert '"catalog_product"."facet_sizes"' in matched and '"catalog_product"."facet_colors"' in matched
    assert not [sql for sql in sqls if 'FROM "catalog_sku"' in sql]
    # Page 2 of 30: the six products it shows, read by id, not all thirty ranked and sorted again.
    assert "ORDER BY" not in page and "ts_rank" not in page and '"catalog_product"."id" IN (' in page

    # Each product is kept priced with its card: another search showing them reads none again.
    with CaptureQueriesContext(connection) as again:
        client.get("/kg/search/", {"q": "linen shirt", "page": "2"})
    assert not [query for query in again.captured_queries if '"catalog_product"."renditions"' in query["sql"]]


def test_a_search_past_its_named_ids_names_the_first_ranked_among_all_and_reads_their_pages_by_id(
    client, linen_rack, monkeypatch
):
    products = kg_products()
    _results, every = search.ranked_search(products, "linen", language="en")
    monkeypatch.setattr(search, "MAX_NAMED_IDS", 25)
    results, first = search.ranked_search(products, "linen", language="en")

    ranked = list(results.order_by(*SEARCH_ORDER).values_list("pk", flat=True))
    assert len(ranked) == 30
    if connection.vendor != "postgresql":
        assert every is None and first is None
        return
    assert every.complete and every.ids == ranked
    # The statement ranks every match and keeps the first 25: the 25 best of all 30, not any 25.
    assert not first.complete and first.groups == {}
    assert first.ids == ranked[:25]

    with CaptureQueriesContext(connection) as run:
        page = client.get("/kg/search/", {"q": "linen"})
    assert page.status_code == 200
    sqls = [query["sql"] for query in run.captured_queries]
    # The results are counted by the listing's own queries; page 1's 24 products are read by id.
    assert [sql for sql in sqls if "COUNT(" in sql]
    (read,) = [sql for sql in sqls if '"catalog_product"."renditions"' in sql]
    assert "ORDER BY" not in read and '"catalog_product"."id" IN (' in read
    cache.clear()
    with CaptureQueriesContext(connection) as run:
        client.get("/kg/search/", {"q": "linen", "page": "2"})
    # Page 2 runs past the named 25: its ids are sorted out of the matches, one query.
    (past,) = [q["sql"] for q in run.captured_queries if q["sql"].startswith('SELECT "catalog_product"."id" AS "pk"')]
    assert "ORDER BY" in past and past.endswith("LIMIT 6 OFFSET 24")


def test_a_searchs_named_rows_count_each_facet_as_counting_its_results_does(linen_rack):
    if connection.vendor != "postgresql":
        return  # other databases never name their results
    # A second subcategory, marked down, so every facet has more than one value to count.
    tops = SubcategoryFactory(category=CategoryFactory(name="Women", slug="women"), name="Tops", slug="tops")
    for n in range(3):
        ProductFactory(
            category=tops.category,
            subcategory=tops,
            name=f"Linen Top {n}",
            brand="Nord",
            price=Decimal("900"),
            original_price=Decimal("1200"),
        )
    # Sand has a Russian name: the label counting shows in Russian.
    for sku in SKU.objects.filter(color="Sand"):
        sku.color_ru = "Песочный"
        sku.save()
    market = MARKETS["KG"]
    products = market_products(MarketPricing.load(market))
    filters = parse_filters(QueryDict())

    with translation.override("ru"):
        base, named = search.ranked_search(products, "linen", language="ru", values=search_facet_values(market))
        assert len(named) == 33
        with CaptureQueriesContext(connection) as tallying:
            tallied = live_counts(base, filters, market, named=named)
        counted = live_counts(base, filters, market)
        # The market's listings are not counted yet: the labels are read for the values found.
        assert [query for query in tallying.captured_queries if 'FROM "catalog_sku"' in query["sql"]]
        assert in_order(tallied) == in_order(counted)
        assert {"value": "Sand", "n": 15, "label": "Песочный"} in tallied["color"]
        assert tallied["flags"]["sale"] == 3 and len(tallied["sub"]) == 2 and len(tallied["brand"]) == 2

        # Once they are, their labels serve and the counts read nothing.
        refresh_listing_facets()
        cache.clear()
        live_counts(base, filters, market, named=named)
        with CaptureQueriesContext(connection) as tallying:
            assert in_order(live_counts(base, filters, market, named=named)) == in_order(counted)
        assert not tallying.captured_queries


def test_a_searchs_subcategory_facet_follows_a_renamed_subcategory(
    client, linen_rack, django_capture_on_commit_callbacks
):
    def subcategory_option():
        page = client.get("/kg/search/", {"q": "linen"}).content.decode()
        (option,) = re.findall(r'name="sub" value="shirts"[^>]*>\s*<span>([^<]*)</span> <span[^>]*>\((\d+)\)', page)
        return option

    assert subcategory_option() == ("Shirts", "30")
    shirts = Product.objects.get(name="Linen Shirt 0").subcategory
    shirts.name = "Camp Shirts"
    with django_capture_on_commit_callbacks(execute=True):
        shirts.save()

    # The subcategory's name is read from kept rows, renewed by a merchandiser's change.
    assert subcategory_option() == ("Camp Shirts", "30")


def in_order(counts):
    """`counts` with each facet's options in one order (the page sorts them when it shows them)."""
    return {
        name: sorted(options, key=repr) if isinstance(options, list) else options for name, options in counts.items()
    }


def test_a_searchs_statement_is_built_once_per_shape_and_finds_what_building_it_afresh_does(linen_rack):
    if connection.vendor != "postgresql":
        return  # other databases never name their results
    market = MARKETS["KG"]
    products = market_products(MarketPricing.load(market))
    search._statements.clear()
    for words in ("linen", "shirt", "linen shirt", "linen 7", "wool"):
        for language in ("en", "ru"):
            with translation.override(language):
                shaped = search.ranked_search(
                    products, words, language=language, values=lambda: search_facet_values(market), shape="KG"
                )
                afresh = search.ranked_search(products, words, language=language, values=search_facet_values(market))
            assert shaped[1] == afresh[1]
            assert list(shaped[0].order_by(*SEARCH_ORDER)) == list(afresh[0].order_by(*SEARCH_ORDER))
    # One statement for each language of the one shape; another shape gets its own.
    assert len(search._statements._items) == 2
    search.ranked_search(products, "linen", values={}, shape="KG, without values")
    assert len(search._statements._items) == 3


def prepared_runs(sql):
    """(generic plans, custom plans, parameter types) of this connection's prepared statement `sql`, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans, parameter_types::text FROM pg_prepared_statements "
            "WHERE statement = %s",
            [sql],
        )
        row = cursor.fetchone()
    return row


def test_a_searchs_statement_is_prepared_once_per_connection_with_its_words_alone_as_a_parameter(client, linen_rack):
    if connection.vendor != "postgresql":
        return  # other databases never name their results
    search._statements.clear()
    client.get("/kg/search/", {"q": "linen"})
    ((sql, _params),) = search._statements._items.values()
    prepared_sql = sql.replace("%s", "$1").replace("%%", "%")
    generic, custom, types = prepared_runs(prepared_sql)
    assert types == "{text}"  # the market, its prices and sales are written into the statement

    searches = ("linen", "shirt", "linen shirt", "linen 7", "wool", "coat", "linen")
    with CaptureQueriesContext(connection) as run:
        for words in searches:
            assert client.get("/kg/search/", {"q": words}).status_code == 200
    after_generic, after_custom, _types = prepared_runs(prepared_sql)
    # One run of the one statement a search, and PostgreSQL soon keeps one plan for all of them.
    assert (after_generic - generic) + (after_custom - custom) == len(searches)
    assert after_generic > generic
    # Logged with its words written in, as any query is.
    statements = [query["sql"] for query in run.captured_queries if query["sql"].startswith('WITH "search_words"')]
    assert len(statements) == len(searches) and "'linen shirt'::text" in statements[2]


def test_without_prepared_statements_a_search_finds_the_same_and_prepares_nothing(client, linen_rack, settings):
    if connection.vendor != "postgresql":
        return  # other databases never name their results
    search._statements.clear()
    prepared = client.get("/kg/search/", {"q": "linen shirt", "page": "2"}).text
    ((sql, _params),) = search._statements._items.values()
    prepared_sql = sql.replace("%s", "$1").replace("%%", "%")
    runs = prepared_runs(prepared_sql)
    assert runs is not None
    settings.SEARCH_PREPARED = False
    cache.clear()

    unprepared = client.get("/kg/search/", {"q": "linen shirt", "page": "2"}).text
    assert without_tokens(unprepared) == without_tokens(prepared) and "Linen Shirt" in unprepared
    assert prepared_runs(prepared_sql) == runs


def test_a_statements_values_are_written_in_as_literals_and_a_percent_sign_survives():
    if connection.vendor != "postgresql":
        return
    sql = search._with_literals(connection, "SELECT %s || '%%' || %s, %s::float, %s", ["50% off", "it's", 0.9, True])
    with connection.cursor() as cursor:
        cursor.execute(sql + "::text || %s", ["!"])
        assert cursor.fetchone() == ("50% off%it's", 0.9, "true!")


def test_a_lazy_searchs_results_are_built_only_when_used_and_are_the_eager_ones(client, linen_rack, monkeypatch):
    if connection.vendor != "postgresql":
        return  # other databases never name their results
    products = market_products(MarketPricing.load(MARKETS["KG"]))
    built = []
    as_typed = search._as_typed
    monkeypatch.setattr(search, "_as_typed", lambda *args: built.append(args) or as_typed(*args))
    client.get("/kg/search/", {"q": "linen"})  # builds the statement of the shape
    built.clear()

    # A page without filters or a sort reads its page and facets from the named rows alone.
    assert client.get("/kg/search/", {"q": "linen"}).status_code == 200
    assert client.get("/kg/search/", {"q": "linen", "page": "2"}).status_code == 200
    assert built == []
    # A filter uses the ranked results: they are built then, once.
    assert "Linen" in client.get("/kg/search/", {"q": "linen", "brand": "Nord"}).content.decode()
    assert len(built) == 1

    lazy, named = search.ranked_search(products, "linen shirt", language="en", lazy=True)
    eager, _named = search.ranked_search(products, "linen shirt", language="en")
    assert named == _named and len(named) == 30
    assert list(lazy.order_by(*SEARCH_ORDER).values_list("pk", "search_rank")) == list(
        eager.order_by(*SEARCH_ORDER).values_list("pk", "search_rank")
    )
