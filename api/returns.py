"""returns: the caller's return requests, listed, requested and read.

A return is requested for one of the caller's delivered orders within its market's return window
(`returns.services.request_return`, as on the web); another caller's order or return is a 404.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.errors import ApiError, conflict, error_responses, valid
from api.fields import MoneySerializer, id_field, money
from api.orders import ORDER_NUMBER
from api.pagination import BoundedPages
from returns import services
from returns.forms import NOTE_MAX_LENGTH
from returns.models import ReturnRequest
from returns.selectors import own_returns


class ReturnItemSerializer(serializers.Serializer):
    order_item_id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.CharField()
    color = serializers.CharField()
    quantity = serializers.IntegerField()


class ReturnStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReturnRequest.Status.choices)
    status_display = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField()
    status = serializers.ChoiceField(choices=ReturnRequest.Status.choices)
    status_display = serializers.CharField()
    reason = serializers.ChoiceField(choices=ReturnRequest.Reason.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    items = ReturnItemSerializer(many=True)
    refund = MoneySerializer(allow_null=True, help_text="What was refunded, once it is.")
    timeline = ReturnStepSerializer(many=True)


class ReturnPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReturnSerializer(many=True)


class ReturnLineSerializer(serializers.Serializer):
    order_item_id = id_field(help_text="A line of the order (the order's items).")
    quantity = serializers.IntegerField(min_value=1, max_value=1000)


class ReturnCreateSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=20)
    items = ReturnLineSerializer(many=True, allow_empty=False, max_length=100)
    reason = serializers.ChoiceField(choices=ReturnRequest.Reason.choices)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


def return_data(return_request):
    refund = getattr(return_request, "refund", None)
    return {
        "id": return_request.pk,
        "order_number": return_request.order.order_number,
        "status": return_request.status,
        "status_display": return_request.get_status_display(),
        "reason": return_request.reason,
        "note": return_request.note,
        "created_at": return_request.created_at,
        "items": [
            {
                "order_item_id": item.order_item_id,
                "name": item.order_item.product_name,
                "size": item.order_item.size,
                "color": item.order_item.color,
                "quantity": item.quantity,
            }
            for item in return_request.items.all()
        ],
        "refund": money(refund.amount, refund.currency)
        if refund and refund.status == refund.Status.SUCCEEDED
        else None,
        "timeline": [
            {"status": s.status, "status_display": s.get_status_display(), "note": s.note, "at": s.created_at}
            for s in return_request.history.all()
        ],
    }


def _create(request):
    data = valid(ReturnCreateSerializer, request)
    number = data["order_number"]
    orders = request.user.orders.prefetch_related("items")
    order = orders.filter(order_number=number).first() if ORDER_NUMBER.fullmatch(number) else None
    if order is None:
        raise ApiError("order_not_found", _("No such order."), status_code=status.HTTP_404_NOT_FOUND)
    quantities = {}
    for line in data["items"]:
        quantities[line["order_item_id"]] = quantities.get(line["order_item_id"], 0) + line["quantity"]
    try:
        return_request = services.request_return(
            user=request.user, order=order, quantities=quantities, reason=data["reason"], note=data["note"]
        )
    except services.ReturnRefused as error:
        raise conflict(error.code, error.message) from None
    return Response(
        ReturnSerializer(return_data(own_returns(request.user).get(pk=return_request.pk))).data,
        status=status.HTTP_201_CREATED,
    )


@extend_schema(
    tags=["returns"],
    operation_id="returns_list",
    summary="The caller's return requests, newest first",
    responses={200: ReturnPageSerializer, **error_responses(400, 401)},
    methods=["GET"],
)
@extend_schema(
    tags=["returns"],
    operation_id="returns_create",
    summary="Request a return of a delivered order",
    description=(
        "Within the market's return window after delivery (14 days KG, 30 days US); never more units of a "
        "line than were bought minus those already in other returns. Errors: `invalid` (400), "
        "`order_not_found` (404), `return_refused` (409)."
    ),
    request=ReturnCreateSerializer,
    responses={201: ReturnSerializer, **error_responses(400, 401, 404, 409)},
    methods=["POST"],
)
@api_view(["GET", "POST"])
def return_list(request):
    if request.method == "POST":
        return _create(request)
    pages = BoundedPages()
    page = pages.paginate_queryset(own_returns(request.user).order_by("-created_at", "-pk"), request)
    return pages.get_paginated_response(ReturnSerializer([return_data(r) for r in page], many=True).data)


@extend_schema(
    tags=["returns"],
    operation_id="returns_detail",
    summary="One of the caller's return requests",
    responses={200: ReturnSerializer, **error_responses(401, 404)},
)
@api_view(["GET"])
def return_detail(request, pk):
    return_request = own_returns(request.user).filter(pk=pk).first()
    if return_request is None:
        raise ApiError("return_not_found", _("No such return."), status_code=status.HTTP_404_NOT_FOUND)
    return Response(ReturnSerializer(return_data(return_request)).data)
