"""Help pages: contact, delivery, returns, payment methods and privacy, in the shopper's market and language."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from help.pages import find_help_page, help_pages
from storefront.market_urls import market_reverse
from storefront.page_cache import shared_page


@shared_page
@require_safe
def help_index(request):
    return TemplateResponse(request, "help/help_index.html", {"pages": help_pages(request.market)})


@shared_page
@require_safe
def help_page(request, slug):
    pages = help_pages(request.market)
    page = find_help_page(pages, slug)
    if page is None:
        raise Http404(_("There is no such help page."))
    if page.slug != slug:
        # The footer links by kind; the page lives at the slug its merchandiser chose.
        return redirect(market_reverse("help:help_page", request.market, kwargs={"slug": page.slug}))
    return TemplateResponse(request, "help/help_page.html", {"page": page, "pages": pages})
