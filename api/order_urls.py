"""orders…: placing, reading and cancelling the signed-in caller's orders (api.orders), reviewing what one
delivered (api.reviews)."""

from django.urls import path

from api import orders, reviews

urlpatterns = [
    path("orders", orders.order_list, name="order_list"),
    path("orders/create", orders.order_create, name="order_create"),
    path("orders/<str:number>", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/cancel", orders.order_cancel, name="order_cancel"),
    path("orders/<str:number>/reviews", reviews.review_create, name="order_review_create"),
]
