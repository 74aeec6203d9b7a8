"""The catalog and the banners of the caller's market, as JSON, for anyone.

Every list goes through the web's own code: `catalog.selectors.product_listing` (the filters, facets,
sorts and pages of the web listings), `catalog.search.search_products` (the web's search) and the
querysets' `for_market`, so an app shows exactly what the storefront shows in the same market, at
the same prices (`catalog.pricing.MarketPricing`). A signed-in caller's market is their own; an
anonymous caller names one with `?market=`.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.errors import ApiError, ErrorSerializer
from api.fields import MoneySerializer, TranslatedField
from api.market import MARKET_PARAMETER, request_market
from api.pagination import Pages
from catalog.facets import ListingScope
from catalog.listing import ALL_PRODUCTS_SORT, BEST_SELLER_ORDER, PAGE_SIZE, SEARCH_ORDER, SORTS, ListingFilterForm
from catalog.models import Category, Subcategory
from catalog.pricing import MarketPricing, Price
from catalog.search import MIN_QUERY_LENGTH, clean_query, did_you_mean, search_products
from catalog.selectors import (
    category_in_market,
    listed_products,
    market_products,
    product_listing,
    variant_choice,
)
from catalog.variants import LOW_STOCK
from marketing.models import Banner
from marketing.tracking import click_url, is_allowed_target
from storefront.content import translated
from storefront.market_urls import market_reverse

MAX_PAGE_SIZE = Pages.max_page_size


def _absolute(request, url):
    """`url` as an absolute URL (uploads are site paths; linked pictures are absolute already)."""
    return request.build_absolute_uri(url) if url else None


# --- serializers ---------------------------------------------------------------------------------


def _original(price):
    """The crossed-out price of a discounted Price, else None."""
    if not price.is_discounted:
        return None
    return MoneySerializer(Price(price.original, None, price.currency)).data


class ProductCardSerializer(serializers.Serializer):
    """A product as the storefront's product cards show it, priced in the market."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = TranslatedField()
    brand = serializers.CharField()
    price = MoneySerializer(source="price_info")
    original_price = serializers.SerializerMethodField(help_text="The price before the discount, when on sale.")
    on_sale = serializers.BooleanField(source="price_info.is_discounted")
    discount_percent = serializers.IntegerField(source="price_info.discount_percent")
    image = serializers.SerializerMethodField()
    rating = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, max_value=5, coerce_to_string=False, help_text="0 to 5 stars."
    )
    reviews_count = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    web_url = serializers.SerializerMethodField(help_text="The product's page on the storefront in this market.")

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_original_price(self, product):
        return _original(product.price_info)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, product):
        return _absolute(self.context["request"], product.image.url if product.image else "")

    @extend_schema_field(serializers.URLField())
    def get_web_url(self, product):
        path = market_reverse("catalog:product_detail", self.context["market"], kwargs={"slug": product.slug})
        return self.context["request"].build_absolute_uri(path)


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to pass back in the filter parameter.")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="How many products ticking this option would leave.")
    selected = serializers.BooleanField()


class FacetFlagsSerializer(serializers.Serializer):
    in_stock = serializers.IntegerField(help_text="Products left by in_stock=true.")
    sale = serializers.IntegerField(help_text="Products left by sale=true.")


class FacetsSerializer(serializers.Serializer):
    sub = FacetOptionSerializer(many=True, help_text="Subcategories.")
    brand = FacetOptionSerializer(many=True)
    size = FacetOptionSerializer(many=True)
    color = FacetOptionSerializer(many=True)
    flags = FacetFlagsSerializer()


class SortOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class ProductPageSerializer(serializers.Serializer):
    """One page of a listing, with the facets the web shows next to it."""

    count = serializers.IntegerField(help_text="Products matching the filters, on every page.")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    sort = serializers.CharField(
        help_text="The sort applied: one of sort_options, or the endpoint's own order (best_sellers, relevance)."
    )
    sort_options = SortOptionSerializer(many=True)
    facets = FacetsSerializer()
    results = ProductCardSerializer(many=True)


class SearchPageSerializer(ProductPageSerializer):
    query = serializers.CharField(help_text="The query as searched (control characters and extra spaces removed).")
    did_you_mean = serializers.ListField(
        child=serializers.CharField(), help_text="Corrected queries, offered when the search finds few products."
    )


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = TranslatedField()


class ImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    alt = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, image):
        return _absolute(self.context["request"], image.picture_url)

    def get_alt(self, image) -> str:
        return translated(image, "alt_text") or translated(self.context["product"], "name")


class VariantOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What `?size=` or `?color=` takes.")
    label = serializers.CharField(help_text="The size or color in the shopper's language, for display.")
    selected = serializers.BooleanField()
    exists = serializers.BooleanField(help_text="A SKU has this value (together with the other value picked).")
    in_stock = serializers.BooleanField()
    available = serializers.SerializerMethodField(help_text="It exists and has stock: it can be picked.")
    swatch = serializers.CharField(help_text="A color's hex swatch, such as #1A1A1A; empty for sizes.")

    def get_available(self, option) -> bool:
        return not option.disabled


class SKUSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku_code = serializers.CharField()
    size = serializers.CharField(help_text="What `?size=` takes.")
    size_label = serializers.SerializerMethodField(help_text="The size in the shopper's language.")
    color = serializers.CharField(help_text="What `?color=` takes.")
    color_label = serializers.SerializerMethodField(help_text="The color in the shopper's language.")
    color_hex = serializers.CharField()
    stock = serializers.IntegerField()
    in_stock = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField(
        help_text=f"in_stock, low_stock (at most {LOW_STOCK} left) or out_of_stock."
    )
    price = serializers.SerializerMethodField()
    original_price = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField(help_text="The variant's own picture, if it has one.")

    def get_size_label(self, sku) -> str:
        return translated(sku, "size")

    def get_color_label(self, sku) -> str:
        return translated(sku, "color")

    def get_in_stock(self, sku) -> bool:
        return sku.stock > 0

    @extend_schema_field(serializers.ChoiceField(choices=["in_stock", "low_stock", "out_of_stock"]))
    def get_availability(self, sku):
        if sku.stock <= 0:
            return "out_of_stock"
        return "low_stock" if sku.stock <= LOW_STOCK else "in_stock"

    def _price(self, sku):
        return self.context["pricing"].sku_price(sku, self.context["product"])

    @extend_schema_field(MoneySerializer())
    def get_price(self, sku):
        return MoneySerializer(self._price(sku)).data

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_original_price(self, sku):
        return _original(self._price(sku))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, sku):
        return _absolute(self.context["request"], sku.variant_image.url if sku.variant_image else "")


class SelectionSerializer(serializers.Serializer):
    """What the size and color asked for (`?size=&color=`) pick, as the web's buy box shows it."""

    size = serializers.CharField(help_text="The size picked (the only one, when there is one); empty when none.")
    color = serializers.CharField(help_text="The color picked (the only one, when there is one); empty when none.")
    size_label = serializers.CharField(help_text="The size picked, in the shopper's language.")
    color_label = serializers.CharField(help_text="The color picked, in the shopper's language.")
    sku_id = serializers.IntegerField(allow_null=True, help_text="The SKU to add to the cart, once one is picked.")
    price = MoneySerializer()
    original_price = MoneySerializer(allow_null=True)
    in_stock = serializers.BooleanField()
    message = serializers.CharField(help_text="Such as “Choose a size”, “Only 2 left” or “Out of stock”.")


class ProductDetailSerializer(ProductCardSerializer):
    """A product page: the card's fields, its pictures, features and variants (`choice` in the context)."""

    description = TranslatedField()
    category = CategoryRefSerializer()
    subcategory = CategoryRefSerializer(allow_null=True)
    images = serializers.SerializerMethodField()
    features = serializers.SerializerMethodField()
    sizes = serializers.SerializerMethodField()
    colors = serializers.SerializerMethodField()
    skus = serializers.SerializerMethodField(help_text="Every active SKU, priced in the market.")
    selection = serializers.SerializerMethodField()

    @extend_schema_field(ImageSerializer(many=True))
    def get_images(self, product):
        return ImageSerializer(product.images.all(), many=True, context=self.context).data

    def get_features(self, product) -> list[str]:
        return [translated(feature, "feature_text") for feature in product.features.all()]

    @extend_schema_field(VariantOptionSerializer(many=True))
    def get_sizes(self, product):
        return VariantOptionSerializer(self.context["choice"].size_options, many=True).data

    @extend_schema_field(VariantOptionSerializer(many=True))
    def get_colors(self, product):
        return VariantOptionSerializer(self.context["choice"].color_options, many=True).data

    @extend_schema_field(SKUSerializer(many=True))
    def get_skus(self, product):
        return SKUSerializer(self.context["choice"].skus, many=True, context=self.context).data

    @extend_schema_field(SelectionSerializer())
    def get_selection(self, product):
        choice = self.context["choice"]
        return SelectionSerializer(
            {
                "size": choice.size,
                "color": choice.color,
                "size_label": choice.size_label,
                "color_label": choice.color_label,
                "sku_id": choice.sku.pk if choice.sku else None,
                "price": choice.price,
                "original_price": Price(choice.price.original, None, choice.price.currency)
                if choice.price.is_discounted
                else None,
                "in_stock": choice.in_stock,
                "message": str(choice.stock_message),
            }
        ).data


class SubcategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = TranslatedField()


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = TranslatedField()
    description = TranslatedField()
    icon = serializers.CharField()
    image = serializers.SerializerMethodField()
    subcategories = SubcategorySerializer(many=True, source="active_subcategories")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, category):
        return _absolute(self.context["request"], category.picture_url)


class BannerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(source="banner_type", choices=Banner.Type.choices)
    title = TranslatedField()
    subtitle = TranslatedField()
    image = serializers.SerializerMethodField()
    alt_text = serializers.SerializerMethodField()
    button_text = TranslatedField()
    link = serializers.SerializerMethodField(
        help_text="Where the banner leads (a path on this site or an allowed host); null when it leads nowhere."
    )
    click_url = serializers.SerializerMethodField(
        help_text="Open this instead of `link` to count the click: a signed redirect to `link`."
    )
    sort_order = serializers.IntegerField()
    start_date = serializers.DateTimeField(allow_null=True)
    end_date = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, banner):
        return _absolute(self.context["request"], banner.picture_url)

    def get_alt_text(self, banner) -> str:
        return translated(banner, "alt_text") or translated(banner, "title")

    def _target(self, banner):
        # The click redirect follows only links to this site or an allowed host; others are not offered.
        link = banner.link_url.strip()
        return link if link and is_allowed_target(link, self.context["request"]) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_link(self, banner):
        return self._target(banner)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_click_url(self, banner):
        if self._target(banner) is None:
            return None
        return self.context["request"].build_absolute_uri(click_url(banner, self.context["market"]))


# --- query parameters ------------------------------------------------------------------------------


def _list_parameter(name, description):
    return OpenApiParameter(name, OpenApiTypes.STR, many=True, explode=True, description=description)


LISTING_PARAMETERS = [
    MARKET_PARAMETER,
    _list_parameter("sub", "Subcategory slugs (repeat for several)."),
    _list_parameter("brand", "Brands (repeat for several)."),
    _list_parameter("size", "Sizes (repeat for several)."),
    _list_parameter("color", "Colors (repeat for several)."),
    OpenApiParameter("min", OpenApiTypes.DECIMAL, description="Lowest price, in the market's currency."),
    OpenApiParameter("max", OpenApiTypes.DECIMAL, description="Highest price, in the market's currency."),
    OpenApiParameter("in_stock", OpenApiTypes.BOOL, description="Only products with stock."),
    OpenApiParameter("sale", OpenApiTypes.BOOL, description="Only discounted products."),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS), description="The order of the results."),
    OpenApiParameter("page", OpenApiTypes.INT, description="From 1 to the last page (1 when absent)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_PAGE_SIZE}; {PAGE_SIZE} when absent."),
]
CATEGORY_PARAMETER = OpenApiParameter("category", OpenApiTypes.STR, description="Only this category (its slug).")
LIMIT_PARAMETER = OpenApiParameter(
    "limit",
    OpenApiTypes.INT,
    description=f"Another name for page_size: the first N best sellers (1 to {MAX_PAGE_SIZE}).",
)
QUERY_PARAMETER = OpenApiParameter(
    "q", OpenApiTypes.STR, required=True, description=f"What to search for: at least {MIN_QUERY_LENGTH} characters."
)
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer}
NOT_FOUND = {**ERRORS, 404: ErrorSerializer}


class _PagingParameters(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)


def _paging(query, *, size_parameter="page_size"):
    """(page, page size) asked for; a ValidationError naming every bad parameter, filters included.

    The web drops a bad filter with a message on the page; an app is told instead.
    """
    form = ListingFilterForm(query)
    errors = {} if form.is_valid() else {name: list(messages) for name, messages in form.errors.items()}
    raw = {"page": query.get("page"), "page_size": query.get(size_parameter)}
    paging = _PagingParameters(data={name: value for name, value in raw.items() if value is not None})
    if not paging.is_valid():
        errors.update(
            {size_parameter if name == "page_size" else name: messages for name, messages in paging.errors.items()}
        )
    if errors:
        raise ValidationError(errors)
    return paging.validated_data["page"], paging.validated_data["page_size"]


def _listing_page(
    request,
    base,
    pricing,
    *,
    scope=None,
    default_sort=None,
    order_by=None,
    order_name="",
    size_parameter="page_size",
):
    """The web's listing of `base` for this request's query, as the body of a page of products.

    `order_by` is the endpoint's own order (named `order_name`), used when the caller picks no sort.
    """
    page, page_size = _paging(request.query_params, size_parameter=size_parameter)
    query = request.query_params.copy()
    query["page"] = str(page)
    kwargs = {"default_sort": default_sort} if default_sort else {}
    listing = product_listing(query, base, pricing, scope=scope, order_by=order_by, per_page=page_size, **kwargs)
    if listing.page.number != page:
        last = listing.paginator.num_pages
        raise ValidationError(
            {"page": [_("There is no page %(page)d: the last one is %(last)d.") % {"page": page, "last": last}]}
        )
    url = request.build_absolute_uri()
    context = {"request": request, "market": pricing.market}
    facets = listing.facets
    return {
        "count": listing.paginator.count,
        "page": page,
        "num_pages": listing.paginator.num_pages,
        "page_size": page_size,
        "next": replace_query_param(url, "page", page + 1) if listing.page.has_next() else None,
        "previous": _previous(url, page),
        "sort": listing.filters.sort if order_by is None else order_name,
        "sort_options": [{"value": value, "label": str(label)} for value, label in listing.sort_options],
        "facets": FacetsSerializer(
            {
                "sub": facets.get("sub", []),
                "brand": facets["brand"],
                "size": facets["size"],
                "color": facets["color"],
                "flags": facets["flags"],
            }
        ).data,
        "results": ProductCardSerializer(listing.products, many=True, context=context).data,
    }


def _previous(url, page):
    if page <= 1:
        return None
    return remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1)


# --- products --------------------------------------------------------------------------------------


@extend_schema(
    tags=["catalog"],
    operation_id="products_list",
    summary="Products of the market",
    description=(
        "Active products sold in the caller's market, with the storefront's filters, facets, sorts and "
        "pages; newest first unless `sort` says otherwise. Bad parameters are a 400 naming each one."
    ),
    parameters=[*LISTING_PARAMETERS, CATEGORY_PARAMETER],
    responses={200: ProductPageSerializer, **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def product_list(request):
    market = request_market(request)
    pricing = MarketPricing.load(market)
    scope = ListingScope()
    slug = request.query_params.get("category")
    if slug:
        category = category_in_market(market, slug[:120])
        if category is None:
            raise ValidationError({"category": [_("There is no such category in this market.")]})
        scope = ListingScope(category_id=category.pk)
    base = listed_products(pricing, scope)
    return Response(_listing_page(request, base, pricing, scope=scope, default_sort=ALL_PRODUCTS_SORT))


@extend_schema(
    tags=["catalog"],
    operation_id="products_best_sellers",
    summary="Best sellers",
    description=(
        "The storefront's best sellers in the caller's market, in its best-seller order unless `sort` says "
        "otherwise; the same filters and pages as the product list. `limit` asks for the first N."
    ),
    parameters=[*LISTING_PARAMETERS, LIMIT_PARAMETER],
    responses={200: ProductPageSerializer, **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def best_sellers(request):
    pricing = MarketPricing.load(request_market(request))
    query = request.query_params
    if "limit" in query and "page_size" in query:
        raise ValidationError({"limit": [_("Give either limit or page_size, not both.")]})
    scope = ListingScope(best_sellers=True)
    ordering = None if "sort" in query else BEST_SELLER_ORDER
    size_parameter = "limit" if "limit" in query else "page_size"
    return Response(
        _listing_page(
            request,
            listed_products(pricing, scope),
            pricing,
            scope=scope,
            order_by=ordering,
            order_name="best_sellers",
            size_parameter=size_parameter,
        )
    )


@extend_schema(
    tags=["catalog"],
    operation_id="products_search",
    summary="Search products",
    description=(
        "The storefront's search (name, brand, category and description, tolerant of typos) in the caller's "
        "market, most relevant first unless `sort` says otherwise, with the listing's filters and pages."
    ),
    parameters=[QUERY_PARAMETER, *LISTING_PARAMETERS],
    responses={200: SearchPageSerializer, **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def product_search(request):
    pricing = MarketPricing.load(request_market(request))
    query = clean_query(request.query_params.get("q", ""))
    if len(query) < MIN_QUERY_LENGTH:
        message = _("Type at least %(count)d characters to search.") % {"count": MIN_QUERY_LENGTH}
        raise ApiError("query_too_short", message, details={"q": [message]})
    products = market_products(pricing)
    ordering = None if "sort" in request.query_params else SEARCH_ORDER
    results = search_products(products, query, language=request.LANGUAGE_CODE)
    body = _listing_page(request, results, pricing, order_by=ordering, order_name="relevance")
    body["query"] = query
    body["did_you_mean"] = did_you_mean(products, query, found=body["count"], language=request.LANGUAGE_CODE)
    return Response(body)


@extend_schema(
    tags=["catalog"],
    operation_id="products_retrieve",
    summary="A product",
    description=(
        "A product sold in the caller's market: its SKUs with stock and price in the market's currency, "
        "pictures and features. `size` and `color` pick a variant as the product page does. A product not "
        "sold in the caller's market is a 404."
    ),
    parameters=[
        MARKET_PARAMETER,
        OpenApiParameter("size", OpenApiTypes.STR, description="The size picked."),
        OpenApiParameter("color", OpenApiTypes.STR, description="The color picked."),
    ],
    responses={200: ProductDetailSerializer, **NOT_FOUND},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def product_detail(request, slug):
    market = request_market(request)
    pricing = MarketPricing.load(market)
    products = market_products(pricing).select_related("category", "subcategory").prefetch_related("images", "features")
    product = products.filter(slug=slug).first()
    if product is None:
        raise NotFound(_("No product %(slug)s is sold in this market.") % {"slug": slug[:100]})
    product.price_info = pricing.product_price(product)
    query = request.query_params
    choice = variant_choice(product, pricing, size=query.get("size", ""), color=query.get("color", ""))
    context = {"request": request, "market": market, "pricing": pricing, "product": product, "choice": choice}
    return Response(ProductDetailSerializer(product, context=context).data)


# --- categories ------------------------------------------------------------------------------------


def _categories(market):
    active_subcategories = Prefetch(
        "subcategories", queryset=Subcategory.objects.active(), to_attr="active_subcategories"
    )
    return Category.objects.active().for_market(market).prefetch_related(active_subcategories)


def _category_or_404(market, slug):
    category = category_in_market(market, slug)
    if category is None:
        raise NotFound(_("There is no category %(slug)s in this market.") % {"slug": slug[:100]})
    return category


@extend_schema(
    tags=["catalog"],
    operation_id="categories_list",
    summary="Categories of the market",
    description="Active categories sold in the caller's market, in the menu's order, with their subcategories.",
    parameters=[MARKET_PARAMETER],
    responses={200: CategorySerializer(many=True), **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def category_list(request):
    market = request_market(request)
    categories = _categories(market).order_by("sort_order", "name", "id")
    return Response(CategorySerializer(categories, many=True, context={"request": request}).data)


@extend_schema(
    tags=["catalog"],
    operation_id="categories_retrieve",
    summary="A category",
    description="An active category of the caller's market (a market's own wins over an ALL one of the same slug).",
    parameters=[MARKET_PARAMETER],
    responses={200: CategorySerializer, **NOT_FOUND},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def category_detail(request, slug):
    market = request_market(request)
    category = _category_or_404(market, slug)
    category.active_subcategories = list(Subcategory.objects.active().filter(category=category))
    return Response(CategorySerializer(category, context={"request": request}).data)


@extend_schema(
    tags=["catalog"],
    operation_id="categories_subcategories",
    summary="Subcategories of a category",
    description="The active subcategories of an active category of the caller's market, in menu order.",
    parameters=[MARKET_PARAMETER],
    responses={200: SubcategorySerializer(many=True), **NOT_FOUND},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def category_subcategories(request, slug):
    category = _category_or_404(request_market(request), slug)
    subcategories = Subcategory.objects.active().filter(category=category)
    return Response(SubcategorySerializer(subcategories, many=True).data)


# --- banners -----------------------------------------------------------------------------------------


def _banners(request, banner_type=None):
    market = request_market(request)
    # Ordered as the home page orders them (the model's ordering: sort order, newest first).
    banners = Banner.objects.live().for_market(market)
    if banner_type:
        banners = banners.of_type(banner_type)
    return Response(BannerSerializer(banners, many=True, context={"request": request, "market": market}).data)


TYPE_PARAMETER = OpenApiParameter(
    "type", OpenApiTypes.STR, enum=Banner.Type.values, description="Only banners of this type."
)


@extend_schema(
    tags=["banners"],
    operation_id="banners_list",
    summary="Banners of the market",
    description=(
        "Active banners of the caller's market inside their schedule, in the home page's order. "
        "Open a banner's `click_url` to follow it: the click is counted and redirected to `link`."
    ),
    parameters=[MARKET_PARAMETER, TYPE_PARAMETER],
    responses={200: BannerSerializer(many=True), **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def banner_list(request):
    banner_type = request.query_params.get("type")
    if banner_type is not None and banner_type not in Banner.Type.values:
        choices = ", ".join(Banner.Type.values)
        raise ValidationError({"type": [_("Choose a banner type: %(choices)s.") % {"choices": choices}]})
    return _banners(request, banner_type)


@extend_schema(
    tags=["banners"],
    operation_id="banners_hero",
    summary="Hero banners",
    description="The live hero banners of the caller's market, in the home page's order.",
    parameters=[MARKET_PARAMETER],
    responses={200: BannerSerializer(many=True), **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def hero_banners(request):
    return _banners(request, Banner.Type.HERO)


@extend_schema(
    tags=["banners"],
    operation_id="banners_promo",
    summary="Promo banners",
    description="The live promo banners of the caller's market, in the home page's order.",
    parameters=[MARKET_PARAMETER],
    responses={200: BannerSerializer(many=True), **ERRORS},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def promo_banners(request):
    return _banners(request, Banner.Type.PROMO)
