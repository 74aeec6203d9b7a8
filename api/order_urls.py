"""orders…: placing and reading the signed-in caller's orders (api.orders)."""

from django.urls import path

from api import orders

urlpatterns = [
    path("orders", orders.order_list, name="order_list"),
    path("orders/create", orders.order_create, name="order_create"),
    path("orders/<str:number>", orders.order_detail, name="order_detail"),
]
