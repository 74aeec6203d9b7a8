from django.urls import path

from checkout import views

app_name = "checkout"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart_detail"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:pk>/update/", views.cart_update, name="cart_update"),
    path("cart/lines/<int:pk>/remove/", views.cart_remove, name="cart_remove"),
    path("cart/clear/", views.cart_clear, name="cart_clear"),
    path("cart/badge/", views.cart_badge, name="cart_badge"),
    path("cart/mini/", views.mini_cart, name="mini_cart"),
    path("wishlist/", views.wishlist_detail, name="wishlist_detail"),
    path("wishlist/toggle/<int:product_id>/", views.wishlist_toggle, name="wishlist_toggle"),
    path("wishlist/items/<int:pk>/remove/", views.wishlist_remove, name="wishlist_remove"),
    path("wishlist/items/<int:pk>/move/", views.wishlist_move_to_cart, name="wishlist_move_to_cart"),
    path("wishlist/clear/", views.wishlist_clear, name="wishlist_clear"),
    path("wishlist/badge/", views.wishlist_badge, name="wishlist_badge"),
]
