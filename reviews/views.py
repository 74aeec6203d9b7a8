"""Review pages: writing a review of a delivered product, the shopper's own reviews, helpful votes.

Orders are looked up among the signed-in shopper's own (`request.user.orders`), so anyone else's
order number is a 404; what may be reviewed is decided by `reviews.services`, never here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from catalog.models import Product
from reviews import selectors, services
from reviews.forms import ReviewForm
from reviews.models import Review
from storefront.htmx import wants_partial
from storefront.market_urls import market_reverse
from storefront.redirects import local_path

MY_REVIEWS_PER_PAGE = 10
AWAITING_SHOWN = 10


def _order_url(order):
    return market_reverse("checkout:order_detail", order.market_config, kwargs={"number": order.order_number})


def _refuse_form(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, number, product_id):
    order = get_object_or_404(request.user.orders.all(), order_number=number)
    product = get_object_or_404(Product, pk=product_id)
    try:
        services.check_can_review(user=request.user, order=order, product=product)
    except services.ReviewRefused as error:
        messages.error(request, error.message)
        return redirect(_order_url(order))

    form = ReviewForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submitted = services.submit_review(user=request.user, order=order, product=product, **form.cleaned_data)
            except services.ReviewRefused as error:
                _refuse_form(form, error)
            else:
                messages.success(request, _("Thank you! Your review will appear once we have checked it."))
                if submitted.location_removed:
                    messages.info(request, _("We removed the location saved in your photos."))
                return redirect("accounts:review_list")
    item = order.items.filter(product=product).select_related("product", "sku").first()
    context = {"form": form, "order": order, "product": product, "item": item, "section": "orders"}
    return TemplateResponse(request, "reviews/review_form.html", context, status=status)


@never_cache
@login_required
@require_GET
def review_list(request):
    """The shopper's reviews with where moderation left each, and what they could still review."""
    own = request.user.reviews.select_related("product").prefetch_related("images").order_by("-created_at", "-id")
    page = Paginator(own, MY_REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "awaiting": selectors.awaiting_review(request.user, limit=AWAITING_SHOWN),
        "section": "reviews",
    }
    return TemplateResponse(request, "reviews/review_list.html", context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def review_helpful(request, pk):
    review = get_object_or_404(Review.objects.approved().select_related("product"), pk=pk)
    error = None
    try:
        services.mark_helpful(user=request.user, review=review)
    except services.ReviewRefused as refused:
        error = refused.message
    review.voted = error is None
    if wants_partial(request):
        context = {"review": review, "vote_error": error}
        return TemplateResponse(request, "reviews/_product_reviews.html#review-helpful", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you for your vote."))
    product_url = market_reverse("catalog:product_detail", request.market, kwargs={"slug": review.product.slug})
    return redirect(local_path(request, request.POST.get("next")) or f"{product_url}#reviews")
