"""Stored search columns: a weighted tsvector per shop language (English "english", Russian "russian",
Kyrgyz "simple") of the product's names, brand, category and subcategory names, description and SKU
colors, `search_text` for typo tolerance, their GIN indexes (pg_trgm's `gin_trgm_ops` for
the text), and every existing product's columns filled in.

The expression and trigram indexes of 0004 go: search reads the stored columns now. On SQLite the
columns are plain, unused columns and the other operations do nothing. The fill is this migration's
own copy of `catalog.search_index`'s statement as it stood, so the migration keeps doing what it did
when that module changes; `manage.py rebuild_search_index` runs the current one.
"""

import importlib

import django.contrib.postgres.search
from django.db import migrations, models

BATCH = 5000

# Per language: the product's name (A), brand (B), category and subcategory names (C), description and
# active SKUs' colors (D), each in the language when written, else the base text.
FILL = """
UPDATE catalog_product SET
    search_vector_en =
        setweight(to_tsvector('english'::regconfig, COALESCE(src.name_en, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, COALESCE(src.brand, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, COALESCE(src.category_en, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, COALESCE(src.description_en, '')), 'D')
        || setweight(to_tsvector('english'::regconfig, COALESCE(src.colors, '')), 'D'),
    search_vector_ru =
        setweight(to_tsvector('russian'::regconfig, COALESCE(src.name_ru, '')), 'A')
        || setweight(to_tsvector('russian'::regconfig, COALESCE(src.brand, '')), 'B')
        || setweight(to_tsvector('russian'::regconfig, COALESCE(src.category_ru, '')), 'C')
        || setweight(to_tsvector('russian'::regconfig, COALESCE(src.description_ru, '')), 'D')
        || setweight(to_tsvector('russian'::regconfig, COALESCE(src.colors, '')), 'D'),
    search_vector_ky =
        setweight(to_tsvector('simple'::regconfig, COALESCE(src.name_ky, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, COALESCE(src.brand, '')), 'B')
        || setweight(to_tsvector('simple'::regconfig, COALESCE(src.category_ky, '')), 'C')
        || setweight(to_tsvector('simple'::regconfig, COALESCE(src.description_ky, '')), 'D')
        || setweight(to_tsvector('simple'::regconfig, COALESCE(src.colors, '')), 'D'),
    search_text = src.text
FROM (
    SELECT
        p.id,
        p.brand,
        k.colors,
        p.name AS name_en,
        concat_ws(' ', c.name, s.name) AS category_en,
        p.description AS description_en,
        COALESCE(NULLIF(p.name_ru, ''), p.name) AS name_ru,
        concat_ws(' ', COALESCE(NULLIF(c.name_ru, ''), c.name), COALESCE(NULLIF(s.name_ru, ''), s.name)) AS category_ru,
        COALESCE(NULLIF(p.description_ru, ''), p.description) AS description_ru,
        COALESCE(NULLIF(p.name_ky, ''), p.name) AS name_ky,
        concat_ws(' ', COALESCE(NULLIF(c.name_ky, ''), c.name), COALESCE(NULLIF(s.name_ky, ''), s.name)) AS category_ky,
        COALESCE(NULLIF(p.description_ky, ''), p.description) AS description_ky,
        lower(concat_ws(' ', NULLIF(p.name, ''), NULLIF(p.name_ru, ''), NULLIF(p.name_ky, ''), p.brand, k.colors)) AS text
    FROM catalog_product AS p
    JOIN catalog_category AS c ON c.id = p.category_id
    LEFT JOIN catalog_subcategory AS s ON s.id = p.subcategory_id
    LEFT JOIN LATERAL (
        SELECT string_agg(DISTINCT color, ' ') AS colors FROM catalog_sku WHERE product_id = p.id AND is_active
    ) AS k ON true
    WHERE p.id > %s AND p.id <= %s
) AS src
WHERE catalog_product.id = src.id
"""

INDEXES = {
    "catalog_product_search_en": "USING gin (search_vector_en)",
    "catalog_product_search_ru": "USING gin (search_vector_ru)",
    "catalog_product_search_ky": "USING gin (search_vector_ky)",
    "catalog_product_search_text_trgm": "USING gin (search_text gin_trgm_ops)",
}


def fill_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM catalog_product")
        (highest,) = cursor.fetchone()
        for start in range(0, highest, BATCH):
            cursor.execute(FILL, [start, start + BATCH])


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON catalog_product {definition}"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def _expression_indexes():
    return importlib.import_module("catalog.migrations.0004_search")


def drop_expression_indexes(apps, schema_editor):
    _expression_indexes().drop_search_indexes(apps, schema_editor)


def create_expression_indexes(apps, schema_editor):
    _expression_indexes().create_search_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_listing_facets")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="product",
            name="search_vector_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="search_vector_ky",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="search_vector_ru",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
        migrations.RunPython(drop_expression_indexes, create_expression_indexes),
    ]
