"""orders/…: placing an order from the caller's cart and reading their orders.

Placing an order takes an optional `Idempotency-Key` header (8–64 letters, digits, `-` or `_`, a
UUID fits): it is the checkout key of the web form, so a repeated request with the same key answers
200 with the order the first one placed (even when the first is still running) instead of placing
another. Without the header every request that finds a full cart places an order. Orders are looked
up among the caller's own, so anyone else's number is a 404. Cancelling goes through
`checkout.status.change_status`, as the web's cancel button does (the same rules: only before shipping).
"""

import re

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.errors import ApiError, ErrorSerializer, conflict, error_responses, valid
from api.fields import MoneySerializer, absolute, id_field, money
from api.pagination import BoundedPages
from checkout import payments
from checkout.forms import NOTES_MAX_LENGTH
from checkout.models import Order, OrderItem
from checkout.orders import CHECKOUT_KEY_PATTERN, CheckoutError, SoldOut, place_order
from checkout.status import StatusChangeRefused, change_status
from shipments.models import Parcel

# What an order number can look like (MQ-7F3K9QX2); anything else is not looked up at all.
ORDER_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")


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
    name = serializers.CharField(
        help_text="As bought, in the request's language while the product still has the name it was bought by."
    )
    brand = serializers.CharField()
    size = serializers.CharField(help_text="As bought, in the request's language (as `name`).")
    color = serializers.CharField(help_text="As bought, in the request's language (as `name`).")
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


class ParcelItemSerializer(serializers.Serializer):
    sku_code = serializers.CharField()
    name = serializers.CharField()
    size = serializers.CharField()
    color = serializers.CharField()
    quantity = serializers.IntegerField(help_text="Units of this order line in the parcel.")


class ParcelSerializer(serializers.Serializer):
    carrier = serializers.CharField(help_text="The carrier's code: usps, ups, fedex, kep, courier or other.")
    carrier_name = serializers.CharField()
    tracking_number = serializers.CharField(help_text="Empty when the carrier gave none.")
    tracking_url = serializers.CharField(allow_null=True, help_text="The carrier's tracking page, when it has one.")
    shipped_at = serializers.DateTimeField()
    items = ParcelItemSerializer(many=True)


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
    discount = MoneySerializer(help_text="Taken off by the discount code; zero without one.")
    discount_code = serializers.CharField(help_text="The discount code used, else empty.")
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
    refund = serializers.ChoiceField(
        choices=("pending", "refused", "refunded"),
        allow_null=True,
        help_text="A card payment given back: pending (the order was cancelled and the refund is on its way), "
        "refused (the card could not be refunded automatically: staff return the money), refunded; else null.",
    )
    bank_details = BankDetailsSerializer(allow_null=True, help_text="Where to send a bank transfer still due.")
    timeline = StatusChangeSerializer(many=True)
    parcels = ParcelSerializer(many=True, help_text="How the order left the warehouse, oldest first.")


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
    count = serializers.IntegerField(help_text="How many orders, counted up to 5000.")
    count_capped = serializers.BooleanField(
        help_text="True when there are more than the 5000 counted: the pages hold the 5000 newest."
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrderListItemSerializer(many=True)


class OrderCreateSerializer(serializers.Serializer):
    address_id = id_field(help_text="One of the caller's delivery addresses.")
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
                "name": item.shown_name,
                "brand": item.product_brand,
                "size": item.shown_size,
                "color": item.shown_color,
                "image": absolute(request, item.image_url),
                "unit_price": money(item.price, currency),
                "quantity": item.quantity,
                "line_total": money(item.subtotal, currency),
            }
            for item in order.items.all()
        ],
        "subtotal": money(order.subtotal, currency),
        "shipping": money(order.shipping_cost, currency),
        "discount": money(order.discount, currency),
        "discount_code": order.discount_code_text,
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
        "refund": payments.refund_state(order),
        "bank_details": bank if bank and still_due else None,
        "timeline": [
            {"status": change.status, "status_display": change.get_status_display(), "at": change.created_at}
            for change in order.status_history.all()
        ],
        "parcels": [
            {
                "carrier": parcel.carrier,
                "carrier_name": str(parcel.carrier_name),
                "tracking_number": parcel.tracking_number,
                "tracking_url": parcel.tracking_url or None,
                "shipped_at": parcel.shipped_at,
                "items": [
                    {
                        "sku_code": line.order_item.sku_code,
                        "name": line.order_item.shown_name,
                        "size": line.order_item.shown_size,
                        "color": line.order_item.shown_color,
                        "quantity": line.quantity,
                    }
                    for line in parcel.items.all()
                ],
            }
            for parcel in order.parcels.all()
        ],
    }


def own_orders(request):
    return request.user.orders.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("product", "sku")),  # their words translated
        "status_history",
        Prefetch("parcels", queryset=Parcel.objects.with_contents()),
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
    """One page of the caller's orders, newest first (orders and profile/orders answer the same).

    Read through the (user, created_at, id) index; the count stops at 5000 (`count_capped`).
    """
    pages = BoundedPages()
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


NUMBER_PARAMETER = OpenApiParameter(
    "number", OpenApiTypes.STR, OpenApiParameter.PATH, description="Such as MQ-7F3K9QX2."
)


def own_order(request, number):
    """One of the caller's orders by its number, or a 404 `order_not_found`."""
    order = own_orders(request).filter(order_number=number).first() if ORDER_NUMBER.fullmatch(number) else None
    if order is None:
        raise ApiError("order_not_found", _("No such order."), status_code=status.HTTP_404_NOT_FOUND)
    return order


@extend_schema(
    tags=["orders"],
    operation_id="orders_detail",
    summary="One of the caller's orders",
    parameters=[NUMBER_PARAMETER],
    responses={200: OrderDetailSerializer, **error_responses(401, 404)},
)
@api_view(["GET"])
def order_detail(request, number):
    return Response(OrderDetailSerializer(order_detail_data(request, own_order(request, number))).data)


@extend_schema(
    tags=["orders"],
    operation_id="orders_cancel",
    summary="Cancel one of the caller's orders",
    description=(
        "As the web's cancel button: an order may be cancelled while it is pending or confirmed (`can_cancel`), "
        "never once shipped. Its units go back on the shelf, its discount code's use is given back, anything "
        "paid online is refunded, and the shopper is notified. 200 with the cancelled order; "
        "`status_change_refused` (409) when it can no longer be cancelled (also when already cancelled); "
        "`order_not_found` (404) for a number that is not one of the caller's orders."
    ),
    parameters=[NUMBER_PARAMETER],
    request=None,
    responses={
        200: OrderDetailSerializer,
        **error_responses(401, 404),
        409: OpenApiResponse(
            ErrorSerializer, description="`status_change_refused`: the order can no longer be cancelled."
        ),
    },
)
@api_view(["POST"])
def order_cancel(request, number):
    order = own_order(request, number)
    try:
        change_status(order=order, to=Order.Status.CANCELLED, by=request.user, notes="Cancelled by the customer")
    except StatusChangeRefused as error:
        raise conflict(error.code, error.message) from None
    return Response(OrderDetailSerializer(order_detail_data(request, own_order(request, number))).data)
