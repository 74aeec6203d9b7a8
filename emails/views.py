"""The printable receipt of an order, message preferences, and verifying an email address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from checkout.models import OrderItem
from emails import services
from emails.forms import PreferencesForm


@never_cache
@login_required
@require_GET
def order_receipt(request, number):
    """The receipt of one of the shopper's own orders, laid out for printing or saving as PDF."""
    items = OrderItem.objects.select_related("product", "sku")  # their words in the page's language
    orders = request.user.orders.prefetch_related(Prefetch("items", queryset=items))
    order = get_object_or_404(orders, order_number=number)
    return TemplateResponse(request, "emails/order_receipt.html", {"order": order, "market": order.market_config})


@login_required
@require_POST
def message_preferences(request):
    form = PreferencesForm(request.POST)
    if form.is_valid():
        services.save_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Message preferences saved."))
    return redirect("accounts:profile")


@login_required
@require_POST
def email_resend(request):
    try:
        sent = services.request_verification(user=request.user)
    except services.VerificationFailed as refusal:
        messages.error(request, refusal.message)
        return redirect("accounts:profile")
    if sent:
        messages.success(
            request, _("We sent a new link to %(email)s. It works for 3 days.") % {"email": request.user.email}
        )
    else:
        messages.info(request, _("There is no unverified address to send a link to."))
    return redirect("accounts:profile")


@never_cache
@require_GET
def email_verify(request, token):
    """Opened from the verification email; works signed in or not, the signed token is the proof."""
    try:
        verified = services.verify_email(token=token)
    except services.VerificationFailed as refusal:
        return TemplateResponse(request, "emails/verify_result.html", {"error": refusal.message}, status=400)
    return TemplateResponse(request, "emails/verify_result.html", {"verified": verified})
