"""The product page's "Tell me when it's back": ask for an alert, or stop it (HTMX, and plain POSTs);
and the shopper's alerts among their account pages (`/accounts/alerts/`, in the `accounts` namespace)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from alerts.product_page import waiting_for
from alerts.services import (
    AlertRefused,
    add_alert,
    alert_link,
    alertable_skus,
    remove_alert,
    shoppers_alerts,
    stop_alert,
)
from alerts.templatetags.alerts import variant_label
from storefront.content import translated
from storefront.htmx import wants_partial
from storefront.market_urls import market_reverse
from storefront.redirects import local_path

PARTIAL = "alerts/_stock_alert.html#stock-alert"
ALERT_LIST = "alerts/alert_list.html"


def _posted_sku(request):
    """The SKU named in the POST, if a shopper of this market may ask about it; else 404."""
    try:
        sku_id = int(request.POST.get("sku", ""))
    except ValueError:
        raise Http404 from None
    sku = alertable_skus(request.market).filter(pk=sku_id).first()
    if sku is None:
        raise Http404
    return sku


def _back(request, sku):
    return local_path(request, request.POST.get("next")) or market_reverse(
        "catalog:product_detail", request.market, kwargs={"slug": sku.product.slug}
    )


def _answer(request, sku, back, *, alerted, notice):
    if not wants_partial(request):
        messages.success(request, notice)
        return redirect(back)
    label = variant_label(sku)
    context = {"next_url": back, "alert_notice": notice}
    if alerted:
        context.update(alert_sku=sku, alert_said=waiting_for([label]))
    else:
        context.update(variants=[(sku, label)])
    return TemplateResponse(request, PARTIAL, context)


@require_POST
@vary_on_headers("HX-Request")
def alert_add(request):
    """Ask to be texted when a sold-out SKU is back; a visitor is sent to sign in first."""
    sku = _posted_sku(request)
    back = _back(request, sku)
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to hear when this size is back in stock."))
        sign_in = reverse("accounts:sign_in", query={"next": back})
        if wants_partial(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = sign_in
            return response
        return redirect(sign_in)
    try:
        add_alert(user=request.user, sku=sku)
    except AlertRefused as refusal:
        return _answer(request, sku, back, alerted=False, notice=refusal.message)
    return _answer(request, sku, back, alerted=True, notice=_("We will text you when it is back in stock."))


@require_POST
@vary_on_headers("HX-Request")
def alert_remove(request):
    """Stop the signed-in shopper's waiting alert for a SKU (nothing happens to anyone else's)."""
    sku = _posted_sku(request)
    back = _back(request, sku)
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:sign_in", query={"next": back}))
    removed = remove_alert(user=request.user, sku_id=sku.pk)
    notice = _("The back-in-stock alert is stopped.") if removed else _("There was no alert for this size.")
    return _answer(request, sku, back, alerted=False, notice=notice)


def _list_context(request, notice=""):
    def row(alert):
        return {"alert": alert, "label": variant_label(alert.sku), "link": alert_link(alert, request.market)}

    waiting, told = shoppers_alerts(request.user)
    return {
        "waiting": [row(alert) for alert in waiting],
        "told": [row(alert) for alert in told],
        "alert_notice": notice,
        "section": "alerts",
    }


@never_cache
@login_required
@require_GET
def alert_list(request):
    """The shopper's back-in-stock alerts: those still waiting, each with a button to stop it, and
    the latest ones told."""
    return TemplateResponse(request, ALERT_LIST, _list_context(request))


@never_cache
@login_required
@require_POST
@vary_on_headers("HX-Request")
def alert_stop(request, pk):
    """Stop one of the shopper's waiting alerts from the account page: another shopper's is a 404."""
    stopped = stop_alert(user=request.user, alert_id=pk)
    if stopped is None:
        raise Http404
    notice = _("The alert for %(product)s is stopped.") % {"product": translated(stopped.sku.product, "name")}
    if wants_partial(request):
        return TemplateResponse(request, f"{ALERT_LIST}#alert-list", _list_context(request, notice))
    messages.success(request, notice)
    return redirect("accounts:alert_list")
