"""Reviews: a product's published reviews, the caller's own, what they may still review, and writing one.

What may be reviewed is decided by `reviews.services` (`check_can_review`, `submit_review`), as on
the web: a product of one of the caller's own delivered orders, once per product and order; the
review waits for a moderator. Orders are looked up among the caller's own, so anyone else's order
number is a 404. Photos are added on the web (the API takes JSON only).
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api.errors import ApiError, error_responses, valid
from api.fields import absolute, id_field
from api.market import MARKET_PARAMETER, request_market
from api.orders import NUMBER_PARAMETER, own_order
from api.pagination import Pages
from catalog.models import Product
from reviews import selectors, services
from reviews.models import Review
from reviews.product_page import DEFAULT_REVIEW_SORT, REVIEW_SORTS
from storefront.content import translated


class ReviewProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class PublishedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(help_text="1 to 5 stars.")
    title = serializers.CharField()
    comment = serializers.CharField()
    author = serializers.CharField(help_text="The reviewer's short name.")
    verified_purchase = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
    photos = serializers.ListField(child=serializers.CharField(), help_text="Absolute URLs.")
    created_at = serializers.DateTimeField()


class OwnReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = ReviewProductSerializer()
    order_number = serializers.CharField(allow_null=True, help_text="The delivered order reviewed.")
    rating = serializers.IntegerField()
    title = serializers.CharField()
    comment = serializers.CharField()
    state = serializers.ChoiceField(choices=Review.State.choices, help_text="Where moderation left it.")
    state_display = serializers.CharField()
    helpful_count = serializers.IntegerField()
    photos = serializers.ListField(child=serializers.CharField(), help_text="Absolute URLs.")
    created_at = serializers.DateTimeField()


class AwaitingReviewSerializer(serializers.Serializer):
    order_number = serializers.CharField(help_text="POST orders/{number}/reviews with this number…")
    product_id = serializers.IntegerField(help_text="…and this product_id.")
    product_name = serializers.CharField()
    product_brand = serializers.CharField()
    image = serializers.CharField(help_text="Absolute URL, or empty.")


class ReviewCreateSerializer(serializers.Serializer):
    product_id = id_field(help_text="A product of this delivered order.")
    rating = serializers.IntegerField(help_text="1 to 5 stars.")
    title = serializers.CharField(required=False, allow_blank=True, default="", help_text="Optional, a few words.")
    comment = serializers.CharField(allow_blank=True, help_text="What other shoppers should know.")


def _page_schema(name, item):
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


PublishedReviewPageSerializer = _page_schema("PublishedReviewPage", PublishedReviewSerializer)
OwnReviewPageSerializer = _page_schema("OwnReviewPage", OwnReviewSerializer)
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
    OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="At most 100."),
]


def _photos(request, review):
    return [absolute(request, picture.picture_url) for picture in review.images.all() if picture.picture_url]


def published_review_data(request, review):
    return {
        "id": review.pk,
        "rating": review.rating,
        "title": review.title,
        "comment": review.comment,
        "author": review.user.get_short_name(),
        "verified_purchase": review.is_verified_purchase,
        "helpful_count": review.helpful_count,
        "photos": _photos(request, review),
        "created_at": review.created_at,
    }


def own_review_data(request, review):
    product = review.product
    return {
        "id": review.pk,
        "product": {"id": product.pk, "slug": product.slug, "name": translated(product, "name")},
        "order_number": review.order.order_number if review.order else None,
        "rating": review.rating,
        "title": review.title,
        "comment": review.comment,
        "state": review.state,
        "state_display": review.get_state_display(),
        "helpful_count": review.helpful_count,
        "photos": _photos(request, review),
        "created_at": review.created_at,
    }


@extend_schema(
    tags=["reviews"],
    operation_id="products_reviews_list",
    summary="A product's published reviews",
    description=(
        "Approved reviews only, as on the product page: `sort` newest (default) or helpful. A product not sold "
        "in the caller's market is a 404 `product_not_found`."
    ),
    parameters=[
        MARKET_PARAMETER,
        OpenApiParameter("sort", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(REVIEW_SORTS)),
        *PAGE_PARAMETERS,
    ],
    responses={200: PublishedReviewPageSerializer, **error_responses(400, 404)},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def product_reviews(request, slug):
    product = Product.objects.active().for_market(request_market(request)).filter(slug=slug).first()
    if product is None:
        raise ApiError("product_not_found", _("This item is no longer available."), status_code=404)
    sort = request.query_params.get("sort") or DEFAULT_REVIEW_SORT
    if sort not in REVIEW_SORTS:
        raise ApiError(
            "invalid", _("Some fields are not valid."), details={"sort": [str(_("Sort by newest or helpful."))]}
        )
    approved = (
        product.reviews.approved().select_related("user").prefetch_related("images").order_by(*REVIEW_SORTS[sort][1])
    )
    pages = Pages()
    page = pages.paginate_queryset(approved, request)
    return pages.get_paginated_response([published_review_data(request, review) for review in page])


@extend_schema(
    tags=["reviews"],
    operation_id="profile_reviews_list",
    summary="Your reviews, newest first",
    description="Each with where moderation left it: pending, approved (published) or rejected.",
    parameters=PAGE_PARAMETERS,
    responses={200: OwnReviewPageSerializer, **error_responses(400, 401)},
)
@api_view(["GET"])
def own_reviews(request):
    own = (
        request.user.reviews.select_related("product", "order")
        .prefetch_related("images")
        .order_by("-created_at", "-id")
    )
    pages = Pages()
    page = pages.paginate_queryset(own, request)
    return pages.get_paginated_response([own_review_data(request, review) for review in page])


@extend_schema(
    tags=["reviews"],
    operation_id="profile_reviews_awaiting",
    summary="What you could still review",
    description="Products of your delivered orders you have not reviewed yet, most recent first (at most 20).",
    responses={200: AwaitingReviewSerializer(many=True), **error_responses(401)},
)
@api_view(["GET"])
def awaiting_reviews(request):
    lines = selectors.awaiting_review(request.user)
    body = [
        {
            "order_number": line.order.order_number,
            "product_id": line.product_id,
            "product_name": line.shown_name,
            "product_brand": line.product_brand,
            "image": absolute(request, line.image_url),
        }
        for line in lines
    ]
    return Response(AwaitingReviewSerializer(body, many=True).data)


@extend_schema(
    tags=["reviews"],
    operation_id="orders_reviews_create",
    summary="Review a product of one of your delivered orders",
    description=(
        "The web's rules: a product of this order, once the order is delivered, once per product and order. "
        "The review waits for a moderator (state pending). 201 with it. `invalid` (400) with field details for "
        "a bad rating, title or comment; `review_refused` (400) when this product cannot be reviewed from this "
        "order; `order_not_found` (404) for a number that is not one of your orders."
    ),
    parameters=[NUMBER_PARAMETER],
    request=ReviewCreateSerializer,
    responses={201: OwnReviewSerializer, **error_responses(400, 401, 404)},
)
@api_view(["POST"])
def review_create(request, number):
    order = own_order(request, number)
    data = valid(ReviewCreateSerializer, request)
    product = Product.objects.filter(pk=data["product_id"]).first()
    try:
        if product is None:
            raise services.ReviewRefused(_("This product is not in that order."))
        submitted = services.submit_review(
            user=request.user,
            order=order,
            product=product,
            rating=data["rating"],
            title=data["title"],
            comment=data["comment"],
        )
    except services.ReviewRefused as error:
        if error.field:
            raise ApiError("invalid", _("Some fields are not valid."), details={error.field: [error.message]}) from None
        raise ApiError(error.code, error.message) from None
    review = (
        request.user.reviews.select_related("product", "order").prefetch_related("images").get(pk=submitted.review.pk)
    )
    return Response(OwnReviewSerializer(own_review_data(request, review)).data, status=status.HTTP_201_CREATED)
