"""The search columns a product stores, and keeping them fresh.

On PostgreSQL each product holds a weighted `tsvector` per shop language, built from its name (A),
brand (B), category and subcategory names (C), and description and the colors of its active SKUs
(D), in that language where a translation was written and in the base text otherwise:

    search_vector_en  config "english"  (stems English: "shirts" finds "shirt")
    search_vector_ru  config "russian"  (stems Russian: "платья" finds "платье"; the English words
                                         in it get the English stemmer)
    search_vector_ky  config "simple"   (PostgreSQL has no Kyrgyz stemmer: words as written)

with `search_vector` holding the three together (`||`), which a search matches the words against
through one GIN index, and `search_text`: the lower-cased names in every language, the brand and
the colors, which a pg_trgm index reads to forgive a typo. Migration 0009 adds the columns and
their indexes, 0014 gives each market its own (partial, on the market's active products: a search
reads only its market's entries; a market added later needs its own in a migration), and 0015
adds `search_vector` and its index in place of one per language; `catalog.search` reads them.

Beside them, `facet_sizes` and `facet_colors` keep the distinct sizes and colors of the product's
active SKUs, one per line (NULL when it has none): a search counts its results' size and color
facets from the rows it ranks, without reading a SKU (`catalog.listing.live_counts`).

Every write is one `UPDATE ... FROM` over a join of the product, category and subcategory tables
(and the SKUs' sizes and colors): no row passes through Python. Once the transaction commits, a product's
save or a change to its SKUs refreshes its row (the saves of one transaction in one UPDATE), and
renaming a category or a subcategory refreshes its products; the receivers are connected in
`CatalogConfig.ready`. Bulk writes that skip `save()` (COPY, `QuerySet.update()`) call
`refresh_search_vectors` or `refresh_in_batches` themselves, and `manage.py rebuild_search_index`
refreshes every product. On other databases (the SQLite default) search reads the text columns
directly, so these functions do nothing.
"""

import logging
import threading
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from catalog.models import SKU, Category, Product, Subcategory
from storefront.content import CONTENT_LANGUAGES

logger = logging.getLogger(__name__)

# Shop language → text search configuration of its column.
SEARCH_CONFIGS = {"en": "english", "ru": "russian", "ky": "simple"}
VECTOR_FIELDS = {language: f"search_vector_{language}" for language in SEARCH_CONFIGS}
# Every language's vector in one (`||`): what a search matches the words against.
MATCH_FIELD = "search_vector"
TEXT_FIELD = "search_text"
# A product's SKU facet values, column → SKU field: the distinct values of its active SKUs, one per
# line, NULL for none (`facet_values_of` reads them).
FACET_FIELDS = {"facet_sizes": "size", "facet_colors": "color"}
FACET_SEPARATOR = "\n"
# What no page shows: listings and product pages leave them unread.
SEARCH_FIELDS = (*VECTOR_FIELDS.values(), MATCH_FIELD, TEXT_FIELD, *FACET_FIELDS)
TRANSLATION_SUFFIXES = tuple(f"_{language}" for language in CONTENT_LANGUAGES)
# The columns the search columns are made of: a save naming none of them (update_fields) changes nothing.
PRODUCT_SOURCES = frozenset(
    {
        *(f"{field}{suffix}" for field in ("name", "description") for suffix in ("", *TRANSLATION_SUFFIXES)),
        *(f"{field}{suffix}" for field in ("category", "subcategory") for suffix in ("", "_id")),
        "brand",
    }
)
SKU_SOURCES = frozenset(
    {"color", *(f"color{suffix}" for suffix in TRANSLATION_SUFFIXES), "size", "is_active", "product", "product_id"}
)
# A category's or subcategory's columns that its products' vectors hold.
NAME_FIELDS = ("name", *(f"name_{language}" for language in CONTENT_LANGUAGES))
BATCH_SIZE = 5000


def facet_values_of(stored):
    """Every value the `FACET_FIELDS` columns `stored` (of one column, of any number of products)
    hold, as one list: a product's values once each, none for NULL. Joined and split once, in C."""
    present = [column for column in stored if column is not None]
    return FACET_SEPARATOR.join(present).split(FACET_SEPARATOR) if present else []


def is_supported(using=DEFAULT_DB_ALIAS):
    """Whether the database stores search columns (PostgreSQL) or search reads the text itself."""
    return connections[using].vendor == "postgresql"


def refresh_search_vectors(product_ids=None, *, using=DEFAULT_DB_ALIAS) -> int:
    """Rebuild the stored search columns of the products `product_ids` (every product when None) in
    one UPDATE; returns how many products' columns changed (0 where search columns are not stored)."""
    if not is_supported(using):
        return 0
    if product_ids is not None:
        product_ids = list(product_ids)
        if not product_ids:
            return 0
    with connections[using].cursor() as cursor:
        cursor.execute(*_update_statement(connections[using], product_ids))
        return cursor.rowcount


def refresh_in_batches(products=None, *, batch_size=BATCH_SIZE, using=DEFAULT_DB_ALIAS, progress=None) -> int:
    """`refresh_search_vectors` for the products of the queryset `products` (every product when None),
    `batch_size` products per UPDATE, so a large catalog is never locked or rewritten in one go.

    Outside a transaction each batch commits on its own. `progress`, when given, is called with the
    number of products in each batch done. Returns how many products' columns changed.
    """
    if not is_supported(using):
        return 0
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    products = Product._base_manager.all() if products is None else products
    ids = products.using(using).order_by("pk").values_list("pk", flat=True)
    total, last = 0, None
    while True:
        batch = list((ids if last is None else ids.filter(pk__gt=last))[:batch_size])
        if not batch:
            return total
        total += refresh_search_vectors(batch, using=using)
        last = batch[-1]
        if progress is not None:
            progress(len(batch))


def unindexed_products():
    """Products whose search columns were never built (bulk inserts that skip `save()`)."""
    return Product._base_manager.filter(**{f"{VECTOR_FIELDS['en']}__isnull": True})


class _Pending(threading.local):
    """Per thread (as Django's connections are) and database: products waiting for a commit."""

    def __init__(self):
        self.ids = {}


_pending = _Pending()


def refresh_on_commit(product_ids, *, using=DEFAULT_DB_ALIAS):
    """Refresh the products' search columns once the current transaction commits (at once outside
    one). The products of every call in one transaction are refreshed by a single UPDATE."""
    if not is_supported(using):
        return
    _pending.ids.setdefault(using, set()).update(product_ids)
    # Every call registers the flush, so a rolled-back savepoint never strands the products noted
    # before it; the first flush to run takes them all and the others find nothing left.
    transaction.on_commit(partial(_refresh_pending, using), using=using, robust=True)


def _refresh_pending(using):
    ids = _pending.ids.pop(using, None)
    if ids:
        refresh_search_vectors(sorted(ids), using=using)


def _update_statement(connection, product_ids):
    quote = connection.ops.quote_name
    product, category, subcategory, sku = (
        quote(model._meta.db_table) for model in (Product, Category, Subcategory, SKU)
    )
    pk = quote(Product._meta.pk.column)
    texts = [
        f"p.{pk} AS id",
        f"p.{quote('brand')} AS brand",
        *(f"k.colors_{language}" for language in SEARCH_CONFIGS),
        *(f"k.{column}" for column in FACET_FIELDS),
    ]
    for language in SEARCH_CONFIGS:
        category_names = ", ".join(_in_language(quote, alias, "name", language) for alias in ("c", "s"))
        texts += [
            f"{_in_language(quote, 'p', 'name', language)} AS name_{language}",
            f"concat_ws(' ', {category_names}) AS category_{language}",
            f"{_in_language(quote, 'p', 'description', language)} AS description_{language}",
        ]
    names = ", ".join(f"NULLIF(p.{quote(field)}, '')" for field in NAME_FIELDS)
    # The typo index reads each color once in every language it was written in.
    colors = ", ".join(("k.colors_en", *(f"k.written_{language}" for language in CONTENT_LANGUAGES)))
    texts.append(f"lower(concat_ws(' ', {names}, p.{quote('brand')}, {colors})) AS text")
    # The active SKUs' colors in each language (a color without a translation in its base text).
    color_lists = ", ".join(
        [
            *(
                f"string_agg(DISTINCT {_in_language(quote, 'v', 'color', language)}, ' ') AS colors_{language}"
                for language in SEARCH_CONFIGS
            ),
            *(
                f"string_agg(DISTINCT NULLIF(v.{quote(f'color_{language}')}, ''), ' ') AS written_{language}"
                for language in CONTENT_LANGUAGES
            ),
            # The facets' values: every size and color as stored, one per line.
            *(
                f"string_agg(DISTINCT v.{quote(source)}, chr({ord(FACET_SEPARATOR)})) AS {column}"
                for column, source in FACET_FIELDS.items()
            ),
        ]
    )
    vectors = [f"{_weighted_vector(SEARCH_CONFIGS[language], language)} AS {language}" for language in VECTOR_FIELDS]
    columns = [*VECTOR_FIELDS.values(), MATCH_FIELD, TEXT_FIELD, *FACET_FIELDS]
    values = [
        *(f"src.{language}" for language in VECTOR_FIELDS),
        " || ".join(f"src.{language}" for language in VECTOR_FIELDS),
        "src.text",
        *(f"src.{c}" for c in FACET_FIELDS),
    ]
    which, params = ("", []) if product_ids is None else (f"WHERE p.{pk} = ANY(%s)", [product_ids])
    # Identifiers come from the models' metadata and configurations from SEARCH_CONFIGS; ids are
    # parameters. Rows whose columns would not change are left alone (no new row version to vacuum).
    sql = (
        f"UPDATE {product} SET {', '.join(f'{quote(c)} = {v}' for c, v in zip(columns, values, strict=True))} "  # noqa: S608
        f"FROM (SELECT t.id, t.text, {', '.join(f't.{c}' for c in FACET_FIELDS)}, {', '.join(vectors)} "
        f"FROM (SELECT {', '.join(texts)} "
        f"FROM {product} AS p "
        f"JOIN {category} AS c ON c.{quote(Category._meta.pk.column)} = p.{quote('category_id')} "
        f"LEFT JOIN {subcategory} AS s ON s.{quote(Subcategory._meta.pk.column)} = p.{quote('subcategory_id')} "
        f"LEFT JOIN LATERAL (SELECT {color_lists} FROM {sku} AS v "
        f"WHERE v.{quote('product_id')} = p.{pk} AND v.{quote('is_active')}) AS k ON true "
        f"{which}) AS t) AS src "
        f"WHERE {product}.{pk} = src.id "
        f"AND ({', '.join(f'{product}.{quote(c)}' for c in columns)}) IS DISTINCT FROM ({', '.join(values)})"
    )
    return sql, params


def _in_language(quote, alias, field, language):
    """SQL for `alias.field` in `language`: its translation, else the base text (as pages show it)."""
    base = f"{alias}.{quote(field)}"
    if language not in CONTENT_LANGUAGES:
        return base
    return f"COALESCE(NULLIF({alias}.{quote(f'{field}_{language}')}, ''), {base})"


def _weighted_vector(config, language):
    parts = (
        (f"name_{language}", "A"),
        ("brand", "B"),
        (f"category_{language}", "C"),
        (f"description_{language}", "D"),
        (f"colors_{language}", "D"),
    )
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, COALESCE(t.{column}, '')), '{weight}')"
        for column, weight in parts
    )


# Receivers: connected in CatalogConfig.ready -----------------------------------------------------


def product_saved(sender, instance, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """A saved product's search columns are refreshed once its transaction commits."""
    if raw or (update_fields is not None and not PRODUCT_SOURCES & set(update_fields)):
        return
    refresh_on_commit([instance.pk], using=using)


def sku_saved(sender, instance, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """A SKU's color is part of its product's search columns: refreshed once the transaction commits."""
    if raw or (update_fields is not None and not SKU_SOURCES & set(update_fields)):
        return
    refresh_on_commit([instance.product_id], using=using)


def sku_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # A product deleted with its SKUs is simply not there to update.
    refresh_on_commit([instance.product_id], using=using)


def remember_names(sender, instance, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Before a category or subcategory is saved: note whether its names change (see `names_saved`)."""
    instance._search_names_changed = False
    if raw or instance.pk is None or not is_supported(using):
        return
    if update_fields is not None and not set(NAME_FIELDS) & set(update_fields):
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values(*NAME_FIELDS).first()
    current = {field: getattr(instance, field) for field in NAME_FIELDS}
    instance._search_names_changed = stored is not None and stored != current


def names_saved(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    """After a category or subcategory is renamed: its products' search columns are refreshed once
    the transaction commits, in batches. (A new one has no products yet.)"""
    if not getattr(instance, "_search_names_changed", False):
        return
    instance._search_names_changed = False
    link = "category" if sender is Category else "subcategory"
    products = Product._base_manager.filter(**{link: instance.pk})
    transaction.on_commit(partial(_refresh_renamed, products, using=using), using=using, robust=True)


def _refresh_renamed(products, *, using):
    updated = refresh_in_batches(products, using=using)
    logger.info("Search columns of %d products refreshed after a rename.", updated)
