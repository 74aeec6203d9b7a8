"""alerts/…: the signed-in caller's back-in-stock alerts (api.alerts)."""

from django.urls import path

from api import alerts

urlpatterns = [
    path("alerts/get", alerts.alerts_get, name="alerts_get"),
    path("alerts/add", alerts.alerts_add, name="alerts_add"),
    path("alerts/remove", alerts.alerts_remove, name="alerts_remove"),
]
