"""Cart and wishlist pages and their HTMX actions.

Every action is a POST from a real form: with htmx it answers with the changed partial and an
`HX-Trigger` event for the header badges; without JavaScript it redirects (POST/redirect/GET).
Lines and items are looked up through the request's own cart or wishlist, so anyone else's is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from catalog.listing import size_sort_key
from catalog.models import Product, WishlistItem
from catalog.wishlist import (
    PENDING_SESSION_KEY,
    clear_wishlist,
    remove_wishlist_item,
    toggle_wishlist,
    wishlist_items,
)
from checkout import cart as carts
from storefront.content import translated
from storefront.errors import Refused
from storefront.htmx import trigger, wants_partial
from storefront.market_urls import market_reverse
from storefront.redirects import local_path

CART_PAGE = "checkout/cart_detail.html"
WISHLIST_PAGE = "checkout/wishlist_detail.html"


def _cart_page_url(request):
    return market_reverse("checkout:cart_detail", request.market)


def _own_line(request, pk):
    line, cart = carts.find_own_line(request, pk)
    if line is None:
        raise Http404(_("No such line in your cart."))
    return line, cart


def _cart_context(request, cart):
    return {"summary": carts.summarize_cart(cart=cart, market=request.market)}


def _after_cart_change(request, cart, change=None, error=None):
    """The cart page's `cart-contents` partial for htmx, else a redirect to the cart page."""
    if error:
        messages.error(request, error)
    elif change:
        (messages.warning if change.capped else messages.success)(request, change.message)
    if not wants_partial(request):
        return redirect(_cart_page_url(request))
    response = TemplateResponse(request, CART_PAGE + "#cart-contents", _cart_context(request, cart))
    return trigger(response, "cart-updated")


@require_GET
@vary_on_headers("HX-Request")
def cart_detail(request):
    cart = carts.find_cart(request)
    template = CART_PAGE + "#cart-contents" if wants_partial(request) else CART_PAGE
    return TemplateResponse(request, template, _cart_context(request, cart))


@require_POST
@vary_on_headers("HX-Request")
def cart_add(request):
    """Add the posted SKU; htmx gets one answer (the toast, the badge and the mini-cart), others go
    back where they came from."""
    if not request.POST.get("sku") and carts.only_sku_of(product_id=request.POST.get("product")) is None:
        return _choose_variant(request)
    cart = carts.get_or_create_cart(request)
    change, error = None, None
    try:
        quantity = carts.parse_quantity(request.POST.get("quantity"))
        sku_id = request.POST.get("sku") or carts.only_sku_of(product_id=request.POST.get("product"))
        change = carts.add_to_cart(cart=cart, sku_id=sku_id, quantity=quantity)
    except carts.CartError as exc:
        error = exc.message
    if not wants_partial(request):
        if error:
            messages.error(request, error)
        else:
            (messages.warning if change.capped else messages.success)(request, change.message)
        return redirect(local_path(request, request.POST.get("next")) or _cart_page_url(request))
    context = {
        "notice": error or change.message,
        "is_error": bool(error or change.capped),
        "changed": bool(change),
    }
    if change:
        context.update(_cart_context(request, cart))
    return _into_cart_notice(TemplateResponse(request, "checkout/cart_notice.html#cart-added", context))


def _into_cart_notice(response):
    """Whatever form posted, the answer fills the header's toast region; its element stays in place,
    so a screen reader hears the new text, and the badge and mini-cart come along out of band."""
    response["HX-Retarget"] = "#cart-notice"
    response["HX-Reswap"] = "innerHTML"
    return response


def _choose_variant(request):
    """A quick add for a product with several sizes or colors: htmx gets the sizes in stock to pick
    from in the card; without JavaScript the product page asks."""
    product = Product.objects.active().for_market(request.market).filter(pk=carts.as_id(request.POST.get("product")))
    product = product.first()
    if product is None:
        if wants_partial(request):
            context = {"notice": _("This item is no longer available."), "is_error": True}
            return _into_cart_notice(TemplateResponse(request, "checkout/cart_notice.html#cart-added", context))
        messages.error(request, _("This item is no longer available."))
        return redirect(_cart_page_url(request))
    url = market_reverse("catalog:product_detail", request.market, kwargs={"slug": product.slug})
    if not wants_partial(request):
        return redirect(url)
    skus = sorted(product.skus.active().in_stock(), key=lambda sku: (size_sort_key(sku.size), sku.color))
    context = {
        "product": product,
        "product_name": translated(product, "name"),
        "skus": skus,
        "several_colors": len({sku.color for sku in skus}) > 1,
        "next_url": local_path(request, request.POST.get("next")) or url,
    }
    response = TemplateResponse(request, "checkout/quick_add.html#quick-add", context)
    # Into the posting card's own slot: a product may have a card in two shelves of one page.
    response["HX-Retarget"] = "next [data-quick-add]"
    response["HX-Reswap"] = "innerHTML"
    return response


@require_POST
@vary_on_headers("HX-Request")
def cart_update(request, pk):
    line, cart = _own_line(request, pk)
    try:
        quantity = carts.parse_quantity(request.POST.get("set") or request.POST.get("quantity"), allow_zero=True)
        change = carts.update_cart_line(line=line, quantity=quantity)
    except carts.CartError as exc:
        return _after_cart_change(request, cart, error=exc.message)
    return _after_cart_change(request, cart, change)


@require_POST
@vary_on_headers("HX-Request")
def cart_remove(request, pk):
    line, cart = _own_line(request, pk)
    return _after_cart_change(request, cart, carts.remove_cart_line(line=line))


@require_POST
@vary_on_headers("HX-Request")
def cart_clear(request):
    cart = carts.find_cart(request)
    change = carts.clear_cart(cart=cart) if cart else None
    return _after_cart_change(request, cart, change)


def _after_code_change(request, cart, *, message="", error=""):
    """Back to the checkout page when the form came from there, else as any cart change."""
    back = local_path(request, request.POST.get("next"))
    if back and wants_partial(request) and request.POST.get("summary") and request.user.is_authenticated:
        # Entered on the checkout page: only its summary changes, so nothing typed there is lost.
        from checkout.order_views import summary_response

        return summary_response(request, address=request.POST.get("address"), code_message=message, code_error=error)
    if back and not wants_partial(request):
        (messages.error if error else messages.success)(request, error or message)
        return redirect(back)
    if error:
        return _after_cart_change(request, cart, error=error)
    messages.success(request, message)
    return _after_cart_change(request, cart)


@require_POST
@vary_on_headers("HX-Request")
def cart_code_apply(request):
    """Put a discount code on the cart, or say plainly why it cannot be used."""
    cart = carts.find_cart(request)
    try:
        message = carts.apply_discount_code(cart=cart, text=request.POST.get("code", ""), market=request.market)
    except Refused as refusal:
        return _after_code_change(request, cart, error=refusal.message)
    return _after_code_change(request, cart, message=message)


@require_POST
@vary_on_headers("HX-Request")
def cart_code_remove(request):
    cart = carts.find_cart(request)
    return _after_code_change(request, cart, message=carts.remove_discount_code(cart=cart))


@require_GET
def cart_badge(request):
    """The header's cart badge, refreshed by htmx on `cart-updated`."""
    return TemplateResponse(request, "checkout/cart_badge.html#cart-badge", {})


@require_GET
def mini_cart(request):
    """The header's mini-cart, refreshed by htmx on `cart-updated`."""
    context = _cart_context(request, carts.find_cart(request))
    return TemplateResponse(request, "checkout/mini_cart.html#mini-cart", context)


# --- wishlist ---------------------------------------------------------------------------------


def _wishlist_items(request):
    return wishlist_items(user=request.user, market=request.market)


def _wishlist_response(request, message=""):
    """The wishlist page's `wishlist-contents` partial for htmx, else a redirect to the page."""
    if message:
        messages.success(request, message)
    if not wants_partial(request):
        return redirect(market_reverse("checkout:wishlist_detail", request.market))
    response = TemplateResponse(request, WISHLIST_PAGE + "#wishlist-contents", {"items": _wishlist_items(request)})
    return trigger(response, "wishlist-updated")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def wishlist_detail(request):
    template = WISHLIST_PAGE + "#wishlist-contents" if wants_partial(request) else WISHLIST_PAGE
    return TemplateResponse(request, template, {"items": _wishlist_items(request)})


@require_POST
@vary_on_headers("HX-Request")
def wishlist_toggle(request, product_id):
    """The heart: on or off for a shopper; a visitor is asked to sign in and comes back with it saved."""
    product = get_object_or_404(Product.objects.active(), pk=product_id)
    back = local_path(request, request.POST.get("next")) or market_reverse(
        "catalog:product_detail", request.market, kwargs={"slug": product.slug}
    )
    if not request.user.is_authenticated:
        request.session[PENDING_SESSION_KEY] = product.pk
        messages.info(request, _("Sign in to save %(product)s to your wishlist.") % {"product": product.name})
        sign_in = reverse("accounts:sign_in", query={"next": back})
        if wants_partial(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = sign_in
            return response
        return redirect(sign_in)
    saved = toggle_wishlist(user=request.user, product=product)
    if not wants_partial(request):
        messages.success(request, _("Saved to your wishlist.") if saved else _("Removed from your wishlist."))
        return redirect(back)
    response = TemplateResponse(
        request,
        "catalog/_wishlist_button.html#wishlist-button",
        {"product": product, "next_url": back},
    )
    return trigger(response, "wishlist-updated")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def wishlist_remove(request, pk):
    item = get_object_or_404(WishlistItem.objects.owned_by(request.user), pk=pk)
    remove_wishlist_item(item=item)
    return _wishlist_response(request, _("Removed from your wishlist."))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def wishlist_clear(request):
    clear_wishlist(user=request.user)
    return _wishlist_response(request, _("Your wishlist is empty now."))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def wishlist_move_to_cart(request, pk):
    """Put the product's chosen (or only) SKU in the cart and take it off the wishlist."""
    item = get_object_or_404(WishlistItem.objects.owned_by(request.user).select_related("product"), pk=pk)
    skus = list(item.product.skus.filter(is_active=True).values_list("pk", flat=True))
    sku_id = request.POST.get("sku") or (skus[0] if len(skus) == 1 else "")
    if not sku_id:
        messages.error(request, _("Choose a size and color first."))
        return _wishlist_response(request)
    if sku_id not in skus and str(sku_id) not in map(str, skus):
        messages.error(request, _("This item is no longer available."))
        return _wishlist_response(request)
    cart = carts.get_or_create_cart(request)
    try:
        change = carts.add_to_cart(cart=cart, sku_id=sku_id, quantity=1)
    except carts.CartError as exc:
        messages.error(request, exc.message)
        return _wishlist_response(request)
    remove_wishlist_item(item=item)
    (messages.warning if change.capped else messages.success)(request, change.message)
    response = _wishlist_response(request)
    return trigger(response, "cart-updated") if wants_partial(request) else response


@require_GET
def wishlist_badge(request):
    """The header's wishlist badge, refreshed by htmx on `wishlist-updated`."""
    return TemplateResponse(request, "checkout/wishlist_badge.html#wishlist-badge", {})
