"""Product search indexes: pg_trgm, trigram indexes on lower(name) and lower(brand), and a GIN index on
the weighted search vector of a product's own text.

PostgreSQL only; on SQLite every operation here does nothing. These are not model Meta indexes, so
`makemigrations` stays quiet on every database. `catalog.search` builds the vector with exactly the
expression indexed here (name A, brand B, description D, config "simple"); category and subcategory
names live in other tables, so search matches them through their own small tables instead.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "catalog_product_name_trgm": "USING gin (lower(name) gin_trgm_ops)",
    "catalog_product_brand_trgm": "USING gin (lower(brand) gin_trgm_ops)",
    "catalog_product_search_idx": (
        "USING gin (("
        "setweight(to_tsvector('simple'::regconfig, COALESCE(name, '')), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, COALESCE(brand, '')), 'B') || "
        "setweight(to_tsvector('simple'::regconfig, COALESCE(description, '')), 'D')"
        "))"
    ),
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("catalog", "Product")._meta.db_table)
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} {definition}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_default_exchange_rates")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
