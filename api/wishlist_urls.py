"""wishlist/…: the signed-in caller's wishlist (api.wishlist)."""

from django.urls import path

from api import wishlist

urlpatterns = [
    path("wishlist/get", wishlist.wishlist_get, name="wishlist_get"),
    path("wishlist/add", wishlist.wishlist_add, name="wishlist_add"),
    path("wishlist/remove", wishlist.wishlist_remove, name="wishlist_remove"),
    path("wishlist/clear", wishlist.wishlist_clear, name="wishlist_clear"),
]
