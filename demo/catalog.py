"""The demo catalog: categories with subcategories, then products with SKUs, features and pictures.

Product number `i` is planned from its own seed, so it comes out the same however many products
are asked for and whichever run creates it; its slug and SKU codes carry `i`, which is how a rerun
recognises what already exists. Products are planned as plain rows and go in with bulk inserts
(see bulk_insert.py), a chunk per transaction, so a large catalog needs no query per product and
an interrupted run leaves no product without its SKUs; their search columns are built at the end
(catalog.search_index), in batches of their own.
"""

import math
import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache

from django.db import transaction
from django.utils.text import slugify

from catalog.models import SKU, Category, Product, ProductFeature, ProductImage, Subcategory
from catalog.search_index import refresh_in_batches, unindexed_products
from demo.bulk_insert import ChunkWriter, insert_rows
from demo.content_languages import in_content_languages
from demo.product_texts import alt_texts, color_texts, description_texts, feature_texts, name_texts, size_texts
from demo.seeding import seeded_random
from demo.wardrobe import (
    ADJECTIVES,
    CARE,
    CATEGORIES,
    CLOSINGS,
    COLORS,
    FITS,
    HARD_GOODS,
    MATERIAL_PHRASES,
    MIDDLES,
    MODEL_NOTES,
    OPENINGS,
    SIZE_RUNS,
    CategorySpec,
    SubcategorySpec,
)
from storefront.markets import MARKETS, MarketScope, get_market, is_sold_in

CHUNK = 2000  # products per transaction

# Share of products per market; every product is listed under a category its market can see.
MARKET_WEIGHTS = {MarketScope.KG: 40, MarketScope.US: 35, MarketScope.ALL: 25}


def listable_under(category_scope, product_scope):
    """Whether a product of `product_scope` may be listed under a category of `category_scope`:
    every shopper who can see the product can see the category too."""
    markets = list(MARKETS.values()) if product_scope == MarketScope.ALL else [get_market(product_scope)]
    return all(is_sold_in(category_scope, market) for market in markets)


SOM_PER_DOLLAR_OF_BAND = 68  # local KG prices sit a little under a straight conversion
KGS_RANGE = (Decimal("1290"), Decimal("24900"))
USD_RANGE = (Decimal("19"), Decimal("390"))
DISCOUNTS = (10, 15, 20, 25, 30, 40, 50)


@dataclass(frozen=True)
class Offering:
    """A subcategory products can be listed in, with the specs it was made from."""

    category_id: int
    subcategory_id: int
    category: CategorySpec
    subcategory: SubcategorySpec


def seed_categories(*, pictures):
    """Every category and subcategory of the wardrobe; returns the offerings per product market."""
    offerings = []
    with transaction.atomic():
        for order, spec in enumerate(CATEGORIES):
            color = spec.colors[3 % len(spec.colors)]
            image = pictures.category(spec.slug, spec.market, spec.subcategories[0].shape, color)
            category, _ = Category.objects.get_or_create(
                slug=spec.slug,
                market=spec.market,
                defaults={
                    "name": spec.name,
                    **in_content_languages("name", spec.name),
                    "icon": spec.icon,
                    "description": spec.description,
                    **in_content_languages("description", spec.description),
                    "image": image,
                    "sort_order": (order + 1) * 10,
                },
            )
            for sub_order, sub in enumerate(spec.subcategories):
                subcategory, _ = Subcategory.objects.get_or_create(
                    category=category,
                    slug=sub.slug,
                    defaults={
                        "name": sub.name,
                        **in_content_languages("name", sub.name),
                        "sort_order": (sub_order + 1) * 10,
                    },
                )
                offerings.append(Offering(category.pk, subcategory.pk, spec, sub))
    return {scope: [o for o in offerings if listable_under(o.category.market, scope)] for scope in MarketScope.values}


@lru_cache(maxsize=4096)
def _slug(text):
    return slugify(text)


@lru_cache(maxsize=64)
def _size_code(size):
    return "OS" if size == "One size" else re.sub(r"[^0-9A-Z]", "", size.upper())


def _clamp(value, bounds):
    return min(max(value, bounds[0]), bounds[1])


def som_price(dollars):
    """A som price as shops write them: 2 490, 12 900."""
    som = Decimal(dollars * SOM_PER_DOLLAR_OF_BAND)
    step, ending = (100, 10) if som < 10_000 else (1000, 100)
    return _clamp(Decimal(math.ceil(som / step) * step - ending), KGS_RANGE)


def dollar_price(dollars):
    """A dollar price as shops write them: $48.99 under a hundred, $145.00 above."""
    step, ending = (1, Decimal("0.01")) if dollars <= 100 else (5, Decimal("0"))
    return _clamp(Decimal(math.ceil(dollars / step) * step) - ending, USD_RANGE)


def sale_price(original, percent, currency_market):
    """`original` less `percent`, rounded down the way the market writes prices."""
    raw = original * (100 - percent) / 100
    if currency_market == MarketScope.KG:
        return max((raw / 10).to_integral_value(rounding=ROUND_FLOOR) * 10, Decimal("10"))
    return max(raw.to_integral_value(rounding=ROUND_FLOOR) - Decimal("0.01"), Decimal("0.99"))


def _article(word):
    return "An" if word[0].lower() in "aeiou" else "A"


def _describe(rng, *, adjective, noun, material, market):
    """The English description and its Russian and Kyrgyz columns, from the same three choices."""
    template = rng.choice(OPENINGS)
    opening = template.format(
        adjective=adjective.lower(), noun=noun.lower(), material=MATERIAL_PHRASES.get(material, material.lower())
    )
    if opening.startswith("A "):
        opening = f"{_article(adjective)} {opening[2:]}"
    middle, closing = rng.choice(MIDDLES), rng.choice(CLOSINGS[market])
    translations = description_texts(
        opening=OPENINGS.index(template),
        adjective=adjective,
        garment=noun,
        material=material,
        middle=middle,
        closing=closing,
    )
    return " ".join((opening, middle, closing)), translations


def _features(rng, *, sub, material, brand, market):
    wearable = sub.sizes not in ("one", "shoes")
    extras = list(sub.details)
    extras.append(rng.choice(CARE["goods" if sub.shape in HARD_GOODS else "textile"]))
    if wearable:
        extras.append(rng.choice(FITS))
        if sub.sizes == "apparel":
            extras.append(rng.choice(MODEL_NOTES))
    if market == MarketScope.KG and "Made in" not in " ".join(sub.details):
        extras.append("Made in Kyrgyzstan" if brand in ("Ala-Too Atelier", "Tengri Wool") else "Ships from Bishkek")
    count = rng.randint(2, 5)
    return [f"Main material: {material.lower()}", *rng.sample(extras, min(count - 1, len(extras)))]


def _sizes(rng, sub, market):
    system = sub.sizes
    if system == "shoes":
        system = "shoes_us" if market == MarketScope.US else "shoes_eu"
    run = SIZE_RUNS[system]
    if len(run) <= 2:
        return run
    # A window of the run, as a shop stocks it: three to six neighbouring sizes.
    longest = min(len(run), 6)
    length = rng.randint(max(3, longest - 2), longest)
    start = rng.randint(0, len(run) - length)
    return run[start : start + length]


def _stock(rng, *, sold_out):
    if sold_out or rng.random() < 0.1:
        return 0
    return int(rng.triangular(1, 60, 8))


PRODUCT_COLUMNS = (
    "name",
    "slug",
    "brand",
    "description",
    "market",
    "category_id",
    "subcategory_id",
    "price",
    "original_price",
    "image",
    "sales_count",
    "in_stock",
    "is_active",
    "is_featured",
    "is_best_seller",
    "name_ru",
    "name_ky",
    "description_ru",
    "description_ky",
)
# A product's own rows leave out `product_id`: it is put in front once the product has its key.
SKU_COLUMNS = (
    "product_id",
    "sku_code",
    "size",
    "color",
    "color_hex",
    "price",
    "original_price",
    "stock",
    "variant_image",
    "is_active",
    "size_ru",
    "size_ky",
    "color_ru",
    "color_ky",
)
FEATURE_COLUMNS = ("product_id", "feature_text", "sort_order", "feature_text_ru", "feature_text_ky")
IMAGE_COLUMNS = ("product_id", "image", "alt_text", "sort_order", "alt_text_ru", "alt_text_ky")


@dataclass
class PlannedProduct:
    """Rows of one product, its SKUs, features and gallery, in the orders of the *_COLUMNS above."""

    product: tuple
    skus: list
    features: list
    images: list
    pictures: set  # (shape, color code) of every picture of the product
    swatch: str  # color code of its fabric swatch


def plan_product(index, offerings, *, pictures, existing_slugs=frozenset()):
    """Product number `index` with its SKUs, features and images, or None if it exists already."""
    rng = seeded_random("product", index)
    market = rng.choices(list(MARKET_WEIGHTS), weights=list(MARKET_WEIGHTS.values()))[0]
    offering = rng.choice(offerings[market])
    category, sub = offering.category, offering.subcategory
    brand = rng.choice(category.brands_for(market))
    noun, material = rng.choice(sub.nouns), rng.choice(sub.materials)
    adjective = rng.choice(ADJECTIVES)
    # "Denim Skirt" is not made of "Denim": a material already in the noun stays out of the name.
    shown_material = "" if set(material.lower().split()) & set(noun.lower().split()) else material
    words = (adjective, shown_material, noun) if rng.random() < 0.55 else (shown_material, noun)
    name = " ".join(word for word in words if word)
    with_adjective = len(words) == 3
    names = name_texts(adjective=adjective if with_adjective else None, material=shown_material or None, garment=noun)
    slug = f"{_slug(brand)}-{_slug(name)}-{index + 1}"
    if slug in existing_slugs:
        return None

    dollars = sub.usd[0] + (sub.usd[1] - sub.usd[0]) * rng.random() ** 1.6
    currency_market = MarketScope.KG if market == MarketScope.KG else MarketScope.US
    price = som_price(dollars) if currency_market == MarketScope.KG else dollar_price(dollars)
    original_price = None
    if rng.random() < 0.22:
        original_price = price
        price = sale_price(original_price, rng.choice(DISCOUNTS), currency_market)

    colors = rng.sample(category.colors, k=rng.choices((1, 2, 3), weights=(35, 40, 25))[0])
    sizes = _sizes(rng, sub, market)
    sold_out = rng.random() < 0.04
    skus = []
    in_stock = False
    for color_code in colors:
        color = COLORS[color_code]
        color_names = color_texts(color.name)
        front = pictures.product_name(sub.shape, color_code)
        for size in sizes:
            stock = _stock(rng, sold_out=sold_out)
            # The first SKU stays on sale, so a product never loses every variant.
            active = not skus or rng.random() >= 0.04
            in_stock = in_stock or (active and stock > 0)
            code = f"MQ{index + 1:06d}-{color_code}-{_size_code(size)}"
            size_names = size_texts(size)
            skus.append(
                (
                    code,
                    size,
                    color.name,
                    color.hex,
                    price,
                    original_price,
                    stock,
                    front,
                    active,
                    size_names["size_ru"],
                    size_names["size_ky"],
                    color_names["color_ru"],
                    color_names["color_ky"],
                )
            )

    best_seller = rng.random() < 0.08
    description, descriptions = _describe(rng, adjective=adjective, noun=noun, material=material, market=market)
    product = (
        name,
        slug,
        brand,
        description,
        market,
        offering.category_id,
        offering.subcategory_id,
        price,
        original_price,
        pictures.product_name(sub.shape, colors[0]),
        rng.randint(400, 4000) if best_seller else int(rng.paretovariate(1.4) * 12) - 12,
        in_stock,
        rng.random() >= 0.03,  # a few products are switched off
        rng.random() < 0.06,
        best_seller,
        names["name_ru"],
        names["name_ky"],
        descriptions["description_ru"],
        descriptions["description_ky"],
    )
    texts = _features(rng, sub=sub, material=material, brand=brand, market=market)
    features = []
    for order, text in enumerate(texts):
        translations = feature_texts(text, material)
        features.append((text, order, translations["feature_text_ru"], translations["feature_text_ky"]))
    # The gallery: the other colors, then a close-up of the fabric.
    gallery = [pictures.product_name(sub.shape, code) for code in colors[1:]]
    gallery.append(pictures.swatch_name(colors[0]))
    alt = f"{brand} {name}"
    alts = alt_texts(brand, names)
    images = [
        (image, alt, order, alts["alt_text_ru"], alts["alt_text_ky"]) for order, image in enumerate(gallery, start=1)
    ]
    return PlannedProduct(product, skus, features, images, {(sub.shape, code) for code in colors}, colors[0])


def _insert(plans):
    """A chunk's products, then their SKUs, features and images under the products' new keys."""
    ids = insert_rows(Product, PRODUCT_COLUMNS, [plan.product for plan in plans], return_ids=True)
    for model, columns, part in (
        (SKU, SKU_COLUMNS, "skus"),
        (ProductFeature, FEATURE_COLUMNS, "features"),
        (ProductImage, IMAGE_COLUMNS, "images"),
    ):
        rows = [(pk, *row) for pk, plan in zip(ids, plans, strict=True) for row in getattr(plan, part)]
        insert_rows(model, columns, rows)


def seed_products(*, count, offerings, pictures, progress):
    """Products 0…count-1 that do not exist yet; returns how many were created."""
    existing = set(Product.objects.values_list("slug", flat=True))
    created = 0
    with ChunkWriter(_insert) as writer:
        for start in range(0, count, CHUNK):
            stop = min(start + CHUNK, count)
            plans = [plan_product(i, offerings, pictures=pictures, existing_slugs=existing) for i in range(start, stop)]
            plans = [plan for plan in plans if plan is not None]
            for shape, color_code in set().union(*(plan.pictures for plan in plans)):
                pictures.product(shape, color_code)
            for color_code in {plan.swatch for plan in plans}:
                pictures.swatch(color_code)
            if plans:
                writer.write(plans)
                created += len(plans)
            progress.update(stop - start)
    # The bulk inserts skip save(), and with it the signal that builds a product's search columns.
    refresh_in_batches(unindexed_products())
    return created


TRANSLATED_PRODUCT_COLUMNS = ("name_ru", "name_ky", "description_ru", "description_ky")


def translate_existing_products(*, offerings, pictures):
    """Demo products an earlier run wrote in English only get their Russian and Kyrgyz texts, from
    the same plan that made them; returns how many products were translated."""
    pending = dict(Product.objects.filter(name_ru="", slug__regex=r"-[0-9]+$").values_list("slug", "pk"))
    translated = 0
    slugs = sorted(pending)
    for start in range(0, len(slugs), CHUNK):
        with transaction.atomic():
            translated += _translate_chunk(slugs[start : start + CHUNK], pending, offerings, pictures)
    if translated:
        refresh_in_batches(Product.objects.filter(pk__in=pending.values()))
    return translated


def _translate_chunk(slugs, pending, offerings, pictures):
    plans = {}
    for slug in slugs:
        plan = plan_product(int(slug.rsplit("-", 1)[1]) - 1, offerings, pictures=pictures)
        if plan is not None and plan.product[1] == slug:
            plans[pending[slug]] = plan
    products = [Product(pk=pk, **dict(zip(PRODUCT_COLUMNS, plan.product, strict=True))) for pk, plan in plans.items()]
    Product.objects.bulk_update(products, TRANSLATED_PRODUCT_COLUMNS, batch_size=500)
    by_code = {row[0]: row for plan in plans.values() for row in plan.skus}
    skus = list(SKU.objects.filter(product_id__in=plans, sku_code__in=by_code).only("pk", "sku_code"))
    for sku in skus:
        for column, value in zip(SKU_COLUMNS[1:], by_code[sku.sku_code], strict=True):
            setattr(sku, column, value)
    SKU.objects.bulk_update(skus, ("size_ru", "size_ky", "color_ru", "color_ky"), batch_size=1000)
    for model, columns, part, fields in (
        (ProductFeature, FEATURE_COLUMNS, "features", ("feature_text_ru", "feature_text_ky")),
        (ProductImage, IMAGE_COLUMNS, "images", ("alt_text_ru", "alt_text_ky")),
    ):
        planned = {
            (pk, row[columns.index("sort_order") - 1]): dict(zip(columns[1:], row, strict=True))
            for pk, plan in plans.items()
            for row in getattr(plan, part)
        }
        rows = list(model.objects.filter(product_id__in=plans).only("pk", "product_id", "sort_order"))
        for row in rows:
            values = planned.get((row.product_id, row.sort_order), {})
            for field in fields:
                setattr(row, field, values.get(field, ""))
        model.objects.bulk_update(rows, fields, batch_size=1000)
    return len(plans)
