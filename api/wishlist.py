"""wishlist/…: the signed-in caller's wishlist, on the services the web pages use.

Each endpoint answers with the whole wishlist after the change, priced in the caller's market; items
are looked up among the caller's own, so anyone else's id is a 404 and changes nothing.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.errors import ApiError, error_responses, valid
from api.fields import MoneySerializer, absolute, id_field, money
from api.market import request_market
from catalog.models import Product, WishlistItem
from catalog.wishlist import add_to_wishlist, clear_wishlist, remove_wishlist_item, wishlist_items
from storefront.content import translated


class WishlistSkuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    size = serializers.CharField()
    size_label = serializers.CharField(help_text="The size in the shopper's language.")
    color = serializers.CharField()
    color_label = serializers.CharField(help_text="The color in the shopper's language.")


class WishlistProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    brand = serializers.CharField()
    image = serializers.CharField(help_text="Absolute URL, or empty.")
    price = MoneySerializer(allow_null=True, help_text="Null when the product is not sold in the caller's market.")
    original_price = MoneySerializer(allow_null=True, help_text="The price before a discount, else null.")
    skus = WishlistSkuSerializer(many=True, help_text="The SKUs in stock, for cart/add.")


class WishlistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The item id for wishlist/remove.")
    added_at = serializers.DateTimeField()
    sold_here = serializers.BooleanField(help_text="The product can be bought in the caller's market.")
    product = WishlistProductSerializer()


class WishlistSerializer(serializers.Serializer):
    items = WishlistItemSerializer(many=True)
    count = serializers.IntegerField()
    notice = serializers.CharField(help_text="What the change did; empty for wishlist/get.")


def wishlist_body(request, notice=""):
    market = request_market(request)
    items = []
    for item in wishlist_items(user=request.user, market=market):
        product, price = item.product, item.product.price_info
        items.append(
            {
                "id": item.pk,
                "added_at": item.added_at,
                "sold_here": item.sold_here,
                "product": {
                    "id": product.pk,
                    "slug": product.slug,
                    "name": translated(product, "name"),
                    "brand": product.brand,
                    "image": absolute(request, product.image.url if product.image else ""),
                    "price": money(price.amount, price.currency) if price else None,
                    "original_price": money(price.original, price.currency) if price and price.is_discounted else None,
                    "skus": [
                        {
                            "id": sku.pk,
                            "size": sku.size,
                            "size_label": translated(sku, "size"),
                            "color": sku.color,
                            "color_label": translated(sku, "color"),
                        }
                        for sku in (product.buyable_skus if item.sold_here else [])
                    ],
                },
            }
        )
    return WishlistSerializer({"items": items, "count": len(items), "notice": notice}).data


class WishlistAddSerializer(serializers.Serializer):
    product_id = id_field()


class WishlistRemoveSerializer(serializers.Serializer):
    product_id = id_field(required=False)
    item_id = id_field(required=False)

    def validate(self, attrs):
        if ("product_id" in attrs) == ("item_id" in attrs):
            raise serializers.ValidationError(_("Send either product_id or item_id."))
        return attrs


@extend_schema(
    tags=["wishlist"],
    operation_id="wishlist_get",
    summary="The caller's wishlist",
    request=None,
    responses={200: WishlistSerializer, **error_responses(401)},
)
@api_view(["POST"])
def wishlist_get(request):
    return Response(wishlist_body(request))


@extend_schema(
    tags=["wishlist"],
    operation_id="wishlist_add",
    summary="Save a product",
    description=(
        "Idempotent. `product_not_found` (404) for a product that is inactive or not sold in the caller's market."
    ),
    request=WishlistAddSerializer,
    responses={200: WishlistSerializer, **error_responses(400, 401, 404)},
)
@api_view(["POST"])
def wishlist_add(request):
    product_id = valid(WishlistAddSerializer, request)["product_id"]
    product = Product.objects.active().for_market(request_market(request)).filter(pk=product_id).first()
    if product is None:
        raise ApiError("product_not_found", _("This item is no longer available."), status_code=404)
    add_to_wishlist(user=request.user, product=product)
    return Response(wishlist_body(request, _("Saved to your wishlist.")))


@extend_schema(
    tags=["wishlist"],
    operation_id="wishlist_remove",
    summary="Remove an item",
    description="By `item_id` or by `product_id` (one of them). `wishlist_item_not_found` (404) when not on it.",
    request=WishlistRemoveSerializer,
    responses={200: WishlistSerializer, **error_responses(400, 401, 404)},
)
@api_view(["POST"])
def wishlist_remove(request):
    data = valid(WishlistRemoveSerializer, request)
    own = WishlistItem.objects.owned_by(request.user)
    if "item_id" in data:
        item = own.filter(pk=data["item_id"]).first()
    else:
        item = own.filter(product_id=data["product_id"]).first()
    if item is None:
        raise ApiError(
            "wishlist_item_not_found", _("This item is not on your wishlist."), status_code=status.HTTP_404_NOT_FOUND
        )
    remove_wishlist_item(item=item)
    return Response(wishlist_body(request, _("Removed from your wishlist.")))


@extend_schema(
    tags=["wishlist"],
    operation_id="wishlist_clear",
    summary="Remove every item",
    request=None,
    responses={200: WishlistSerializer, **error_responses(401)},
)
@api_view(["POST"])
def wishlist_clear(request):
    clear_wishlist(user=request.user)
    return Response(wishlist_body(request, _("Your wishlist is empty now.")))
