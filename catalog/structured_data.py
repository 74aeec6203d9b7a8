"""schema.org JSON-LD for catalog pages (Product with Offer, AggregateRating, BreadcrumbList)."""

from django.utils.translation import gettext as _

from storefront.content import translated
from storefront.languages import language_query
from storefront.market_urls import market_reverse
from storefront.markets import MARKETS, MarketScope, is_sold_in

IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"


def absolute(request, path):
    return request.build_absolute_uri(path)


def breadcrumbs(request, trail):
    """BreadcrumbList from (name, path) pairs, Home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(request, path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def category_trail(request, category, subcategory=None):
    market = request.market
    trail = [
        (_("Home"), market_reverse("home", market)),
        (
            translated(category, "name"),
            market_reverse("catalog:category_detail", market, kwargs={"slug": category.slug}),
        ),
    ]
    if subcategory:
        kwargs = {"slug": category.slug, "subslug": subcategory.slug}
        trail.append(
            (translated(subcategory, "name"), market_reverse("catalog:subcategory_detail", market, kwargs=kwargs))
        )
    return trail


def product_trail(request, product):
    url = market_reverse("catalog:product_detail", request.market, kwargs={"slug": product.slug})
    return [*category_trail(request, product.category, product.subcategory), (translated(product, "name"), url)]


def product(request, product, *, choice, review_total, images, rating=None):
    """Product with one Offer in the market's currency; availability from the chosen SKU's stock.

    `rating` is the average of the `review_total` approved reviews (the stored `product.rating` otherwise).
    """
    url = absolute(request, request.path)
    pictures = [absolute(request, choice.image_url)] if choice.image_url else []
    pictures += [absolute(request, image.picture_url) for image in images if image.picture_url]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": translated(product, "name"),
        "brand": {"@type": "Brand", "name": product.brand},
        "description": translated(product, "description"),
        "sku": choice.sku.sku_code if choice.sku else product.slug,
        "url": url,
        "image": pictures,
        "category": translated(product.category, "name"),
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": f"{choice.price.amount:.2f}",
            "priceCurrency": choice.price.currency,
            "availability": IN_STOCK if choice.in_stock else OUT_OF_STOCK,
            "itemCondition": "https://schema.org/NewCondition",
        },
    }
    if choice.price.sale and choice.price.sale.ends_at:
        # A sale price is good until the sale ends.
        data["offers"]["priceValidUntil"] = choice.price.sale.ends_at.date().isoformat()
    if review_total:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{rating if rating is not None else product.rating:.1f}",
            "reviewCount": review_total,
            "bestRating": "5",
            "worstRating": "1",
        }
    return data


def language_versions(viewname, kwargs=None, *, scope=MarketScope.ALL, query=None):
    """(hreflang, path) of a page in each market of `scope` and each language it speaks (`ru-KG`,
    `ky-KG`, `en-KG`, `en-US`), then x-default at the first one: the same list on every version of
    the page, so each names all the others (reciprocal). `query` (such as a page number) is kept."""
    versions = [
        (
            f"{language}-{config.country}",
            market_reverse(
                viewname, config, kwargs=kwargs, query={**(query or {}), **language_query(language, config)}
            ),
        )
        for config in MARKETS.values()
        if is_sold_in(scope, config)
        for language in config.languages
    ]
    return [*versions, ("x-default", versions[0][1])] if versions else []


def alternates(request, viewname, kwargs=None, *, scope=MarketScope.ALL, query=None):
    """`hreflang` links (absolute) to a page's versions, as `language_versions` lists them."""
    return [
        {"hreflang": hreflang, "url": absolute(request, path)}
        for hreflang, path in language_versions(viewname, kwargs, scope=scope, query=query)
    ]


def product_alternates(request, product):
    """`hreflang` links of a product page: its languages in every market that sells it."""
    return alternates(request, "catalog:product_detail", {"slug": product.slug}, scope=product.market)
