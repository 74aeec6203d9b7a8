"""Search indexes per market, and the sizes and colors of each product's active SKUs kept beside them.

Every search is a market's (its active products of the market and of ALL): with one index over all
products PostgreSQL matched the words through it, then intersected the result with the bitmap of
every active product of the market (two thirds of the catalog, 4 ms at 100,000 products). Each
market now has its own partial GIN indexes, whose condition is the one its searches carry, so a
search reads only its market's entries and nothing else. A market added later needs its own
indexes in a migration of its own.

`facet_sizes` and `facet_colors` hold the distinct sizes and colors of a product's active SKUs, one
per line (NULL when it has none), so a search counts its results' size and color facets from the
rows it already reads. `catalog.search_index` keeps them with the search columns; this migration
fills them in with its own copy of that statement's part, as it stood.

On SQLite the columns are plain, unused columns and the other operations do nothing.
"""

from django.db import migrations, models

BATCH = 5000
FILL = """
UPDATE catalog_product SET facet_sizes = k.sizes, facet_colors = k.colors
FROM (
    SELECT p.id, string_agg(DISTINCT v.size, E'\\n') AS sizes, string_agg(DISTINCT v.color, E'\\n') AS colors
    FROM catalog_product AS p
    LEFT JOIN catalog_sku AS v ON v.product_id = p.id AND v.is_active
    WHERE p.id > %s AND p.id <= %s
    GROUP BY p.id
) AS k
WHERE catalog_product.id = k.id
"""
# The searches' condition for each market at the time of this migration (catalog.models'
# `for_market` and `active`).
MARKETS = {"kg": ("KG", "ALL"), "us": ("US", "ALL")}
COLUMNS = {
    "search_en": "search_vector_en",
    "search_ru": "search_vector_ru",
    "search_ky": "search_vector_ky",
    "search_text_trgm": "search_text gin_trgm_ops",
}


def _partial_indexes(columns=COLUMNS):
    for market, codes in MARKETS.items():
        where = "is_active AND market IN ({})".format(", ".join(f"'{code}'" for code in codes))
        for name, column in columns.items():
            yield f"catalog_product_{name}_{market}", f"USING gin ({column}) WHERE {where}"


def _whole_indexes():
    for name, column in COLUMNS.items():
        yield f"catalog_product_{name}", f"USING gin ({column})"


def fill_facet_columns(apps, schema_editor):
    _fill(schema_editor, FILL)


def _fill(schema_editor, statement):
    """Run `statement` (an UPDATE of the products with ids in (%s, %s]) over every product, BATCH at a time."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM catalog_product")
        (highest,) = cursor.fetchone()
        for start in range(0, highest, BATCH):
            cursor.execute(statement, [start, start + BATCH])


def _replace(schema_editor, create, drop):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in create:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON catalog_product {definition}"
        )
    for name, _definition in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def index_per_market(apps, schema_editor):
    _replace(schema_editor, _partial_indexes(), _whole_indexes())


def index_whole_catalog(apps, schema_editor):
    _replace(schema_editor, _whole_indexes(), _partial_indexes())


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_product_renditions_productimage_renditions")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="facet_colors",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="facet_sizes",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(fill_facet_columns, migrations.RunPython.noop),
        migrations.RunPython(index_per_market, index_whole_catalog),
    ]
