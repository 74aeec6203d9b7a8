"""The shopper's return pages: requesting a return of a delivered order, and one return's status.

Orders and returns are looked up among the signed-in shopper's own, so anyone else's is a 404; what
may be returned is decided by `returns.services`, never here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from returns import services
from returns.forms import ReturnRequestForm
from returns.selectors import own_returns
from storefront.market_urls import market_reverse


def _order_url(order):
    return market_reverse("checkout:order_detail", order.market_config, kwargs={"number": order.order_number})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def return_create(request, number):
    orders = request.user.orders.prefetch_related("items__product", "items__sku")
    order = get_object_or_404(orders, order_number=number)
    if not services.can_request_return(order):
        messages.error(request, _("This order can no longer be returned."))
        return redirect(_order_url(order))
    form = ReturnRequestForm(request.POST or None, lines=services.returnable_lines(order))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                return_request = services.request_return(
                    user=request.user,
                    order=order,
                    quantities=form.quantities(),
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except services.ReturnRefused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your return request is sent. We will text you when it is approved."))
                return redirect(
                    market_reverse("returns:return_detail", order.market_config, kwargs={"pk": return_request.pk})
                )
    context = {"order": order, "form": form, "section": "orders", "deadline": services.return_deadline(order)}
    return TemplateResponse(request, "returns/return_create.html", context, status=status)


@never_cache
@login_required
@require_GET
def return_detail(request, pk):
    return_request = get_object_or_404(own_returns(request.user), pk=pk)
    context = {"return_request": return_request, "order": return_request.order, "section": "orders"}
    return TemplateResponse(request, "returns/return_detail.html", context)
