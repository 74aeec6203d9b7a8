"""cart/…: the signed-in caller's cart (api.cart)."""

from django.urls import path

from api import cart

urlpatterns = [
    path("cart/get", cart.cart_get, name="cart_get"),
    path("cart/add", cart.cart_add, name="cart_add"),
    path("cart/update", cart.cart_update, name="cart_update"),
    path("cart/remove", cart.cart_remove, name="cart_remove"),
    path("cart/clear", cart.cart_clear, name="cart_clear"),
    path("cart/code", cart.cart_code_apply, name="cart_code_apply"),
    path("cart/code/remove", cart.cart_code_remove, name="cart_code_remove"),
]
