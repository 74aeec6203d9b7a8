"""Checkout, the customer's orders, paying online, and the Stripe webhook.

Orders are looked up among the signed-in customer's own (`request.user.orders`), so anyone else's
order number is a 404 for every page and action.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as account_services
from accounts.forms import AddressForm
from checkout import payments
from checkout.cart import find_cart, summarize_cart
from checkout.forms import NOTES_MAX_LENGTH, CheckoutForm, new_checkout_key
from checkout.models import Order, OrderItem
from checkout.orders import CHECKOUT_KEY_PATTERN, CheckoutError, SoldOut, place_order
from checkout.status import StatusChangeRefused, change_status
from storefront.market_urls import market_reverse

ORDERS_PER_PAGE = 10


def _cart_url(request):
    return market_reverse("checkout:cart_detail", request.market)


def _order_url(order, name="checkout:order_detail"):
    return market_reverse(name, order.market_config, kwargs={"number": order.order_number})


def _own_order(request, number, *, lock_related=False):
    orders = request.user.orders.all()
    if lock_related:
        items = OrderItem.objects.select_related("product", "sku")  # their words in the page's language
        orders = orders.prefetch_related(Prefetch("items", queryset=items), "status_history")
    return get_object_or_404(orders, order_number=number)


# --- checkout -----------------------------------------------------------------------------------


def _summary_for(request, form):
    """The cart priced for the address chosen in `form` (US sales tax depends on its state).

    Only the user's own addresses count: any other id prices as if none were chosen.
    """
    raw = str(form["address"].value() or "")
    address = next((a for a in request.user.addresses.all() if str(a.pk) == raw), None) if raw else None
    return summarize_cart(cart=find_cart(request), market=request.market, state=address.state if address else None)


# What the shopper typed into the checkout form, kept while they add an address (the address form's
# fields belong to the checkout form, so saving the address posts the notes and the payment too).
DRAFT_SESSION_KEY = "checkout_draft"
DRAFT_FIELDS = ("payment_method", "delivery_notes")


def _address_form(request, data=None):
    """The checkout page's new-address form; its fields post with the checkout form (`form=` attribute)."""
    address_form = AddressForm(data, market=request.user.market_config)
    for field in address_form.fields.values():
        field.widget.attrs["form"] = "checkout-form"
    return address_form


def _draft_of(data):
    return {name: str(data.get(name, ""))[:NOTES_MAX_LENGTH] for name in DRAFT_FIELDS if data.get(name)}


def _checkout_page(request, form, *, summary=None, address_form=None, status=200):
    context = {
        "form": form,
        "summary": summary or _summary_for(request, form),
        "address_form": address_form or _address_form(request),
        "has_addresses": bool(form.fields["address"].queryset),
        "pays_by_card": bool(set(Order.ONLINE_PAYMENT_METHODS) & set(dict(form.fields["payment_method"].choices))),
    }
    return TemplateResponse(request, "checkout/checkout.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    if request.method == "POST" and (placed := _placed_with_posted_key(request)):
        # The same form again (a double click, a resubmit): its order, not the now empty cart.
        return _after_placing(request, placed, created=False)
    if request.method == "GET":
        initial = {"address": request.GET.get("address")} if request.GET.get("address") else {}
        # Back from saving an address: what the shopper had typed and chosen, once.
        initial.update(request.session.pop(DRAFT_SESSION_KEY, None) or {})
        form = CheckoutForm(user=request.user, initial=initial)
    else:
        form = CheckoutForm(request.POST, user=request.user)
    summary = _summary_for(request, form)
    if not summary.lines:
        messages.info(request, _("Your cart is empty."))
        return redirect(_cart_url(request))
    if summary.has_problems:
        messages.error(request, _("Some items in your cart need your attention before checkout."))
        return redirect(_cart_url(request))
    if request.method == "GET":
        return _checkout_page(request, form, summary=summary)
    if not form.is_valid():
        if form.has_error("checkout_key"):
            # A key that can never be accepted would refuse every resubmit: send a fresh one back.
            form.data = form.data.copy()
            form.data["checkout_key"] = new_checkout_key()
        return _checkout_page(request, form, summary=summary, status=400)
    try:
        placement = place_order(
            user=request.user,
            address=form.cleaned_data["address"],
            payment_method=form.cleaned_data["payment_method"],
            notes=form.cleaned_data["delivery_notes"],
            checkout_key=form.cleaned_data["checkout_key"],
        )
    except SoldOut as error:
        messages.error(request, error.message)
        return redirect(_cart_url(request))
    except CheckoutError as error:
        form.add_error(None, error.message)
        return _checkout_page(request, form, summary=summary, status=400)
    return _after_placing(request, placement.order, created=placement.created)


def _placed_with_posted_key(request):
    """The order the user already placed with the posted checkout key, if any."""
    key = request.POST.get("checkout_key", "")
    if not CHECKOUT_KEY_PATTERN.match(key):
        return None
    return request.user.orders.filter(checkout_key=key).first()


def _after_placing(request, order, *, created):
    if created:
        messages.success(request, _("Thank you! Your order %(number)s is placed.") % {"number": order.order_number})
    if order.awaiting_online_payment:
        return _to_payment(request, order)
    return redirect(_order_url(order, "checkout:order_confirmation"))


def _to_payment(request, order):
    step = payments.next_payment_step(order, absolute_url=request.build_absolute_uri)
    if not step.url:
        if step.message:
            messages.error(request, step.message)
        return redirect(_order_url(order))
    return redirect(step.url)


@never_cache
@login_required
@require_GET
def checkout_summary(request):
    """The order summary for the chosen address (US sales tax depends on the state)."""
    return summary_response(request, address=request.GET.get("address"))


def summary_response(request, *, address, code_message="", code_error=""):
    """The checkout page's order summary for `address` (an id as posted), with what became of a
    discount code the shopper just entered or removed there."""
    form = CheckoutForm(user=request.user, initial={"address": address})
    context = {
        "summary": _summary_for(request, form),
        "checkout_path": market_reverse("checkout:checkout", request.market),
        "code_message": code_message,
        "code_error": code_error,
    }
    return TemplateResponse(request, "checkout/checkout.html#checkout-summary", context)


@login_required
@require_POST
def checkout_address(request):
    """Add a delivery address from the checkout page and come back with it chosen, and with the notes
    and the way to pay the shopper had already typed and chosen (posted with it) kept."""
    draft = _draft_of(request.POST)
    address_form = _address_form(request, request.POST)
    if not address_form.is_valid():
        initial = {**draft, "address": request.POST.get("address") or None}
        form = CheckoutForm(user=request.user, initial={k: v for k, v in initial.items() if v})
        return _checkout_page(request, form, address_form=address_form, status=400)
    data = dict(address_form.cleaned_data)
    make_default = data.pop("make_default", False) or not request.user.addresses.exists()
    address = account_services.save_address(user=request.user, data=data, make_default=make_default)
    request.session[DRAFT_SESSION_KEY] = draft
    messages.success(request, _("Address saved."))
    return redirect(market_reverse("checkout:checkout", request.market, query={"address": address.pk}))


# --- the customer's orders ----------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def order_list(request):
    orders = request.user.orders.prefetch_related("items")
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "checkout/order_list.html", {"page": page, "section": "orders"})


@never_cache
@login_required
@require_GET
def order_detail(request, number):
    order = _own_order(request, number, lock_related=True)
    context = {
        "order": order,
        "section": "orders",
        "bank_details": payments.bank_details(order),
        "refund": payments.refund_state(order),
    }
    return TemplateResponse(request, "checkout/order_detail.html", context)


def _delivery_window(order):
    """When the order should arrive: {days: (fewest, most), earliest: date, latest: date}."""
    fewest, most = order.market_config.shipping.delivery_days(order.delivery_city)
    placed = timezone.localdate(order.order_date)
    return {
        "fewest": fewest,
        "most": most,
        "earliest": placed + datetime.timedelta(days=fewest),
        "latest": placed + datetime.timedelta(days=most),
    }


@never_cache
@login_required
@require_GET
def order_confirmation(request, number):
    """What the shopper sees once an order is placed (or paid): its items, what happens next, when
    it arrives, and how to pay where that is still to do."""
    order = _own_order(request, number)
    items = list(order.items.select_related("product", "sku"))  # their words in the page's language
    context = {
        "order": order,
        "items": items,
        "section": "orders",
        "bank_details": payments.bank_details(order),
        "delivery": _delivery_window(order),
    }
    return TemplateResponse(request, "checkout/order_confirmation.html", context)


@never_cache
@login_required
@require_GET
def order_cancel_confirm(request, number):
    """The step before cancelling: what cancelling does, and a way back to the order."""
    order = _own_order(request, number)
    if not order.can_cancel:
        messages.info(request, _("This order can no longer be cancelled."))
        return redirect(_order_url(order))
    return TemplateResponse(request, "checkout/order_cancel_confirm.html", {"order": order, "section": "orders"})


@login_required
@require_POST
def order_cancel(request, number):
    order = _own_order(request, number)
    try:
        change_status(order=order, to=Order.Status.CANCELLED, by=request.user, notes="Cancelled by the customer")
    except StatusChangeRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.order_number})
    return redirect(_order_url(order))


@login_required
@require_POST
def order_pay(request, number):
    """Pay (again) for a card order that is still waiting for its payment."""
    order = _own_order(request, number)
    if not order.awaiting_online_payment:
        messages.info(request, _("This order is not waiting for a payment."))
        return redirect(_order_url(order))
    return _to_payment(request, order)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def order_test_payment(request, number):
    """The offline stand-in for Stripe's page: pay or decline, clearly marked as a test."""
    order = _own_order(request, number)
    if request.method == "POST":
        try:
            payments.pay_with_test_method(order, succeed=request.POST.get("outcome") != "decline")
        except payments.PaymentError as error:
            messages.error(request, error.message)
        return redirect(_order_url(order, "checkout:order_paid"))
    if not order.awaiting_online_payment:
        return redirect(_order_url(order))
    return TemplateResponse(request, "checkout/test_payment.html", {"order": order})


@never_cache
@login_required
@require_GET
def order_paid(request, number):
    """Where the payment page sends the customer back: the state the webhook set, polled until known."""
    order = _own_order(request, number)
    return TemplateResponse(request, "checkout/order_paid.html", {"order": order})


@never_cache
@login_required
@require_GET
def order_payment_status(request, number):
    order = _own_order(request, number)
    return TemplateResponse(request, "checkout/order_paid.html#payment-status", {"order": order})


# --- the Stripe webhook -------------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's signed event: 400 for a bad or stale signature, 200 once handled (or seen before)."""
    if request.content_type != "application/json":
        # Stripe sends JSON; a form's fields were read (and its stream used) by storefront.input.
        return HttpResponseBadRequest(_("Invalid signature."), content_type="text/plain")
    try:
        outcome = payments.handle_stripe_webhook(request.body, request.headers.get("Stripe-Signature"))
    except payments.InvalidWebhook:
        return HttpResponseBadRequest(_("Invalid signature."), content_type="text/plain")
    return JsonResponse({"received": True, "outcome": outcome})
