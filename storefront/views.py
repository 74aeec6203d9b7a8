"""Pages that belong to no single app: the market root, the market switcher and the home page."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.services import set_language
from catalog import structured_data
from catalog.pricing import MarketPricing
from catalog.views import priced, storefront_products
from marketing.models import Banner
from storefront.languages import LANGUAGE_PARAM, remember_language
from storefront.market_urls import market_reverse, path_in_market, split_market_prefix
from storefront.markets import MARKETS, Language, Market, get_market
from storefront.middleware import preferred_market
from storefront.redirects import local_path

HOME_SHELF = 8


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


@require_POST
def switch_language(request):
    """The language switcher: the same page again, in the chosen language.

    Kept on a signed-in shopper's profile and in the cookie (which outlives signing out); the
    page's own `?lang=` is dropped so that it does not override the choice.
    """
    language = request.POST.get("language", "")
    next_path = _next_path(request)
    # The page's market (a signed-in shopper's is always their own).
    page_market, _rest = split_market_prefix(next_path)
    market = get_market(page_market) if page_market and not request.user.is_authenticated else request.market
    if language not in market.languages:
        names = ", ".join(str(Language(code).label) for code in market.languages)
        messages.error(request, _("Choose one of the languages of this market: %(languages)s.") % {"languages": names})
        return redirect(next_path)
    if request.user.is_authenticated:
        set_language(user=request.user, language=language)
    parts = urlsplit(next_path)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != LANGUAGE_PARAM]
    response = redirect(urlunsplit(("", "", parts.path, urlencode(query), "")))
    remember_language(response, language)
    return response


@require_safe
def home(request):
    pricing = MarketPricing.load(request.market)
    banners = list(Banner.objects.live().for_market(request.market).order_by("sort_order", "-created_at"))
    products = storefront_products(request, pricing)
    context = {
        "hero_banners": [b for b in banners if b.banner_type == Banner.Type.HERO],
        "promo_banners": [b for b in banners if b.banner_type == Banner.Type.PROMO],
        "category_banners": [b for b in banners if b.banner_type == Banner.Type.CATEGORY],
        "featured": priced(list(products.featured().order_by("-created_at", "-id")[:HOME_SHELF]), pricing),
        "best_sellers": priced(list(products.best_sellers()[:HOME_SHELF]), pricing),
        "alternates": structured_data.alternates(request, "home"),
    }
    return TemplateResponse(request, "home.html", context)


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
