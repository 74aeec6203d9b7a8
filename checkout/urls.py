from django.urls import path

from checkout import order_views, views

app_name = "checkout"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart_detail"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:pk>/update/", views.cart_update, name="cart_update"),
    path("cart/lines/<int:pk>/remove/", views.cart_remove, name="cart_remove"),
    path("cart/clear/", views.cart_clear, name="cart_clear"),
    path("cart/code/", views.cart_code_apply, name="cart_code_apply"),
    path("cart/code/remove/", views.cart_code_remove, name="cart_code_remove"),
    path("cart/badge/", views.cart_badge, name="cart_badge"),
    path("cart/mini/", views.mini_cart, name="mini_cart"),
    path("wishlist/", views.wishlist_detail, name="wishlist_detail"),
    path("wishlist/toggle/<int:product_id>/", views.wishlist_toggle, name="wishlist_toggle"),
    path("wishlist/items/<int:pk>/remove/", views.wishlist_remove, name="wishlist_remove"),
    path("wishlist/items/<int:pk>/move/", views.wishlist_move_to_cart, name="wishlist_move_to_cart"),
    path("wishlist/clear/", views.wishlist_clear, name="wishlist_clear"),
    path("wishlist/badge/", views.wishlist_badge, name="wishlist_badge"),
    path("checkout/", order_views.checkout, name="checkout"),
    path("checkout/summary/", order_views.checkout_summary, name="checkout_summary"),
    path("checkout/address/", order_views.checkout_address, name="checkout_address"),
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/<slug:number>/", order_views.order_detail, name="order_detail"),
    path("orders/<slug:number>/confirmation/", order_views.order_confirmation, name="order_confirmation"),
    path("orders/<slug:number>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("orders/<slug:number>/cancel/confirm/", order_views.order_cancel_confirm, name="order_cancel_confirm"),
    path("orders/<slug:number>/pay/", order_views.order_pay, name="order_pay"),
    path("orders/<slug:number>/pay/test/", order_views.order_test_payment, name="order_test_payment"),
    path("orders/<slug:number>/paid/", order_views.order_paid, name="order_paid"),
    path("orders/<slug:number>/payment-status/", order_views.order_payment_status, name="order_payment_status"),
]
