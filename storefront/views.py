"""Pages that belong to no single app: the market root, the market switcher and the home page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from catalog import structured_data
from catalog.pricing import MarketPricing
from catalog.views import priced, storefront_products
from marketing.models import Banner
from storefront.market_urls import market_reverse, path_in_market
from storefront.markets import MARKETS, Market
from storefront.middleware import preferred_market

HOME_SHELF = 8


@require_safe
def root(request):
    """`/` goes to the home page of the user's, the session's or the default market."""
    return redirect(market_reverse("home", preferred_market(request)))


@require_POST
def switch_market(request):
    """The visitor's market switcher: the same page in the chosen market."""
    code = request.POST.get("market", "").upper()
    next_path = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts={request.get_host()}) or not next_path.startswith(
        "/"
    ):
        next_path = "/"
    if code not in Market.values:
        messages.error(request, _("Choose Kyrgyzstan or the United States."))
        return redirect(next_path)
    if request.user.is_authenticated and request.user.market != code:
        messages.info(request, _("Your market follows your phone number, so it cannot be switched."))
        return redirect(path_in_market(next_path, request.user.market))
    request.session["market"] = code
    return redirect(path_in_market(next_path, code))


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


ROBOTS_DISALLOW = ["/admin/", "/api/", "/accounts/", "/market/"]
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
