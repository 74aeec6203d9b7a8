"""One search vector holding every language's, which a search matches the words against, once.

A search reads the shopper's words in each language's configuration and, until now, matched each
reading against that language's column through its own GIN index: three index scans and a
bitmap OR for every search, though for most words the three readings are one and the same
(Latin words get the English stemmer in the Russian configuration too). `search_vector` holds the
three vectors together (`||`), and each market has one partial GIN index over it: a search
matches the distinct readings of its words through that one index (`catalog.search`), in a third
of the index work, and ranks by the language columns as before. The per-language GIN indexes no
search reads any more are dropped; the language columns stay, for ranking.

`catalog.search_index` keeps the column with the others; this migration fills it in from them.
On SQLite the column is a plain, unused column and the other operations do nothing.
"""

import django.contrib.postgres.search
from django.db import migrations

BATCH = 5000
FILL = """
UPDATE catalog_product SET search_vector = search_vector_en || search_vector_ru || search_vector_ky
WHERE id > %s AND id <= %s AND search_vector_en IS NOT NULL
"""
# The searches' condition for each market (catalog.models' `for_market` and `active`), as 0014 has it.
MARKETS = {"kg": ("KG", "ALL"), "us": ("US", "ALL")}
LANGUAGE_COLUMNS = {"search_en": "search_vector_en", "search_ru": "search_vector_ru", "search_ky": "search_vector_ky"}


def _where(codes):
    return "is_active AND market IN ({})".format(", ".join(f"'{code}'" for code in codes))


def _matched_once():
    for market, codes in MARKETS.items():
        yield f"catalog_product_search_{market}", f"USING gin (search_vector) WHERE {_where(codes)}"


def _per_language():
    for market, codes in MARKETS.items():
        for name, column in LANGUAGE_COLUMNS.items():
            yield f"catalog_product_{name}_{market}", f"USING gin ({column}) WHERE {_where(codes)}"


def fill_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM catalog_product")
        (highest,) = cursor.fetchone()
        for start in range(0, highest, BATCH):
            cursor.execute(FILL, [start, start + BATCH])


def _replace(schema_editor, create, drop):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in create:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON catalog_product {definition}"
        )
    for name, _definition in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def match_once(apps, schema_editor):
    _replace(schema_editor, _matched_once(), _per_language())


def match_per_language(apps, schema_editor):
    _replace(schema_editor, _per_language(), _matched_once())


class Migration(migrations.Migration):
    dependencies = [("catalog", "0014_search_indexes_per_market_facet_columns")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_search_vector, migrations.RunPython.noop),
        migrations.RunPython(match_once, match_per_language),
    ]
