"""One search vector holding every language's, which a search matches the words against, once.

A search reads the shopper's words in each language's configuration and, until now, matched each
reading against that language's column through its own GIN index: three index scans and a
bitmap OR for every search, though for most words the three readings are one and the same
(Latin words get the English stemmer in the Russian configuration too). `search_vector` holds the
three vectors together (`||`), and each market has one partial GIN index over it: a search
matches the distinct readings of its words through that one index (`catalog.search`), in a third
of the index work, and ranks by the language columns. The per-language GIN indexes no search
reads any more are dropped; the language columns stay, for ranking.

`catalog.search_index` keeps the column with the others; this migration fills it in from them,
with 0014's batched fill, and builds and drops the indexes with 0014's, for each market.
On SQLite the column is a plain, unused column and the other operations do nothing.
"""

import importlib

import django.contrib.postgres.search
from django.db import migrations

FILL = """
UPDATE catalog_product SET search_vector = search_vector_en || search_vector_ru || search_vector_ky
WHERE id > %s AND id <= %s AND search_vector_en IS NOT NULL
"""
MATCHED_ONCE = {"search": "search_vector"}


def _per_market():
    """0014: each market's indexes, and the batched fill."""
    return importlib.import_module("catalog.migrations.0014_search_indexes_per_market_facet_columns")


def _per_language():
    """0014's per-language indexes (its trigram index stays)."""
    columns = _per_market().COLUMNS
    return {name: column for name, column in columns.items() if column.startswith("search_vector_")}


def fill_search_vector(apps, schema_editor):
    _per_market()._fill(schema_editor, FILL)


def match_once(apps, schema_editor):
    indexes = _per_market()
    indexes._replace(schema_editor, indexes._partial_indexes(MATCHED_ONCE), indexes._partial_indexes(_per_language()))


def match_per_language(apps, schema_editor):
    indexes = _per_market()
    indexes._replace(schema_editor, indexes._partial_indexes(_per_language()), indexes._partial_indexes(MATCHED_ONCE))


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
