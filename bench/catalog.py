"""The benchmark's catalog: categories, then products with 3–6 SKUs each, pictures and features.

Every value is a function of the product's number (or its id), so the same size always gives the
same shop: about 70 % of products have a picture, one in five is on sale, 40 % are sold in KG only,
35 % in the US only and 25 % in both, and 2 SKUs in every 25 (8 %) are out of stock. Names are
adjective, material and garment ("Relaxed Linen Shirt"), so search finds "linen shirt".

Products carry slugs starting `bench-`: that is how a rerun recognises the catalog it loaded, and
how it refuses a database whose catalog is someone else's.
"""

from django.db import connection, transaction

from bench.bulk_sql import insert_select, literal_rows, minutes_before, numbers
from catalog.models import SKU, Category, ExchangeRate, Product, ProductFeature, ProductImage, Subcategory
from storefront.markets import Market, MarketScope

SLUG_PREFIX = "bench-"
PICTURES = 12  # bench/look-0.jpg … look-11.jpg in the media storage
KG_RATE = "87.45"  # som per dollar, for products sold in both markets

ADJECTIVES = (
    "Classic", "Relaxed", "Slim", "Oversized", "Cropped", "Tailored", "Everyday", "Soft", "Structured",
    "Lightweight", "Heavy", "Vintage", "Essential", "Boxy", "Fitted", "Pleated", "Washed", "Ribbed",
)  # fmt: skip
MATERIALS = (
    "Linen", "Cotton", "Wool", "Silk", "Denim", "Cashmere", "Merino", "Leather", "Corduroy", "Twill",
    "Jersey", "Poplin",
)  # fmt: skip
BRANDS = (
    "Ala-Too Atelier", "Tengri Wool", "Northline", "Harbor & Pine", "Studio Issyk", "Common Thread",
    "Eastfield", "Marlowe", "Kettle Road", "Sary-Chelek", "Brightwater", "Union Loom",
)  # fmt: skip
COLORS = (
    ("Black", "#1A1A1A"), ("White", "#F5F5F0"), ("Navy", "#1F2A44"), ("Sand", "#D8C8A8"),
    ("Olive", "#5B5E3A"), ("Grey", "#8A8A8A"), ("Rust", "#A9502B"), ("Sky", "#8FB8DE"),
    ("Burgundy", "#6D1F2F"), ("Cream", "#F2E8D5"),
)  # fmt: skip
SIZE_RUNS = {
    "apparel": ("XS", "S", "M", "L", "XL", "XXL"),
    "shoes": ("38", "39", "40", "41", "42", "43"),
    "goods": ("Small", "Medium", "Large"),
}
FEATURES = (
    "Regular fit", "Relaxed fit", "Machine wash at 30 °C", "Hand wash only", "Made in Kyrgyzstan",
    "Ships from Bishkek", "Model is 182 cm and wears M", "Recycled packaging",
)  # fmt: skip
# (slug, name, [(slug, name, size run, [garments])]); every category is sold in both markets.
CATEGORIES = (
    ("women", "Women", (
        ("shirts", "Shirts", "apparel", ("Shirt", "Blouse")),
        ("dresses", "Dresses", "apparel", ("Dress", "Midi Dress")),
        ("trousers", "Trousers", "apparel", ("Trousers", "Wide-Leg Trousers")),
        ("knitwear", "Knitwear", "apparel", ("Sweater", "Cardigan")),
    )),
    ("men", "Men", (
        ("shirts", "Shirts", "apparel", ("Shirt", "Overshirt")),
        ("trousers", "Trousers", "apparel", ("Chinos", "Trousers")),
        ("jackets", "Jackets", "apparel", ("Jacket", "Coat")),
        ("knitwear", "Knitwear", "apparel", ("Sweater", "Crewneck")),
    )),
    ("shoes", "Shoes", (
        ("sneakers", "Sneakers", "shoes", ("Sneakers",)),
        ("boots", "Boots", "shoes", ("Boots", "Chelsea Boots")),
    )),
    ("accessories", "Accessories", (
        ("bags", "Bags", "goods", ("Tote Bag", "Crossbody Bag")),
        ("scarves", "Scarves", "goods", ("Scarf",)),
    )),
)  # fmt: skip
MAX_SKUS = 6


def bench_products():
    return Product.objects.filter(slug__startswith=SLUG_PREFIX)


def foreign_products():
    """Products this loader did not make (a demo or real catalog: never touched)."""
    return Product.objects.exclude(slug__startswith=SLUG_PREFIX)


def catalog_loaded(count):
    """Whether the database holds exactly the benchmark catalog of `count` products."""
    return bench_products().count() == count and SKU.objects.filter(product__slug__startswith=SLUG_PREFIX).exists()


def clear_catalog():
    """Remove the benchmark's products and everything hanging from them (carts, wishlists, reviews)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Every product is the benchmark's (checked before): TRUNCATE is instant where DELETE crawls.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Product._meta.db_table} RESTART IDENTITY CASCADE")
    else:
        # Elsewhere (SQLite, a test's transaction with rows pending their constraint checks), row by row.
        bench_products().delete()


def load_catalog(count, *, now):
    """Categories, `count` products and their SKUs, pictures and features; returns rows per table."""
    with transaction.atomic():
        ExchangeRate.objects.get_or_create(market=Market.KG, defaults={"rate": KG_RATE})
        offerings, runs = _categories()
        _products(count, offerings, now=now)
        _skus(runs, now=now)
        with connection.cursor() as cursor:
            # A product is in stock when an active SKU of it has stock (as the catalog keeps it).
            cursor.execute(
                f"UPDATE {Product._meta.db_table} SET in_stock = EXISTS ("
                f"SELECT 1 FROM {SKU._meta.db_table} s WHERE s.product_id = {Product._meta.db_table}.id "
                "AND s.is_active AND s.stock > 0) WHERE slug LIKE %s",
                [SLUG_PREFIX + "%"],
            )
        _gallery()
        _features()
    return {model._meta.verbose_name_plural: model.objects.count() for model in (Product, SKU, ProductImage)}


def _categories():
    """The categories and subcategories (made once); (offerings, size runs) as literal rows."""
    offerings, runs = [], []
    for order, (slug, name, subcategories) in enumerate(CATEGORIES):
        category, _ = Category.objects.get_or_create(
            slug=slug, market=MarketScope.ALL, defaults={"name": name, "sort_order": (order + 1) * 10}
        )
        for sub_order, (sub_slug, sub_name, run, garments) in enumerate(subcategories):
            subcategory, _ = Subcategory.objects.get_or_create(
                category=category, slug=sub_slug, defaults={"name": sub_name, "sort_order": (sub_order + 1) * 10}
            )
            runs.append((subcategory.pk, list(SIZE_RUNS).index(run), len(SIZE_RUNS[run])))
            offerings.extend((category.pk, subcategory.pk, garment) for garment in garments)
    return offerings, runs


def _words(alias, words):
    return literal_rows(alias, ("n", "word"), list(enumerate(words)))


def _products(count, offerings, *, now):
    series, series_params = numbers("s", count)
    offered, offered_params = literal_rows(
        "o", ("n", "category_id", "subcategory_id", "garment"), [(n, *row) for n, row in enumerate(offerings)]
    )
    adjectives, adjective_params = _words("a", ADJECTIVES)
    materials, material_params = _words("m", MATERIALS)
    brands, brand_params = _words("b", BRANDS)
    kg, us = MarketScope.KG.value, MarketScope.US.value
    # Market: 8 in 20 KG, 7 in 20 US, 5 in 20 both; one in five on sale; 7 in 10 with a picture.
    numbered = (
        f"(SELECT s.n AS n, (s.n * 37) %% 200 AS band, s.n %% 5 = 2 AS on_sale, "
        f"CASE WHEN s.n %% 20 < 8 THEN '{kg}' WHEN s.n %% 20 < 15 THEN '{us}' ELSE 'ALL' END AS market "
        f"FROM {series}) AS p"
    )
    source = (
        f"{numbered} "
        f"JOIN {offered} ON o.n = (p.n * 7) %% {len(offerings)} "
        f"JOIN {adjectives} ON a.n = (p.n / {len(offerings)}) %% {len(ADJECTIVES)} "
        f"JOIN {materials} ON m.n = (p.n + p.n / {len(offerings)} * 5) %% {len(MATERIALS)} "
        f"JOIN {brands} ON b.n = (p.n * 3 + p.n / 7) %% {len(BRANDS)}"
    )
    som = "CASE WHEN p.on_sale THEN 990 + 80 * p.band ELSE 1290 + 100 * p.band END"
    dollars = "CASE WHEN p.on_sale THEN 15.99 + (p.band * 4) / 5 ELSE 19.99 + p.band END"
    original = f"CASE WHEN p.market = '{kg}' THEN 1290 + 100 * p.band ELSE 19.99 + p.band END"
    timestamp = minutes_before(now, "p.n")
    insert_select(
        Product,
        {
            "name": "CASE WHEN p.n %% 20 < 11 THEN a.word || ' ' || m.word || ' ' || o.garment "
            "ELSE m.word || ' ' || o.garment END",
            "slug": f"'{SLUG_PREFIX}' || p.n || '-' || lower(m.word) || '-' || replace(lower(o.garment), ' ', '-')",
            "brand": "b.word",
            "description": "'The ' || lower(a.word) || ' ' || lower(o.garment) || ' in ' || lower(m.word) || "
            "', cut by ' || b.word || ' for every day of the week. It keeps its shape wash after wash, "
            "pairs with what you already own and comes in two colors.'",
            "market": "p.market",
            "category_id": "o.category_id",
            "subcategory_id": "o.subcategory_id",
            "price": f"CASE WHEN p.market = '{kg}' THEN {som} ELSE {dollars} END",
            "original_price": f"CASE WHEN p.on_sale THEN {original} END",
            "image": f"CASE WHEN (p.n * 7) %% 10 < 7 THEN 'bench/look-' || (p.n %% {PICTURES}) || '.jpg' ELSE '' END",
            "sales_count": "(p.n * 7919) %% 997",
            "is_featured": "p.n %% 25 = 1",
            "is_best_seller": "p.n %% 12 = 5",
            "created_at": timestamp,
            "updated_at": timestamp,
        },
        source,
        [*series_params, *offered_params, *adjective_params, *material_params, *brand_params],
    )


def _skus(runs, *, now):
    """3 to 6 SKUs a product: two colors in turn, sizes from its subcategory's run."""
    slots, slot_params = literal_rows("j", ("n",), [(n,) for n in range(MAX_SKUS)])
    sized, sized_params = literal_rows("r", ("subcategory_id", "run", "length"), runs)
    sized_rows = [(run, n, size) for run, sizes in enumerate(SIZE_RUNS.values()) for n, size in enumerate(sizes)]
    sizes, size_params = literal_rows("z", ("run", "n", "size"), sized_rows)
    colors, color_params = literal_rows("c", ("n", "name", "hex"), [(n, *color) for n, color in enumerate(COLORS)])
    product_table = Product._meta.db_table
    # k numbers the SKUs one after another: 2 in every 25 of them are out of stock.
    numbered = (
        f"(SELECT p.id AS product_id, j.n AS j, ROW_NUMBER() OVER (ORDER BY p.id, j.n) AS k "
        f"FROM {product_table} p JOIN {slots} ON j.n < 3 + (p.id * 3) %% 4 WHERE p.slug LIKE %s) AS v"
    )
    source = (
        f"{numbered} JOIN {product_table} p ON p.id = v.product_id "
        f"JOIN {sized} ON r.subcategory_id = p.subcategory_id "
        f"JOIN {sizes} ON z.run = r.run AND z.n = (p.id + v.j / 2) %% r.length "
        f"JOIN {colors} ON c.n = (p.id + v.j %% 2) %% {len(COLORS)}"
    )
    timestamp = minutes_before(now, "0")
    insert_select(
        SKU,
        {
            "product_id": "p.id",
            "sku_code": "'BQ' || p.id || '-' || v.j",
            "size": "z.size",
            "color": "c.name",
            "color_hex": "c.hex",
            "price": "p.price",
            "original_price": "p.original_price",
            "stock": "CASE WHEN v.k %% 25 IN (3, 17) THEN 0 ELSE 4 + (v.k * 7) %% 57 END",
            "variant_image": "p.image",
            "created_at": timestamp,
            "updated_at": timestamp,
        },
        source,
        [*slot_params, SLUG_PREFIX + "%", *sized_params, *size_params, *color_params],
    )


def _gallery():
    """Two gallery pictures for each product that has a picture."""
    slots, params = literal_rows("g", ("n",), [(0,), (1,)])
    insert_select(
        ProductImage,
        {
            "product_id": "p.id",
            "image": f"'bench/look-' || ((p.id + g.n * 5) %% {PICTURES}) || '.jpg'",
            "alt_text": "p.name",
            "sort_order": "g.n",
        },
        f"{Product._meta.db_table} p JOIN {slots} ON 1 = 1 WHERE p.slug LIKE %s AND p.image <> ''",
        [*params, SLUG_PREFIX + "%"],
    )


def _features():
    """Three features a product."""
    slots, slot_params = literal_rows("g", ("n",), [(0,), (1,), (2,)])
    features, feature_params = _words("f", FEATURES)
    insert_select(
        ProductFeature,
        {"product_id": "p.id", "feature_text": "f.word", "sort_order": "g.n"},
        f"{Product._meta.db_table} p JOIN {slots} ON 1 = 1 "
        f"JOIN {features} ON f.n = (p.id + g.n * 3) %% {len(FEATURES)} WHERE p.slug LIKE %s",
        [*slot_params, *feature_params, SLUG_PREFIX + "%"],
    )
