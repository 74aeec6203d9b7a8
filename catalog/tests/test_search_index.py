"""Language-aware search and the stored search columns: stemming per language, typos, freshness
after saves and renames, batched rebuilds, the migration that fills them, and the market rule.

Search behaves the same on both databases; where PostgreSQL stores columns (and SQLite reads the
text directly), a test also checks the stored columns on PostgreSQL."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import SKU, Product
from catalog.search import TYPO_SIMILARITY, search_products, suggest
from catalog.search_index import (
    MATCH_FIELD,
    SEARCH_FIELDS,
    facet_values_of,
    refresh_in_batches,
    refresh_search_vectors,
    unindexed_products,
)
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from catalog.tests.test_search import product_indexes
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

POSTGRESQL = "postgresql"
PER_MARKET_MIGRATION = "catalog.migrations.0014_search_indexes_per_market_facet_columns"
MATCHED_ONCE_MIGRATION = "catalog.migrations.0015_product_search_vector_matched_once"
FILL_MIGRATION = "catalog.migrations.0009_product_search_vectors"


def kg_products():
    return Product.objects.active().for_market(MARKETS["KG"])


def us_products():
    return Product.objects.active().for_market(MARKETS["US"])


def names(queryset, query, *, language="ru"):
    return [p.name for p in search_products(queryset, query, language=language).order_by("-search_rank", "-id")]


def stored(product):
    """The product's stored search columns, as the database holds them."""
    return Product.objects.filter(pk=product.pk).values(*SEARCH_FIELDS).get()


def clear_search_columns():
    Product.objects.update(search_vector_en=None, search_vector_ru=None, search_vector_ky=None, search_text="")


@pytest.fixture
def midi_dress():
    return ProductFactory(
        name="Midi Dress", name_ru="Платье миди", name_ky="Миди көйнөк", brand="Saima Studio", description="Crepe."
    )


@pytest.fixture
def quilted_jacket():
    return ProductFactory(
        name="Quilted Jacket", name_ru="Куртка стеганая", brand="Tengri Wool", description="Quilted and warm."
    )


@pytest.fixture
def linen_shirt():
    return ProductFactory(name="Linen Shirt", brand="Issyk Linen", description="Washed linen, cut loose.")


@pytest.mark.parametrize("query", ["платье", "платья", "Платье", "ПЛАТЬЯ"])
def test_a_russian_word_in_any_form_finds_the_russian_name(midi_dress, quilted_jacket, query):
    assert names(kg_products(), query) == ["Midi Dress"]


@pytest.mark.parametrize("query", ["куртка", "куртки", "куртку"])
def test_every_form_of_kurtka_finds_the_jacket(midi_dress, quilted_jacket, query):
    assert names(kg_products(), query) == ["Quilted Jacket"]


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_an_english_plural_finds_the_singular(linen_shirt, quilted_jacket, language):
    assert names(kg_products(), "shirts", language=language) == ["Linen Shirt"]


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_every_language_is_matched_whatever_the_shoppers(midi_dress, language):
    # A KG shopper reading Russian who types English, or reading English who types Russian.
    assert names(kg_products(), "midi dress", language=language) == ["Midi Dress"]
    assert names(kg_products(), "платье миди", language=language) == ["Midi Dress"]
    assert names(kg_products(), "көйнөк", language=language) == ["Midi Dress"]


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_one_typo_still_finds_the_product(linen_shirt, language):
    sneakers = ProductFactory(name="Court Sneakers", brand="Stride")

    assert names(kg_products(), "snekers", language=language) == [sneakers.name]


def test_a_typo_in_a_russian_name_still_finds_it(quilted_jacket):
    assert names(kg_products(), "курттка") == ["Quilted Jacket"]


def test_a_name_in_the_shoppers_language_ranks_above_a_category_name():
    dresses = CategoryFactory(name="Dresses", name_ru="Платья")
    in_category = ProductFactory(name="Wrap Midi", category=dresses, subcategory=None)
    named = ProductFactory(name="Evening Gown", name_ru="Вечернее платье")

    found = names(kg_products(), "платье")

    if connection.vendor == POSTGRESQL:
        assert found == [named.name, in_category.name]
    else:
        # Without stemming "Платья" is not "платье", and typos count only when nothing matches as typed.
        assert found == [named.name]


def test_the_colors_of_active_skus_are_searched(quilted_jacket, linen_shirt):
    SKUFactory(product=quilted_jacket, color="Black")
    SKUFactory(product=linen_shirt, color="Ecru", is_active=False)

    assert names(kg_products(), "black jacket", language="en") == ["Quilted Jacket"]
    assert names(kg_products(), "ecru", language="en") == []


def test_search_never_shows_another_markets_products():
    ProductFactory(name="Midi Dress KG", name_ru="Платье миди", market="KG")
    ProductFactory(name="Midi Dress Everywhere", name_ru="Платье миди", market="ALL")
    ProductFactory(name="Midi Dress US", name_ru="Платье миди", market="US")
    ProductFactory(name="Zorblax Sneakers US", market="US")

    for query in ("платья", "midi dresses", "midl dress", "plate"):
        found = names(kg_products(), query)
        assert "Midi Dress US" not in found
    assert sorted(names(kg_products(), "платья")) == ["Midi Dress Everywhere", "Midi Dress KG"]
    assert sorted(names(us_products(), "dress", language="en")) == ["Midi Dress Everywhere", "Midi Dress US"]
    assert names(kg_products(), "zorblax") == []
    assert names(kg_products(), "zorblaks") == []
    assert "Zorblax Sneakers US" not in [row["name"] for row in suggest(kg_products(), "zorbl")]


def test_an_exact_match_in_another_market_does_not_stop_typo_matching_in_this_one():
    ProductFactory(name="Northfield Parka", market="US")
    ProductFactory(name="Northfeld Coat", market="KG")

    assert names(kg_products(), "northfield", language="en") == ["Northfeld Coat"]
    assert names(us_products(), "northfield", language="en") == ["Northfield Parka"]


def test_suggestions_find_russian_words_and_typos(midi_dress, quilted_jacket):
    assert [row["name"] for row in suggest(kg_products(), "платья", language="ru")] == ["Midi Dress"]
    assert [row["name"] for row in suggest(kg_products(), "kurtka jacket", language="ru")] == []
    assert [row["name"] for row in suggest(kg_products(), "quilte", language="ru")] == ["Quilted Jacket"]


# Keeping the columns fresh ---------------------------------------------------------------------


def test_a_saved_product_gets_its_search_columns_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        product = Product.objects.create(
            name="Wool Coat", slug="wool-coat", brand="Tengri Wool", category=CategoryFactory(), price="9900"
        )
    assert stored(product)["search_vector_en"] is None
    for callback in callbacks:
        callback()

    columns = stored(product)
    if connection.vendor == POSTGRESQL:
        assert "'coat':2A" in columns["search_vector_en"]
        assert columns["search_text"] == "wool coat tengri wool"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_vector = search_vector_en || search_vector_ru || search_vector_ky"
                " FROM catalog_product WHERE id = %s",
                [product.pk],
            )
            assert cursor.fetchone() == (True,)  # every language's words, matched at once
    else:
        assert columns["search_vector_en"] is None  # SQLite searches the text columns themselves
        assert columns[MATCH_FIELD] is None
    assert names(kg_products(), "coats", language="en") == ["Wool Coat"]


def test_renaming_a_product_refreshes_its_columns(django_capture_on_commit_callbacks, linen_shirt):
    linen_shirt.name, linen_shirt.name_ru = "Linen Tunic", "Льняная туника"
    with django_capture_on_commit_callbacks(execute=True):
        linen_shirt.save()

    assert names(kg_products(), "tunics", language="en") == ["Linen Tunic"]
    assert names(kg_products(), "туники") == ["Linen Tunic"]


def refreshes(callbacks):
    """The search columns' refreshes among a transaction's commit callbacks (other modules, such as
    the shared page cache, register their own)."""
    return [c for c in callbacks if getattr(getattr(c, "func", c), "__module__", "") == "catalog.search_index"]


def test_a_save_that_leaves_the_text_alone_refreshes_nothing(django_capture_on_commit_callbacks, linen_shirt):
    with django_capture_on_commit_callbacks() as callbacks:
        linen_shirt.sales_count = 12
        linen_shirt.save(update_fields=["sales_count"])
    assert refreshes(callbacks) == []

    with django_capture_on_commit_callbacks() as callbacks:
        linen_shirt.save(update_fields=["name_ru"])
    assert len(refreshes(callbacks)) == (connection.vendor == POSTGRESQL)


@pytest.mark.parametrize("model", ["category", "subcategory"])
def test_renaming_a_category_refreshes_its_products(django_capture_on_commit_callbacks, model):
    subcategory = SubcategoryFactory(name="Outerwear", category=CategoryFactory(name="Layers"))
    ProductFactory(name="Quilted Jacket", category=subcategory.category, subcategory=subcategory)
    ProductFactory(name="Linen Shirt")
    renamed = subcategory if model == "subcategory" else subcategory.category
    old_name = renamed.name
    renamed.name, renamed.name_ru = "Parkas", "Парки"

    with django_capture_on_commit_callbacks(execute=True):
        renamed.save()

    assert names(kg_products(), "parka", language="en") == ["Quilted Jacket"]
    assert names(kg_products(), "парка") == ["Quilted Jacket"]
    assert names(kg_products(), old_name, language="en") == []


def test_saving_a_category_without_renaming_it_refreshes_nothing(django_capture_on_commit_callbacks):
    category = CategoryFactory(name="Layers")
    ProductFactory(category=category)
    category.sort_order = 5

    with django_capture_on_commit_callbacks() as callbacks:
        category.save()

    assert refreshes(callbacks) == []


def test_a_skus_color_change_or_deletion_refreshes_its_product(django_capture_on_commit_callbacks, quilted_jacket):
    sku = SKUFactory(product=quilted_jacket, color="Black")
    sku.color = "Olive"
    with django_capture_on_commit_callbacks(execute=True):
        sku.save()
    assert names(kg_products(), "olive", language="en") == ["Quilted Jacket"]
    assert names(kg_products(), "black", language="en") == []

    with django_capture_on_commit_callbacks(execute=True):
        sku.delete()
    assert names(kg_products(), "olive", language="en") == []


def facets_of(product):
    row = Product.objects.filter(pk=product.pk).values("facet_sizes", "facet_colors").get()
    return sorted(facet_values_of([row["facet_sizes"]])), sorted(facet_values_of([row["facet_colors"]]))


def test_a_products_sizes_and_colors_are_kept_for_the_facets(django_capture_on_commit_callbacks, quilted_jacket):
    if connection.vendor != POSTGRESQL:
        return  # other databases count their SKUs
    with django_capture_on_commit_callbacks(execute=True):
        small = SKUFactory(product=quilted_jacket, size="S", color="Black")
        SKUFactory(product=quilted_jacket, size="M", color="Black")
        SKUFactory(product=quilted_jacket, size="L", color="Sand", is_active=False)
    assert facets_of(quilted_jacket) == (["M", "S"], ["Black"])

    small.size, small.color = "XS", "Olive"
    with django_capture_on_commit_callbacks(execute=True):
        small.save()
    assert facets_of(quilted_jacket) == (["M", "XS"], ["Black", "Olive"])

    with django_capture_on_commit_callbacks(execute=True):
        SKU.objects.get(product=quilted_jacket, size="L").delete()
        for sku in SKU.objects.filter(product=quilted_jacket):
            sku.is_active = False
            sku.save()
    assert facets_of(quilted_jacket) == ([], [])
    assert Product.objects.filter(pk=quilted_jacket.pk, facet_sizes=None, facet_colors=None).exists()


def test_the_facet_migration_fills_the_columns_as_the_module_builds_them(linen_shirt, midi_dress):
    SKUFactory(product=midi_dress, size="", color="Black")
    SKUFactory(product=midi_dress, size="M", color="Black")
    migration = importlib.import_module(PER_MARKET_MIGRATION)
    if connection.vendor != POSTGRESQL:
        editor = _RecordingEditor()
        migration.fill_facet_columns(apps, editor)
        migration.index_per_market(apps, editor)
        assert editor.executed == []
        return
    refresh_search_vectors()
    built = {product.pk: facets_of(product) for product in (linen_shirt, midi_dress)}
    Product.objects.update(facet_sizes=None, facet_colors=None)
    with connection.schema_editor() as editor:
        migration.fill_facet_columns(apps, editor)

    assert {pk: facets_of(Product(pk=pk)) for pk in built} == built
    assert built[midi_dress.pk] == (["", "M"], ["Black"])


def test_the_saves_of_one_transaction_are_refreshed_by_one_update(django_capture_on_commit_callbacks, linen_shirt):
    with django_capture_on_commit_callbacks() as callbacks:
        linen_shirt.name = "Linen Tunic"
        linen_shirt.save()
        SKUFactory(product=linen_shirt, color="Sand")
        SKUFactory(product=linen_shirt, color="Ecru")
    with CaptureQueriesContext(connection) as captured:
        for callback in callbacks:
            callback()

    updates = [q for q in captured if q["sql"].startswith("UPDATE")]
    assert len(updates) == (connection.vendor == POSTGRESQL)
    assert names(kg_products(), "tunic sand", language="en") == ["Linen Tunic"]


def test_refresh_in_batches_updates_every_product_a_batch_at_a_time():
    products = [ProductFactory() for _ in range(5)]
    clear_search_columns()

    with CaptureQueriesContext(connection) as captured:
        updated = refresh_in_batches(batch_size=2)

    if connection.vendor != POSTGRESQL:
        assert updated == 0
        return
    assert updated == 5
    assert len([q for q in captured if q["sql"].startswith("UPDATE")]) == 3
    assert all(stored(product)["search_vector_ru"] for product in products)
    assert not unindexed_products().exists()
    # Nothing changed since: no row is written again.
    assert refresh_in_batches(batch_size=2) == 0
    assert refresh_search_vectors([]) == 0


def test_refresh_in_batches_refuses_an_empty_batch():
    if connection.vendor != POSTGRESQL:
        assert refresh_in_batches(batch_size=0) == 0
        return
    with pytest.raises(ValueError, match="batch_size"):
        refresh_in_batches(batch_size=0)


def test_rebuild_search_index_command_rebuilds_every_product(linen_shirt, midi_dress):
    clear_search_columns()
    output = StringIO()

    call_command("rebuild_search_index", "--batch-size", "1", "--no-progress", stdout=output)

    if connection.vendor != POSTGRESQL:
        assert "nothing to rebuild" in output.getvalue()
        return
    assert "Search columns of 2 products rebuilt" in output.getvalue()
    assert "(2 changed)" in output.getvalue()
    assert stored(midi_dress)["search_text"] == "midi dress платье миди миди көйнөк saima studio"
    assert "'плат':1A" in stored(midi_dress)["search_vector_ru"]


def test_rebuild_search_index_missing_builds_only_what_was_never_built(linen_shirt, midi_dress):
    Product.objects.filter(pk=midi_dress.pk).update(search_vector_en=None)
    output = StringIO()

    call_command("rebuild_search_index", "--missing", "--no-progress", stdout=output)

    if connection.vendor == POSTGRESQL:
        assert "Search columns of 1 products rebuilt" in output.getvalue()
        assert "(1 changed)" in output.getvalue()
        assert not unindexed_products().exists()


def test_rebuild_search_index_rejects_a_batch_size_below_one():
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rebuild_search_index", "--batch-size", "0")


# The migration and the database settings ----------------------------------------------------


class _RecordingEditor:
    def __init__(self):
        self.connection = connection
        self.executed = []

    def execute(self, sql, params=()):
        self.executed.append(sql)

    def quote_name(self, name):
        return connection.ops.quote_name(name)


def test_the_migration_fills_the_columns_as_the_module_builds_them(linen_shirt, midi_dress):
    SKUFactory(product=midi_dress, color="Black")
    migration = importlib.import_module(FILL_MIGRATION)
    built = {product.pk: stored(product) for product in (linen_shirt, midi_dress)}
    clear_search_columns()

    if connection.vendor != POSTGRESQL:
        editor = _RecordingEditor()
        migration.fill_search_columns(apps, editor)
        migration.create_search_indexes(apps, editor)
        migration.drop_search_indexes(apps, editor)
        assert editor.executed == []
        assert stored(midi_dress)["search_vector_en"] is None
        return
    with connection.schema_editor() as editor:
        migration.fill_search_columns(apps, editor)

    assert {pk: stored(Product(pk=pk)) for pk in built} == built


def indexes_through(*steps):
    """The product table's indexes before `steps` (each a list of a migration's functions, run in
    one schema editor) and after each."""
    seen = [product_indexes()]
    for step in steps:
        with connection.schema_editor() as editor:
            for operation in step:
                operation(apps, editor)
        seen.append(product_indexes())
    return seen


def test_the_migration_indexes_run_both_ways():
    migration = importlib.import_module(FILL_MIGRATION)
    if connection.vendor != POSTGRESQL:
        return
    before, between, after = indexes_through(
        [migration.drop_search_indexes, migration.create_expression_indexes],
        [migration.drop_expression_indexes, migration.create_search_indexes],
    )

    assert not set(migration.INDEXES) & between
    assert "catalog_product_search_idx" in between
    # 0009's indexes over the whole catalog, which 0014 replaced with each market's own.
    assert after == before | set(migration.INDEXES)


def test_the_per_market_indexes_run_both_ways():
    migration = importlib.import_module(PER_MARKET_MIGRATION)
    matched_once = importlib.import_module(MATCHED_ONCE_MIGRATION)
    if connection.vendor != POSTGRESQL:
        return
    indexes_through([matched_once.match_per_language])  # the indexes as 0014 left them
    before, between, after = indexes_through([migration.index_whole_catalog], [migration.index_per_market])

    per_market = {
        f"catalog_product_search_{column}_{market}"
        for column in ("en", "ru", "ky", "text_trgm")
        for market in ("kg", "us")
    }
    assert per_market <= before and not per_market & between
    assert {"catalog_product_search_en", "catalog_product_search_text_trgm"} <= between
    assert after == before


def test_the_index_of_every_languages_vector_runs_both_ways():
    migration = importlib.import_module(MATCHED_ONCE_MIGRATION)
    if connection.vendor != POSTGRESQL:
        return
    before, between, after = indexes_through([migration.match_per_language], [migration.match_once])

    matched_once = {"catalog_product_search_kg", "catalog_product_search_us"}
    per_language = {
        f"catalog_product_search_{language}_{market}" for language in ("en", "ru", "ky") for market in ("kg", "us")
    }
    assert matched_once <= before and not per_language & before
    assert per_language <= between and not matched_once & between
    assert after == before


def test_the_migration_fills_every_languages_vector_from_the_language_columns(midi_dress, linen_shirt):
    migration = importlib.import_module(MATCHED_ONCE_MIGRATION)
    if connection.vendor != POSTGRESQL:
        return
    expected = {product.pk: stored(product)[MATCH_FIELD] for product in (midi_dress, linen_shirt)}
    Product.objects.update(**{MATCH_FIELD: None})

    with connection.schema_editor() as editor:
        migration.fill_search_vector(apps, editor)

    filled = {product.pk: stored(product)[MATCH_FIELD] for product in (midi_dress, linen_shirt)}
    assert filled == expected
    assert all(filled.values())


def test_postgresql_connections_forgive_a_typo_at_the_search_threshold():
    if connection.vendor != POSTGRESQL:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')")
        (threshold,) = cursor.fetchone()

    assert float(threshold) == TYPO_SIMILARITY


# Pages and the API ----------------------------------------------------------------------------


def test_the_kg_search_page_in_russian_finds_a_dress_by_its_russian_name(client, midi_dress, quilted_jacket):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    response = client.get("/kg/search/", {"q": "платья"})

    assert response.status_code == 200
    assert [p.name for p in response.context["listing"].products] == ["Midi Dress"]
    assert "Платье миди" in response.text


def test_the_api_search_finds_a_jacket_by_its_russian_name(client, quilted_jacket):
    response = client.get("/api/v1/products/search", {"q": "куртки", "market": "KG"})

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == ["Quilted Jacket"]
