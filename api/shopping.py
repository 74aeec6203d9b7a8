"""Cart, wishlist and orders of the signed-in caller, on the services the web pages use.

Every endpoint needs a JWT. The cart and the wishlist are the seed's "stateless" POST endpoints: each
answers with the whole cart (or wishlist) after the change, priced in the caller's market, so a
client never has to keep its own copy in step. Lines, items, addresses and orders are looked up among
the caller's own, so anyone else's id is a 404 and changes nothing.

Placing an order takes an optional `Idempotency-Key` header (8–64 letters, digits, `-` or `_`, a
UUID fits): it is the checkout key of the web form, so a repeated request with the same key answers
200 with the order the first one placed (even when the first is still running) instead of placing
another. Without the header every request that finds a full cart places an order.
"""

import re

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.errors import ApiError, ErrorSerializer, conflict
from api.fields import MoneySerializer, money
from api.market import request_market
from api.pagination import Pages
from catalog.models import Product, WishlistItem
from catalog.wishlist import add_to_wishlist, clear_wishlist, remove_wishlist_item, wishlist_items
from checkout import payments
from checkout.cart import (
    CartError,
    add_to_cart,
    cart_for_user,
    clear_cart,
    find_cart,
    find_own_line,
    parse_quantity,
    remove_cart_line,
    summarize_cart,
    update_cart_line,
)
from checkout.forms import NOTES_MAX_LENGTH
from checkout.models import Order, OrderItem
from checkout.orders import CHECKOUT_KEY_PATTERN, CheckoutError, SoldOut, place_order
from storefront.content import translated

MAX_ID = 2**63 - 1
# What an order number can look like (MQ-7F3K9QX2); anything else is not looked up at all.
ORDER_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")

# --- shared pieces ------------------------------------------------------------------------------


def absolute(request, url):
    return request.build_absolute_uri(url) if url else ""


def error_responses(*codes):
    """drf-spectacular responses for the error statuses an endpoint can answer with."""
    described = {
        400: "Bad input (`invalid` with field details, or a specific code).",
        401: "No or an expired access token.",
        404: "Not one of the caller's own (or no such) objects.",
        409: "Stock conflict.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=described[code]) for code in codes}


@extend_schema_field(OpenApiTypes.INT)
class QuantityField(serializers.Field):
    """A whole number of units; checked by the cart service (`parse_quantity`), not here."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


def _id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- cart ---------------------------------------------------------------------------------------

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
    color = serializers.CharField()


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
            "sku": {"id": line.sku.pk, "code": line.sku.sku_code, "size": line.sku.size, "color": line.sku.color},
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
    sku_id = _id_field()
    quantity = QuantityField(required=False, help_text="Units to add (default 1); more than the stock is capped.")


class CartUpdateSerializer(serializers.Serializer):
    line_id = _id_field()
    quantity = QuantityField(help_text="The new quantity; 0 removes the line; more than the stock is capped.")


class CartRemoveSerializer(serializers.Serializer):
    line_id = _id_field()


def valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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


# --- wishlist -----------------------------------------------------------------------------------


class WishlistSkuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    size = serializers.CharField()
    color = serializers.CharField()


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
                        {"id": sku.pk, "size": sku.size, "color": sku.color}
                        for sku in (product.buyable_skus if item.sold_here else [])
                    ],
                },
            }
        )
    return WishlistSerializer({"items": items, "count": len(items), "notice": notice}).data


class WishlistAddSerializer(serializers.Serializer):
    product_id = _id_field()


class WishlistRemoveSerializer(serializers.Serializer):
    product_id = _id_field(required=False)
    item_id = _id_field(required=False)

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


# --- orders -------------------------------------------------------------------------------------


class OrderListItemSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The order number, such as MQ-7F3K9QX2: the id in orders/{number}.")
    market = serializers.CharField()
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    status_display = serializers.CharField()
    created_at = serializers.DateTimeField()
    items_count = serializers.IntegerField(help_text="Units ordered.")
    total = MoneySerializer()
    payment_method = serializers.ChoiceField(choices=Order.PaymentMethod.choices)
    payment_status = serializers.ChoiceField(choices=Order.PaymentStatus.choices)


class OrderItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField(allow_null=True, help_text="Null once the SKU is deleted.")
    sku_code = serializers.CharField()
    product_id = serializers.IntegerField(allow_null=True)
    product_slug = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    brand = serializers.CharField()
    size = serializers.CharField()
    color = serializers.CharField()
    image = serializers.CharField()
    unit_price = MoneySerializer()
    quantity = serializers.IntegerField()
    line_total = MoneySerializer()


class DeliverySerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    postal_code = serializers.CharField()
    notes = serializers.CharField()


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)
    status_display = serializers.CharField()
    at = serializers.DateTimeField()


class BankDetailsSerializer(serializers.Serializer):
    recipient = serializers.CharField()
    bank = serializers.CharField()
    account = serializers.CharField()
    bic = serializers.CharField()
    inn = serializers.CharField()


class OrderDetailSerializer(OrderListItemSerializer):
    items = OrderItemSerializer(many=True, help_text="Snapshots: later catalog changes never alter them.")
    subtotal = MoneySerializer()
    shipping = MoneySerializer()
    tax = MoneySerializer()
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=5)
    tax_included = serializers.BooleanField()
    delivery = DeliverySerializer()
    payment_method_display = serializers.CharField()
    payment_status_display = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    pay_by = serializers.DateTimeField(allow_null=True, help_text="An unpaid card order is cancelled after this.")
    awaiting_payment = serializers.BooleanField(help_text="A card (or test) order still waiting for its payment.")
    can_cancel = serializers.BooleanField()
    bank_details = BankDetailsSerializer(allow_null=True, help_text="Where to send a bank transfer still due.")
    timeline = StatusChangeSerializer(many=True)


class PaymentStepSerializer(serializers.Serializer):
    provider = serializers.CharField(help_text="stripe, test, bank_transfer or cash.")
    checkout_url = serializers.URLField(
        required=False, help_text="stripe: Stripe's hosted Checkout page (absent when it could not be opened)."
    )
    pay_url = serializers.URLField(required=False, help_text="test: the web page that pays or declines the order.")
    bank_details = BankDetailsSerializer(required=False, help_text="bank_transfer: where to send the money.")
    message = serializers.CharField(required=False, help_text="Why the payment page could not be opened.")


class PlacedOrderSerializer(OrderDetailSerializer):
    payment = PaymentStepSerializer(help_text="What the client does next to pay.")


class OrderPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrderListItemSerializer(many=True)


class OrderCreateSerializer(serializers.Serializer):
    address_id = _id_field(help_text="One of the caller's delivery addresses.")
    payment_method = serializers.CharField(
        max_length=20, help_text="KG: cash or bank_transfer; US: card, or test while Stripe is not configured."
    )
    notes = serializers.CharField(
        max_length=NOTES_MAX_LENGTH, required=False, allow_blank=True, default="", help_text="For the courier."
    )


def order_summary(order):
    return {
        "number": order.order_number,
        "market": order.market,
        "currency": order.currency,
        "status": order.status,
        "status_display": order.get_status_display(),
        "created_at": order.created_at,
        "items_count": order.items_count,
        "total": money(order.total_amount, order.currency),
        "payment_method": order.payment_method,
        "payment_status": order.payment_status,
    }


def order_detail_data(request, order):
    currency = order.currency
    bank = payments.bank_details(order)
    still_due = order.payment_status == Order.PaymentStatus.PENDING and order.status != Order.Status.CANCELLED
    return {
        **order_summary(order),
        "items": [
            {
                "sku_id": item.sku_id,
                "sku_code": item.sku_code,
                "product_id": item.product_id,
                "product_slug": item.product.slug if item.product else None,
                "name": item.product_name,
                "brand": item.product_brand,
                "size": item.size,
                "color": item.color,
                "image": absolute(request, item.image_url),
                "unit_price": money(item.price, currency),
                "quantity": item.quantity,
                "line_total": money(item.subtotal, currency),
            }
            for item in order.items.all()
        ],
        "subtotal": money(order.subtotal, currency),
        "shipping": money(order.shipping_cost, currency),
        "tax": money(order.tax, currency),
        "tax_rate": order.tax_rate,
        "tax_included": order.tax_included,
        "delivery": {
            "name": order.customer_name,
            "phone": order.customer_phone,
            "address": order.delivery_address,
            "city": order.delivery_city,
            "state": order.delivery_state,
            "postal_code": order.delivery_postal_code,
            "notes": order.delivery_notes,
        },
        "payment_method_display": order.get_payment_method_display(),
        "payment_status_display": order.get_payment_status_display(),
        "paid_at": order.paid_at,
        "pay_by": order.payment_due_by,
        "awaiting_payment": order.awaiting_online_payment,
        "can_cancel": order.can_cancel,
        "bank_details": bank if bank and still_due else None,
        "timeline": [
            {"status": change.status, "status_display": change.get_status_display(), "at": change.created_at}
            for change in order.status_history.all()
        ],
    }


def own_orders(request):
    return request.user.orders.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("product")), "status_history"
    )


# Where each provider's payment page goes in the answer.
PAYMENT_URL_FIELDS = {"stripe": "checkout_url", "test": "pay_url"}


def payment_step(request, order):
    """How the client pays `order` (`checkout.payments.next_payment_step`, as the web checkout)."""
    step = payments.next_payment_step(order, absolute_url=request.build_absolute_uri)
    body = {"provider": step.provider}
    if step.url:
        body[PAYMENT_URL_FIELDS[step.provider]] = request.build_absolute_uri(step.url)
    if step.provider == Order.PaymentMethod.BANK_TRANSFER:
        body["bank_details"] = step.bank_details
    if step.message:
        # The order stands; the client offers to pay again from the order page.
        body["message"] = step.message
    return body


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, recommended: 8–64 letters, digits, `-` or `_` (a UUID fits), new for each checkout. "
        "A repeated request with the same key answers 200 with the order the first one placed."
    ),
)


@extend_schema(
    tags=["orders"],
    operation_id="orders_create",
    summary="Place an order from the cart",
    description=(
        "One transaction, as on the web: stock is checked and decremented, items are snapshotted, the cart "
        "is emptied. 201 with the order and its next payment step; 200 with the same order for a repeated "
        "`Idempotency-Key`. Errors: `invalid_idempotency_key`, `empty_cart`, `payment_method`, `address`, "
        "`unavailable` (400), `address_not_found` (404), `sold_out` (409)."
    ),
    parameters=[IDEMPOTENCY_KEY],
    request=OrderCreateSerializer,
    responses={
        201: PlacedOrderSerializer,
        200: OpenApiResponse(PlacedOrderSerializer, description="The order placed before with this key."),
        **error_responses(400, 401, 404, 409),
    },
)
@api_view(["POST"])
def order_create(request):
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not CHECKOUT_KEY_PATTERN.fullmatch(key):
        raise ApiError(
            "invalid_idempotency_key",
            _("Send an Idempotency-Key of 8 to 64 letters, digits, hyphens or underscores."),
        )
    data = valid(OrderCreateSerializer, request)
    address = request.user.addresses.filter(pk=data["address_id"]).first()
    if address is None:
        raise ApiError("address_not_found", _("Choose one of your delivery addresses."), status_code=404)
    try:
        placement = place_order(
            user=request.user,
            address=address,
            payment_method=data["payment_method"],
            notes=data["notes"],
            checkout_key=key,
        )
    except SoldOut as error:
        raise conflict(error.code, error.message) from None
    except CheckoutError as error:
        raise ApiError(error.code, error.message) from None
    order = own_orders(request).get(pk=placement.order.pk)
    body = {**order_detail_data(request, order), "payment": payment_step(request, order)}
    return Response(
        PlacedOrderSerializer(body).data, status=status.HTTP_201_CREATED if placement.created else status.HTTP_200_OK
    )


ORDER_PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
    OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="At most 100."),
]


def orders_page(request):
    """One page of the caller's orders, newest first (orders and profile/orders answer the same)."""
    pages = Pages()
    page = pages.paginate_queryset(
        request.user.orders.prefetch_related("items").order_by("-created_at", "-pk"), request
    )
    return pages.get_paginated_response(OrderListItemSerializer([order_summary(o) for o in page], many=True).data)


@extend_schema(
    tags=["orders"],
    operation_id="orders_list",
    summary="The caller's orders, newest first",
    parameters=ORDER_PAGE_PARAMETERS,
    responses={200: OrderPageSerializer, **error_responses(400, 401)},
)
@api_view(["GET"])
def order_list(request):
    return orders_page(request)


@extend_schema(
    tags=["orders"],
    operation_id="orders_detail",
    summary="One of the caller's orders",
    parameters=[
        OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH, description="Such as MQ-7F3K9QX2.")
    ],
    responses={200: OrderDetailSerializer, **error_responses(401, 404)},
)
@api_view(["GET"])
def order_detail(request, number):
    order = own_orders(request).filter(order_number=number).first() if ORDER_NUMBER.fullmatch(number) else None
    if order is None:
        raise ApiError("order_not_found", _("No such order."), status_code=status.HTTP_404_NOT_FOUND)
    return Response(OrderDetailSerializer(order_detail_data(request, order)).data)
