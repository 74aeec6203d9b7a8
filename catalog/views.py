"""Catalog pages: the home page, categories and listings with filters, best sellers, search, and
product pages with variants."""

import functools

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from catalog import structured_data
from catalog.facets import ListingScope
from catalog.fragments import render_product_head
from catalog.listing import (
    ALL_PRODUCTS_SORT,
    BEST_SELLER_ORDER,
    SEARCH_ORDER,
    filter_chips,
    search_facet_values,
    without_empty_values,
)
from catalog.models import Product, Subcategory
from catalog.pricing import MarketPricing
from catalog.product_page import buy_box_context, sections_context
from catalog.search import MIN_QUERY_LENGTH, clean_query, did_you_mean, ranked_search, suggest
from catalog.selectors import (
    category_in_market,
    home_rows,
    listed_products,
    market_products,
    product_listing,
    product_page_rows,
    related_products,
    variant_choice,
)
from marketing.models import Banner
from storefront.content import translated
from storefront.htmx import wants_partial
from storefront.market_urls import market_reverse
from storefront.markets import MarketScope, get_market, is_sold_in
from storefront.money import format_for_market
from storefront.page_cache import shared_page
from storefront.renditions import picture_of

HOME_SHELF = 8


def without_empty_parameters(view):
    """A listing asked for with empty parameters (`?min=&max=`, as a filter form sent without
    JavaScript asks) redirects to its URL without them, so shared and indexed URLs stay clean."""

    @functools.wraps(view)
    def clean(request, *args, **kwargs):
        kept = without_empty_values(request.GET)
        if kept is None:
            return view(request, *args, **kwargs)
        query = kept.urlencode()
        return redirect(f"{request.path}?{query}" if query else request.path)

    return clean


@shared_page
@require_safe
def home(request):
    pricing = MarketPricing.load(request.market)
    banners, featured, best_sellers = home_rows(pricing, HOME_SHELF)
    context = {
        "hero_banners": [b for b in banners if b.banner_type == Banner.Type.HERO],
        "promo_banners": [b for b in banners if b.banner_type == Banner.Type.PROMO],
        "category_banners": [b for b in banners if b.banner_type == Banner.Type.CATEGORY],
        "featured": featured,
        "best_sellers": best_sellers,
        "alternates": structured_data.alternates(request, "home"),
    }
    return TemplateResponse(request, "home.html", context)


def _render_listing(
    request,
    template,
    context,
    base,
    pricing,
    *,
    scope=None,
    default_sort="best",
    with_subcategories=True,
    order_by=None,
    page_of=None,
):
    """`page_of` names the listing page for its hreflang links: (view name, URL kwargs, market scope)."""
    listing = product_listing(
        request.GET,
        base,
        pricing,
        scope=scope,
        default_sort=default_sort,
        with_subcategories=with_subcategories,
        order_by=order_by,
    )
    if page_of is not None:
        # The versions of this page as its canonical link names it: the page number, never the filters.
        viewname, kwargs, market_scope = page_of
        number = listing.page.number
        query = {"page": number} if number > 1 else None
        context = {
            **context,
            "alternates": structured_data.alternates(request, viewname, kwargs, scope=market_scope, query=query),
        }
    return _listing_response(request, template, context, listing)


def _listing_response(request, template, context, listing):
    chips = filter_chips(request.path, request.GET, listing, request.market) if listing.filters.active_count else ()
    context = {**context, "listing": listing, "filters": listing.filters, "chips": chips}
    context["partial"] = wants_partial(request)
    if context["partial"]:
        template += "#listing"
    return TemplateResponse(request, template, context)


def _category_for(request, slug):
    category = category_in_market(request.market, slug)
    if category is None:
        raise Http404(_("No such category."))
    return category


@shared_page
@require_safe
@without_empty_parameters
@vary_on_headers("HX-Request")
def category_detail(request, slug):
    category = _category_for(request, slug)
    pricing = MarketPricing.load(request.market)
    scope = ListingScope(category_id=category.pk)
    context = {
        "category": category,
        "heading": translated(category, "name"),
        "breadcrumbs_jsonld": structured_data.breadcrumbs(request, structured_data.category_trail(request, category)),
    }
    base = listed_products(pricing, scope)
    page_of = ("catalog:category_detail", {"slug": category.slug}, category.market)
    return _render_listing(request, "catalog/product_list.html", context, base, pricing, scope=scope, page_of=page_of)


@shared_page
@require_safe
@without_empty_parameters
@vary_on_headers("HX-Request")
def subcategory_detail(request, slug, subslug):
    category = _category_for(request, slug)
    subcategory = get_object_or_404(Subcategory.objects.active(), category=category, slug=subslug)
    pricing = MarketPricing.load(request.market)
    scope = ListingScope(subcategory_id=subcategory.pk)
    trail = structured_data.category_trail(request, category, subcategory)
    context = {
        "category": category,
        "subcategory": subcategory,
        "heading": translated(subcategory, "name"),
        "breadcrumbs_jsonld": structured_data.breadcrumbs(request, trail),
    }
    base = listed_products(pricing, scope)
    page_of = ("catalog:subcategory_detail", {"slug": category.slug, "subslug": subcategory.slug}, category.market)
    return _render_listing(
        request,
        "catalog/product_list.html",
        context,
        base,
        pricing,
        scope=scope,
        with_subcategories=False,
        page_of=page_of,
    )


@shared_page
@require_safe
@without_empty_parameters
@vary_on_headers("HX-Request")
def product_list(request):
    pricing = MarketPricing.load(request.market)
    scope = ListingScope()
    base = listed_products(pricing, scope)
    context = {"heading": _("All products")}
    return _render_listing(
        request,
        "catalog/product_list.html",
        context,
        base,
        pricing,
        scope=scope,
        default_sort=ALL_PRODUCTS_SORT,
        page_of=("catalog:product_list", None, MarketScope.ALL),
    )


@shared_page
@require_safe
@without_empty_parameters
@vary_on_headers("HX-Request")
def best_sellers(request):
    pricing = MarketPricing.load(request.market)
    scope = ListingScope(best_sellers=True)
    base = listed_products(pricing, scope)
    context = {"heading": _("Best sellers"), "is_best_sellers": True}
    # Unless the shopper picks a sort, the page lists best sellers as the home page shelf does.
    ordering = None if "sort" in request.GET else BEST_SELLER_ORDER
    page_of = ("catalog:best_sellers", None, MarketScope.ALL)
    return _render_listing(
        request, "catalog/product_list.html", context, base, pricing, scope=scope, order_by=ordering, page_of=page_of
    )


def _product_or_redirect(request, slug, pricing):
    rows = product_page_rows(slug, pricing)
    if rows is None:
        raise Http404
    product = rows[0]
    if is_sold_in(product.market, request.market):
        return rows, None
    if request.user.is_authenticated or product.market == MarketScope.ALL:
        raise Http404(_("This product is not sold in your market."))
    # A visitor on the wrong market's page goes to the market that sells it, for good: the product's
    # market is fixed (an ALL product is sold everywhere), so crawlers keep the one address.
    seller = get_market(product.market)
    url = market_reverse("catalog:product_detail", seller, kwargs={"slug": slug}, query=request.GET or None)
    return None, redirect(url, permanent=True)


@shared_page
@require_safe
@vary_on_headers("HX-Request")
def product_detail(request, slug):
    pricing = MarketPricing.load(request.market)
    rows, response = _product_or_redirect(request, slug, pricing)
    if response:
        return response
    # The buy box shows the thumbnails too, so its HTMX partial needs them as much as the page.
    product, images, features = rows
    choice = variant_choice(product, pricing, size=request.GET.get("size", ""), color=request.GET.get("color", ""))
    gallery = choice.gallery(images, translated(product, "name"))
    context = {"product": product, "choice": choice, "price": choice.price, "images": images, "gallery": gallery}
    context.update(buy_box_context(request, choice))
    if wants_partial(request):
        # The stars in the buy box come from the product's stored rating (kept in step with its
        # approved reviews), so a variant pick reads no review.
        context.update(review_total=product.reviews_count, rating=product.rating)
        return TemplateResponse(request, "catalog/product_detail.html#product-buy-box", context)

    # Sections of apps above the catalog (the reviews) add their part, and may set the rating shown.
    context.update(sections_context(request, product))
    review_total, rating = context.get("review_total", 0), context.get("rating")
    context.update(
        features=features,
        related=related_products(product, pricing),
        head=render_product_head(
            request, choice, review_total, rating, lambda: _product_head_values(request, context, images)
        ),
    )
    return TemplateResponse(request, "catalog/product_detail.html", context)


def _product_head_values(request, context, images):
    """What a product page's head shows (`catalog.fragments.render_product_head`)."""
    product, choice = context["product"], context["choice"]
    review_total, rating = context.get("review_total", 0), context.get("rating")
    return {
        "product": product,
        "price": context["price"],
        "structured_data": [
            structured_data.product(
                request, product, choice=choice, review_total=review_total, rating=rating, images=images
            ),
            structured_data.breadcrumbs(request, structured_data.product_trail(request, product)),
        ],
        "alternates": structured_data.product_alternates(request, product),
    }


@shared_page
@require_safe
@without_empty_parameters
@vary_on_headers("HX-Request")
def search(request):
    query = clean_query(request.GET.get("q", ""))
    pricing = MarketPricing.load(request.market)
    products = market_products(pricing)
    context = {"heading": _("Search"), "search_query": query}
    if not query:
        return _render_listing(request, "catalog/product_list.html", context, products.none(), pricing)
    # The search's SQL is built once per pricing (the market, its rate and its running sales, which
    # the on-sale facet reads) and language.
    shape = ("search", pricing)
    values = functools.partial(search_facet_values, request.market)
    base, named = ranked_search(
        products, query, language=request.LANGUAGE_CODE, values=values, shape=shape, lazy="sort" not in request.GET
    )
    if "sort" in request.GET:
        listing = product_listing(request.GET, base, pricing)
    else:
        listing = product_listing(request.GET, base, pricing, order_by=SEARCH_ORDER, named=named)
    context["suggestions"] = did_you_mean(
        products, query, found=listing.paginator.count, language=request.LANGUAGE_CODE
    )
    return _listing_response(request, "catalog/product_list.html", context, listing)


@shared_page
@require_safe
def search_suggestions(request):
    """The header search's suggestions: products with their picture and price in the market."""
    query = clean_query(request.GET.get("q", ""))
    suggestions = []
    if len(query) >= MIN_QUERY_LENGTH:
        pricing = MarketPricing.load(request.market)
        rows = suggest(market_products(pricing), query, language=request.LANGUAGE_CODE)
        suggestions = [_suggestion(request, row) for row in rows]
    return TemplateResponse(
        request,
        "catalog/_search_suggestions.html#search-suggestions",
        {"suggestions": suggestions, "search_query": query},
    )


def _stored_picture(field, name, record):
    """The Picture of an image `field`'s stored file `name` and its renditions record, read by
    `values()` (no model instance); None for no file."""
    return picture_of(field.attr_class(None, field, name), record) if name else None


def _suggestion(request, row):
    return {
        "name": translated(row, "name"),
        "brand": row["brand"],
        "url": market_reverse("catalog:product_detail", request.market, kwargs={"slug": row["slug"]}),
        "picture": _stored_picture(Product.image.field, row["image"], row["renditions"]),
        "price": format_for_market(row["market_price"], request.market),
    }
