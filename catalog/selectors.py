"""Reads the catalog pages and the JSON API share: a market's products priced for it, its listings,
a category by slug, a product's variants and its related products."""

import functools

from django.db import connections, router
from django.utils.translation import gettext as _

from catalog.facets import ListingScope, precomputed_counts
from catalog.fragments import attach_cards, kept_each_until_changed, kept_until_changed
from catalog.listing import PAGE_SIZE, build_listing, on_sale_count, parse_filters
from catalog.models import SKU, Category, Product, running_sales_condition
from catalog.pricing import MarketPricing
from catalog.search_index import SEARCH_FIELDS
from catalog.variants import VariantChoice
from marketing.models import Banner
from storefront.market_urls import market_reverse
from storefront.markets import MarketConfig, get_market, is_sold_in

RELATED_COUNT = 8


def priced(products, pricing: MarketPricing):
    """Attach `price_info` (a Price in the market's currency) and `card` (what its product card
    prints, `catalog.fragments`) to each product."""
    for product in products:
        product.price_info = pricing.product_price(product)
    return attach_cards(products, pricing.market)


def market_products(pricing: MarketPricing):
    """Active products sold in `pricing`'s market (its own and ALL), priced for it."""
    return _market_products(pricing).all()


def priced_products(pricing: MarketPricing):
    """Active products of every market, priced for `pricing`'s market where they are sold there
    (a product page finds a product first, then sends a visitor to the market that sells it)."""
    return _priced_products(pricing).all()


# Building the price annotations takes most of a millisecond; every page clones one unevaluated
# queryset per market and rate instead (as Django's generic views clone their `queryset`). The
# search columns (~0.9 KB a product) are left unread: no page shows them, and kept rows carry less.
@functools.lru_cache(maxsize=32)
def _market_products(pricing: MarketPricing):
    return Product.objects.active().for_market(pricing.market).with_prices(pricing).defer(*SEARCH_FIELDS)


@functools.lru_cache(maxsize=32)
def _priced_products(pricing: MarketPricing):
    return Product.objects.active().with_prices(pricing).defer(*SEARCH_FIELDS)


def listed_products(pricing: MarketPricing, scope: ListingScope):
    """The products of `scope` in `pricing`'s market, priced for it: the base of its listing."""
    return scope.narrow(market_products(pricing))


def product_listing(
    query,
    base,
    pricing: MarketPricing,
    *,
    scope: ListingScope | None = None,
    default_sort="best",
    with_subcategories=True,
    order_by=None,
    per_page=PAGE_SIZE,
    named=None,
):
    """The listing every product list shows: `query`'s filters on `base`, sorted, paged and priced.

    `scope`, when `base` is `listed_products(pricing, scope)`, lets an unfiltered listing take its
    counts from the rows `catalog.facets` keeps instead of counting them. `named`: `base`'s
    products named in `order_by`'s order with their facet values counted (`catalog.search.Named`),
    when known (`catalog.listing.build_listing`).
    """
    filters = parse_filters(query, default_sort=default_sort)
    # An unfiltered search's page names its products (`named`, `build_listing`): each is kept priced
    # and with its card, whatever page of whichever search shows it.
    read_page = None
    if named is not None and order_by and not filters.active_count:
        read_page = functools.partial(kept_products, pricing=pricing)
    counts = precomputed_counts(scope, pricing.market, filters) if scope is not None else None
    if counts is not None and running_sales_condition(pricing.market) is not None:
        # The kept rows count fixed reductions only; a running sale's products are counted now.
        counts = {**counts, "flags": {**counts["flags"], "sale": on_sale_count(base, filters, pricing.market)}}
    listing = build_listing(
        base,
        filters,
        pricing.market,
        page_number=query.get("page"),
        with_subcategories=with_subcategories,
        order_by=order_by,
        per_page=per_page,
        counts=counts,
        named=named,
        read_page=read_page,
    )
    if scope is not None and not filters.active_count:
        # An unfiltered listing of a scope is the same page for every shopper: its rows, priced and
        # with their cards, are kept until a merchandiser's next change (a sale or rate moves it too;
        # a best-seller order that sales move follows within KEPT_ROWS_SECONDS, as the home page's
        # shelf does).
        page = listing.page
        shown = (pricing.market.code, str(pricing.rate), repr(scope), filters.sort, page.number, per_page)
        page.object_list = kept_until_changed(
            "listing-page", shown, lambda: priced(list(page.object_list), pricing), read_only=True
        )
    elif read_page is None:
        priced(listing.products, pricing)
    return listing


def kept_products(ids, pricing: MarketPricing):
    """{id: product} of the products `ids` sold in `pricing`'s market, priced and with their cards:
    each kept until a merchandiser's next change (`kept_each_until_changed`), one query for those
    not kept."""

    def read(missing):
        return {
            product.pk: product
            for product in priced(list(market_products(pricing).filter(pk__in=missing).order_by()), pricing)
        }

    return kept_each_until_changed("product", (pricing.market.code, str(pricing.rate)), ids, read, read_only=True)


def category_in_market(market: MarketConfig, slug):
    """The active category `slug` of `market`, or None; a market's own wins over an ALL one."""

    def read():
        categories = Category.objects.active().for_market(market).filter(slug=slug)
        # "KG"/"US" sort after "ALL".
        return categories.order_by("-market").first()

    # Kept until a merchandiser's next change, as the rows of the pages that show it are.
    return kept_until_changed("category", (market.code, slug), read)


def variant_choice(product, pricing: MarketPricing, *, size="", color=""):
    """The product's active SKUs priced in `pricing`'s market, with the size and color picked."""
    return VariantChoice(product, product_skus(product, pricing), pricing, size=size, color=color)


def product_skus(product, pricing: MarketPricing):
    """The product's active SKUs with `pricing`'s fixed prices (`with_sku_prices`), and their stock as it is now.

    What each SKU is (size, color, code, pictures, prices) is kept until a merchandiser's next change,
    as the product's own rows are; its stock, which orders take without a signal, is read on every
    request (`live_stock`, one small query). When the active SKUs are not the kept ones (a SKU
    switched on or off by a write that sent no signal), they are all read afresh.
    """

    read_now = []

    def read():
        read_now.append(True)
        return list(pricing.with_sku_prices(product.skus.filter(is_active=True)))

    kept = kept_until_changed("product-skus", (pricing.market.code, str(pricing.rate), product.pk), read)
    if read_now:
        return kept
    stock = live_stock(product.pk)
    if sorted(stock) != sorted(sku.pk for sku in kept):
        return read()
    for sku in kept:  # each request unpickles its own copies from the cache (or read them just now)
        sku.stock = stock[sku.pk]
    return kept


def live_stock(product_id):
    """{SKU id: stock} of the product's active SKUs, read now. A statement of its own: building it
    through the ORM costs several times what the database takes to answer it."""
    table = SKU._meta.db_table
    with connections[router.db_for_read(SKU)].cursor() as cursor:
        cursor.execute(f"SELECT id, stock FROM {table} WHERE product_id = %s AND is_active = %s", [product_id, True])  # noqa: S608
        return dict(cursor.fetchall())


def product_page_rows(slug, pricing: MarketPricing):
    """(product, pictures, features) of the active product `slug` of any market, priced for
    `pricing`'s market where sold there, with its category and subcategory; None when there is none.

    Kept until a merchandiser's next change (`catalog.fragments.kept_until_changed`): none of it
    changes otherwise. Its SKUs' stock is read by `variant_choice` on every request.
    """

    def read():
        products = priced_products(pricing).select_related("category", "subcategory").filter(slug=slug)
        product = products.first()
        if product is None:
            return None
        return product, list(product.images.all()), list(product.features.all())

    return kept_until_changed("product-rows", (pricing.market.code, str(pricing.rate), slug), read)


def home_rows(pricing: MarketPricing, shelf_size):
    """(live banners, featured products, best sellers) of the home page in `pricing`'s market, the
    products priced; kept until a merchandiser's next change, as a product page's rows are (a
    banner's start or end, like a sale's, is a scheduled change of the shared pages' version)."""

    def read():
        banners = Banner.objects.live().for_market(pricing.market).order_by("sort_order", "-created_at")
        products = market_products(pricing)
        return (
            list(banners),
            priced(list(products.featured().order_by("-created_at", "-id")[:shelf_size]), pricing),
            priced(list(products.best_sellers()[:shelf_size]), pricing),
        )

    return kept_until_changed("home", (pricing.market.code, str(pricing.rate), shelf_size), read, read_only=True)


def related_products(product, pricing: MarketPricing):
    """Best sellers of the product's category in the market, the product itself left out, priced.

    One list per category (one more than shown, so leaving any product out leaves enough), kept
    until a merchandiser's next change, as its cards are.
    """

    def read():
        best = market_products(pricing).filter(category_id=product.category_id).order_by("-sales_count", "-id")
        return priced(list(best[: RELATED_COUNT + 1]), pricing)

    key = (pricing.market.code, str(pricing.rate), product.category_id)
    best = kept_until_changed("related", key, read, read_only=True)
    return [related for related in best if related.pk != product.pk][:RELATED_COUNT]


def product_landing(kwargs, market: MarketConfig):
    """Where a shopper switching to `market` on a product page it does not sell lands: the product's
    subcategory or category when `market` has it, else its home page; and why (None when it sells it)."""
    product = Product.objects.select_related("category", "subcategory").filter(slug=kwargs.get("slug")).first()
    if product is None or is_sold_in(product.market, market):
        return None
    message = _("This item is sold in %(market)s only.") % {"market": get_market(product.market).label}
    category = product.category
    if category.is_active and is_sold_in(category.market, market):
        subcategory = product.subcategory
        if subcategory is not None and subcategory.is_active:
            url = market_reverse(
                "catalog:subcategory_detail", market, kwargs={"slug": category.slug, "subslug": subcategory.slug}
            )
        else:
            url = market_reverse("catalog:category_detail", market, kwargs={"slug": category.slug})
        return url, message
    return market_reverse("home", market), message
