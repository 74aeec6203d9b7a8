"""allauth's sign-in hook: the visitor's cart and pending wishlist heart follow them into their account."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.dispatch import receiver

from catalog.wishlist import save_pending_wishlist_item
from checkout.cart import claim_guest_cart


@receiver(user_logged_in, dispatch_uid="checkout_claim_guest_cart")
def claim_visitor_cart_and_wishlist(sender, request, user, **kwargs):
    for notice in claim_guest_cart(request=request, user=user):
        messages.warning(request, notice)
    save_pending_wishlist_item(request=request, user=user)
