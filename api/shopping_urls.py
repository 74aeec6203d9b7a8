"""Cart, wishlist and orders of the signed-in caller (api.shopping)."""

from django.urls import path

from api import shopping

urlpatterns = [
    path("cart/get", shopping.cart_get, name="cart_get"),
    path("cart/add", shopping.cart_add, name="cart_add"),
    path("cart/update", shopping.cart_update, name="cart_update"),
    path("cart/remove", shopping.cart_remove, name="cart_remove"),
    path("cart/clear", shopping.cart_clear, name="cart_clear"),
    path("wishlist/get", shopping.wishlist_get, name="wishlist_get"),
    path("wishlist/add", shopping.wishlist_add, name="wishlist_add"),
    path("wishlist/remove", shopping.wishlist_remove, name="wishlist_remove"),
    path("wishlist/clear", shopping.wishlist_clear, name="wishlist_clear"),
    path("orders", shopping.order_list, name="order_list"),
    path("orders/create", shopping.order_create, name="order_create"),
    path("orders/<str:number>", shopping.order_detail, name="order_detail"),
]
