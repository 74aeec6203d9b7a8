"""The header's cart and wishlist badges; each counted (one query) only when a template shows it."""

from django.utils.functional import SimpleLazyObject

from catalog.wishlist import wishlist_product_ids
from checkout.cart import cart_count
from storefront.lazy import LazyCount


def cart(request):
    if getattr(request, "market", None) is None or not hasattr(request, "user"):
        return {}
    return {
        "cart_count": LazyCount(lambda: cart_count(request)),
        "wishlist_ids": SimpleLazyObject(lambda: wishlist_product_ids(request.user)),
    }
