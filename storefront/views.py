"""Pages of the base: the market root, the market switcher, robots.txt, the favicon, and the CSRF
token of shared pages with the confirmation a form posted without one gets."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from storefront.market_urls import landing_in_market, market_reverse, path_in_market
from storefront.markets import MARKETS, Market, get_market
from storefront.middleware import preferred_market
from storefront.page_cache import set_market_cookie, shared_page
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
    landing, message = landing_in_market(next_path, get_market(code))
    if message:
        messages.info(request, message)
    response = redirect(landing)
    if not request.user.is_authenticated:
        set_market_cookie(response, code)
    return response


# Real routes only (storefront/tests/test_views.py resolves each): the account pages live under
# /accounts/, a market's own private pages under its prefix.
ROBOTS_DISALLOW = ["/admin/", "/api/", "/accounts/", "/market/", "/language/", "/csrf/", "/payments/"]
PRIVATE_SECTIONS = ["cart/", "checkout/", "wishlist/", "orders/", "reviews/", "search/", "b/"]


@shared_page
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


@never_cache
@require_safe
def csrf_token(request):
    """A CSRF token for a page served from the shared cache (storefront.js asks before it posts)."""
    return JsonResponse({"token": get_token(request)})


# Actions a shared page offers as forms; posted without a token (no JavaScript), they are offered
# again with one. Other forms are never on a shared page and keep Django's plain refusal.
CONFIRMABLE = {"cart_add", "wishlist_toggle", "switch_market", "switch_language"}
CONFIRM_FIELDS = 12


def csrf_failure(request, reason=""):
    """A POST refused for its CSRF token. From a shared page's form (which holds no token without
    JavaScript), the shopper sees the same action again with a token and confirms it; nothing is
    done until they do."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if request.method != "POST" or match is None or match.url_name not in CONFIRMABLE:
        return csrf.csrf_failure(request, reason)
    fields = [
        (name, value)
        for name, value in list(request.POST.items())[:CONFIRM_FIELDS]
        if name != "csrfmiddlewaretoken" and len(value) <= 2000
    ]
    context = {"action": request.path, "fields": fields, "next": local_path(request, request.POST.get("next", ""))}
    return TemplateResponse(request, "storefront/confirm_action.html", context, status=403)
