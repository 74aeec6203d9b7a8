"""cart/…: the signed-in caller's cart, on the services the web pages use.

The seed's "stateless" POST endpoints: each answers with the whole cart after the change, priced in
the caller's market, so a client never keeps its own copy in step. Lines are looked up in the
caller's own cart, so anyone else's id is a 404 and changes nothing.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.errors import ApiError, error_responses, valid
from api.fields import MoneySerializer, absolute, id_field, money
from api.market import request_market
from checkout.cart import (
    CartError,
    add_to_cart,
    apply_discount_code,
    cart_for_user,
    clear_cart,
    find_cart,
    find_own_line,
    parse_quantity,
    remove_cart_line,
    remove_discount_code,
    summarize_cart,
    update_cart_line,
)
from storefront.content import translated
from storefront.errors import Refused


@extend_schema_field(OpenApiTypes.INT)
class QuantityField(serializers.Field):
    """A whole number of units; checked by the cart service (`parse_quantity`), not here."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


CART_ERROR_STATUS = {
    "invalid_quantity": status.HTTP_400_BAD_REQUEST,
    "not_sold_in_market": status.HTTP_400_BAD_REQUEST,
    "unavailable": status.HTTP_404_NOT_FOUND,
    "out_of_stock": status.HTTP_409_CONFLICT,
}


def cart_error(exc: CartError) -> ApiError:
    return ApiError(exc.code, exc.message, status_code=CART_ERROR_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST))


class CartSkuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    size = serializers.CharField()
    size_label = serializers.CharField(help_text="The size in the shopper's language.")
    color = serializers.CharField()
    color_label = serializers.CharField(help_text="The color in the shopper's language.")


class CartProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    brand = serializers.CharField()


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line id for cart/update and cart/remove.")
    sku = CartSkuSerializer()
    product = CartProductSerializer()
    image = serializers.CharField(help_text="Absolute URL, or empty.")
    unit_price = MoneySerializer(allow_null=True, help_text="Null when the line cannot be bought here.")
    quantity = serializers.IntegerField()
    line_total = MoneySerializer(allow_null=True)
    problem = serializers.CharField(help_text="Why the line blocks checkout (out of stock…), else empty.")


class CartSerializer(serializers.Serializer):
    market = serializers.CharField()
    currency = serializers.CharField()
    lines = CartLineSerializer(many=True)
    count = serializers.IntegerField(help_text="Units in the cart.")
    subtotal = MoneySerializer()
    shipping = MoneySerializer()
    tax = MoneySerializer(help_text="KG: the VAT inside the total; US: sales tax, added once a state is known.")
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=5)
    tax_included = serializers.BooleanField()
    tax_pending = serializers.BooleanField(help_text="US before a delivery state: sales tax is added at checkout.")
    discount = MoneySerializer(help_text="Taken off by the discount code (delivery included); zero without one.")
    discount_code = serializers.CharField(help_text="The code on the cart, else empty.")
    discount_code_problem = serializers.CharField(
        help_text="Why the code on the cart does not apply now (minimum not reached…), else empty."
    )
    total = MoneySerializer()
    free_shipping_over = MoneySerializer()
    can_checkout = serializers.BooleanField()
    notice = serializers.CharField(help_text="What the change did (capped at stock, removed…); empty for cart/get.")
    capped = serializers.BooleanField(help_text="The quantity asked for was more than the stock.")


def cart_body(request, cart, change=None):
    """The caller's cart priced in their market, with what `change` did."""
    summary = summarize_cart(cart=cart, market=request_market(request))
    currency = summary.market.currency
    lines = [
        {
            "id": line.item.pk,
            "sku": {
                "id": line.sku.pk,
                "code": line.sku.sku_code,
                "size": line.sku.size,
                "size_label": translated(line.sku, "size"),
                "color": line.sku.color,
                "color_label": translated(line.sku, "color"),
            },
            "product": {
                "id": line.product.pk,
                "slug": line.product.slug,
                "name": translated(line.product, "name"),
                "brand": line.product.brand,
            },
            "image": absolute(request, line.image_url),
            "unit_price": money(line.price.amount if line.price else None, currency),
            "quantity": line.item.quantity,
            "line_total": money(line.line_total, currency),
            "problem": line.problem,
        }
        for line in summary.lines
    ]
    body = {
        "market": summary.market.code,
        "currency": str(currency),
        "lines": lines,
        "count": summary.count,
        "subtotal": money(summary.subtotal, currency),
        "shipping": money(summary.shipping, currency),
        "tax": money(summary.tax, currency),
        "tax_rate": summary.tax_rate,
        "tax_included": summary.tax_included,
        "tax_pending": summary.tax_pending,
        "discount": money(summary.discount, currency),
        "discount_code": summary.code,
        "discount_code_problem": summary.code_refusal.message if summary.code_refusal else "",
        "total": money(summary.total, currency),
        "free_shipping_over": money(summary.free_shipping_over, currency),
        "can_checkout": summary.can_checkout,
        "notice": change.message if change else "",
        "capped": bool(change and change.capped),
    }
    return CartSerializer(body).data


def own_line(request, line_id):
    """A line of the caller's own cart; 404 for anyone else's or none."""
    line, cart = find_own_line(request, line_id)
    if line is None:
        raise ApiError("line_not_found", _("No such line in your cart."), status_code=status.HTTP_404_NOT_FOUND)
    return line, cart


def quantity_of(raw, **kwargs):
    try:
        return parse_quantity(raw, **kwargs)
    except CartError as exc:
        raise cart_error(exc) from None


class CartAddSerializer(serializers.Serializer):
    sku_id = id_field()
    quantity = QuantityField(required=False, help_text="Units to add (default 1); more than the stock is capped.")


class CartUpdateSerializer(serializers.Serializer):
    line_id = id_field()
    quantity = QuantityField(help_text="The new quantity; 0 removes the line; more than the stock is capped.")


class CartRemoveSerializer(serializers.Serializer):
    line_id = id_field()


@extend_schema(
    tags=["cart"],
    operation_id="cart_get",
    summary="The caller's cart",
    request=None,
    responses={200: CartSerializer, **error_responses(401)},
)
@api_view(["POST"])
def cart_get(request):
    return Response(cart_body(request, find_cart(request)))


@extend_schema(
    tags=["cart"],
    operation_id="cart_add",
    summary="Add units of a SKU",
    description=(
        "A line grows when the SKU is already in the cart; the quantity never exceeds the stock (capped, "
        "`capped: true` and a `notice`). Errors: `invalid_quantity` (400), `not_sold_in_market` (400), "
        "`unavailable` (404: unknown or inactive SKU), `out_of_stock` (409)."
    ),
    request=CartAddSerializer,
    responses={200: CartSerializer, **error_responses(400, 401, 404, 409)},
)
@api_view(["POST"])
def cart_add(request):
    data = valid(CartAddSerializer, request)
    quantity = quantity_of(data.get("quantity"))
    cart = cart_for_user(request.user)
    try:
        change = add_to_cart(cart=cart, sku_id=data["sku_id"], quantity=quantity)
    except CartError as exc:
        raise cart_error(exc) from None
    return Response(cart_body(request, cart, change))


@extend_schema(
    tags=["cart"],
    operation_id="cart_update",
    summary="Set a line's quantity",
    description="0 removes the line; more than the stock is capped. `line_not_found` (404) for another cart's line.",
    request=CartUpdateSerializer,
    responses={200: CartSerializer, **error_responses(400, 401, 404, 409)},
)
@api_view(["POST"])
def cart_update(request):
    data = valid(CartUpdateSerializer, request)
    line, cart = own_line(request, data["line_id"])
    quantity = quantity_of(data["quantity"], allow_zero=True)
    try:
        change = update_cart_line(line=line, quantity=quantity)
    except CartError as exc:
        raise cart_error(exc) from None
    return Response(cart_body(request, cart, change))


@extend_schema(
    tags=["cart"],
    operation_id="cart_remove",
    summary="Remove a line",
    request=CartRemoveSerializer,
    responses={200: CartSerializer, **error_responses(400, 401, 404)},
)
@api_view(["POST"])
def cart_remove(request):
    line, cart = own_line(request, valid(CartRemoveSerializer, request)["line_id"])
    return Response(cart_body(request, cart, remove_cart_line(line=line)))


@extend_schema(
    tags=["cart"],
    operation_id="cart_clear",
    summary="Remove every line",
    request=None,
    responses={200: CartSerializer, **error_responses(401)},
)
@api_view(["POST"])
def cart_clear(request):
    cart = find_cart(request)
    change = clear_cart(cart=cart) if cart else None
    return Response(cart_body(request, cart, change))


class CartCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The discount code, in any case.")


@extend_schema(
    tags=["cart"],
    operation_id="cart_code_apply",
    summary="Apply a discount code",
    description=(
        "Puts the code on the cart when it can be used now; it is checked again when the order is placed. "
        "Errors (400, with `code`): `discount_code_unknown`, `discount_code_not_started`, "
        "`discount_code_expired`, `discount_code_minimum`, `discount_code_first_order`, "
        "`discount_code_already_used`, `discount_code_limit_reached`, `empty_cart`."
    ),
    request=CartCodeSerializer,
    responses={200: CartSerializer, **error_responses(400, 401)},
)
@api_view(["POST"])
def cart_code_apply(request):
    data = valid(CartCodeSerializer, request)
    cart = find_cart(request)
    try:
        apply_discount_code(cart=cart, text=data["code"], market=request_market(request))
    except Refused as refusal:
        raise ApiError(refusal.code, refusal.message) from None
    return Response(cart_body(request, cart))


@extend_schema(
    tags=["cart"],
    operation_id="cart_code_remove",
    summary="Remove the discount code",
    request=None,
    responses={200: CartSerializer, **error_responses(401)},
)
@api_view(["POST"])
def cart_code_remove(request):
    cart = find_cart(request)
    remove_discount_code(cart=cart)
    return Response(cart_body(request, cart))
