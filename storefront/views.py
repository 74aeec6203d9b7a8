"""Pages of the base: the market root, the market switcher, robots.txt and the favicon."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from storefront.market_urls import market_reverse, path_in_market
from storefront.markets import MARKETS, Market, get_market
from storefront.middleware import preferred_market
from storefront.redirects import local_path


@require_safe
def root(request):
    """`/` goes to the home page of the user's, the session's or the default market."""
    return redirect(market_reverse("home", get_market(preferred_market(request))))


def _next_path(request):
    """The page a switcher was on (a path of this site), else `/`."""
    return local_path(request, request.POST.get("next", "")) or "/"


@require_POST
def switch_market(request):
    """The visitor's market switcher: the same page in the chosen market."""
    code = request.POST.get("market", "").upper()
    next_path = _next_path(request)
    if code not in Market.values:
        messages.error(request, _("Choose Kyrgyzstan or the United States."))
        return redirect(next_path)
    if request.user.is_authenticated and request.user.market != code:
        messages.info(request, _("Your market follows your phone number, so it cannot be switched."))
        return redirect(path_in_market(next_path, request.user.market_config))
    request.session["market"] = code
    return redirect(path_in_market(next_path, get_market(code)))


ROBOTS_DISALLOW = ["/admin/", "/api/", "/accounts/", "/market/", "/language/"]
PRIVATE_SECTIONS = ["cart/", "checkout/", "account/", "wishlist/", "orders/", "search/", "b/"]


@require_safe
def robots_txt(request):
    """Crawlers may index the shop but stay out of carts, checkout, accounts and the admin."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    for config in MARKETS.values():
        lines += [f"Disallow: /{config.url_prefix}/{section}" for section in PRIVATE_SECTIONS]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin)."""
    return redirect(static("favicon.svg"), permanent=True)
