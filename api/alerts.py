"""alerts/…: the signed-in caller's back-in-stock alerts, on the services the product page uses.

Each endpoint answers with the caller's alerts after the change (waiting ones first); alerts are
looked up among the caller's own, so anyone else's is a 404 and changes nothing.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from alerts.models import StockAlert
from alerts.services import AlertRefused, add_alert, alertable_skus, remove_alert
from api.errors import ApiError, conflict, error_responses, valid
from api.fields import id_field
from api.market import request_market
from storefront.content import translated


class StockAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku_id = serializers.IntegerField()
    sku_code = serializers.CharField()
    product_id = serializers.IntegerField()
    product_slug = serializers.CharField()
    name = serializers.CharField(help_text="The product's name in the caller's language.")
    size = serializers.CharField()
    size_label = serializers.CharField(help_text="The size in the caller's language.")
    color = serializers.CharField()
    color_label = serializers.CharField(help_text="The color in the caller's language.")
    waiting = serializers.BooleanField(help_text="False once the caller was told the SKU is back.")
    asked_at = serializers.DateTimeField()
    told_at = serializers.DateTimeField(allow_null=True)


class StockAlertsSerializer(serializers.Serializer):
    alerts = StockAlertSerializer(many=True)
    count = serializers.IntegerField()
    notice = serializers.CharField(help_text="What the change did; empty for alerts/get.")


class StockAlertSkuSerializer(serializers.Serializer):
    sku_id = id_field()


def alerts_body(request, notice=""):
    alerts = StockAlert.objects.owned_by(request.user).select_related("sku__product").order_by("-notified_at", "-pk")
    rows = [
        {
            "id": alert.pk,
            "sku_id": alert.sku_id,
            "sku_code": alert.sku.sku_code,
            "product_id": alert.sku.product_id,
            "product_slug": alert.sku.product.slug,
            "name": translated(alert.sku.product, "name"),
            "size": alert.sku.size,
            "size_label": translated(alert.sku, "size"),
            "color": alert.sku.color,
            "color_label": translated(alert.sku, "color"),
            "waiting": alert.is_pending,
            "asked_at": alert.created_at,
            "told_at": alert.notified_at,
        }
        for alert in alerts
    ]
    rows.sort(key=lambda row: not row["waiting"])
    return StockAlertsSerializer({"alerts": rows, "count": len(rows), "notice": notice}).data


@extend_schema(
    tags=["alerts"],
    operation_id="alerts_get",
    summary="The caller's back-in-stock alerts",
    request=None,
    responses={200: StockAlertsSerializer, **error_responses(401)},
)
@api_view(["POST"])
def alerts_get(request):
    return Response(alerts_body(request))


@extend_schema(
    tags=["alerts"],
    operation_id="alerts_add",
    summary="Be told when a sold-out SKU is back",
    description=(
        "Idempotent: one alert per caller and SKU. `sku_not_found` (404) for a SKU not on sale in the caller's "
        "market; `sku_in_stock` (409) while it has units (add it to the cart instead)."
    ),
    request=StockAlertSkuSerializer,
    responses={200: StockAlertsSerializer, **error_responses(400, 401, 404, 409)},
)
@api_view(["POST"])
def alerts_add(request):
    sku_id = valid(StockAlertSkuSerializer, request)["sku_id"]
    sku = alertable_skus(request_market(request)).filter(pk=sku_id).first()
    if sku is None:
        raise ApiError("sku_not_found", _("This item is no longer available."), status_code=status.HTTP_404_NOT_FOUND)
    try:
        add_alert(user=request.user, sku=sku)
    except AlertRefused as refusal:
        raise conflict(refusal.code, refusal.message) from None
    return Response(alerts_body(request, _("We will text you when it is back in stock.")))


@extend_schema(
    tags=["alerts"],
    operation_id="alerts_remove",
    summary="Stop waiting for a SKU",
    description="`alert_not_found` (404) when the caller has no waiting alert for the SKU.",
    request=StockAlertSkuSerializer,
    responses={200: StockAlertsSerializer, **error_responses(400, 401, 404)},
)
@api_view(["POST"])
def alerts_remove(request):
    sku_id = valid(StockAlertSkuSerializer, request)["sku_id"]
    if not remove_alert(user=request.user, sku_id=sku_id):
        raise ApiError("alert_not_found", _("There was no alert for this size."), status_code=status.HTTP_404_NOT_FOUND)
    return Response(alerts_body(request, _("The back-in-stock alert is stopped.")))
