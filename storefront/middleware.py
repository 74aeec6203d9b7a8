"""Resolves the shopper's market and language once per request: `request.market`, `request.LANGUAGE_CODE`."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from storefront import languages
from storefront.market_urls import path_in_market, resolves_in_market, split_market_prefix
from storefront.markets import Market, get_market
from storefront.page_cache import MARKET_COOKIE, market_cookie_due, set_market_cookie

# Paths that never carry a market and are never redirected into one.
UNPREFIXED = ("/admin/", "/api/", "/static/", "/media/", "/accounts/", "/robots.txt", "/sitemap", "/favicon")


def preferred_market(request):
    """A signed-in user's market, else the one a visitor chose (their market cookie), else the default.

    A visitor's market lives in a cookie, not the session, so that browsing another market's pages
    gives them no session and keeps them on the shared pages (storefront.page_cache).
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.market
    code = request.COOKIES.get(MARKET_COOKIE, "").upper()
    return code if code in Market.values else settings.DEFAULT_MARKET


class MarketMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.market = get_market(preferred_market(request))
        response = self.get_response(request)
        remembered = getattr(request, "remember_market", None)
        if remembered:
            set_market_cookie(response, remembered)
        if response.status_code == 404 and self._may_redirect(request):
            market = get_market(preferred_market(request))
            if resolves_in_market(request.path_info, market):
                return self._redirect(request, market)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        code = view_kwargs.pop("market", None)
        if code is None:
            return None
        user = request.user
        if user.is_authenticated and user.market != code:
            # A signed-in shopper always shops in the market of their phone number.
            return self._redirect(request, user.market_config)
        request.market = get_market(code)
        if not user.is_authenticated and market_cookie_due(request, code):
            request.remember_market = code
        return None

    @staticmethod
    def _may_redirect(request):
        if request.method not in ("GET", "HEAD"):
            return False
        code, _rest = split_market_prefix(request.path_info)
        return code is None and not request.path_info.startswith(UNPREFIXED)

    @staticmethod
    def _redirect(request, market):
        target = get_script_prefix().rstrip("/") + path_in_market(request.path_info, market)
        query = request.META.get("QUERY_STRING")
        response = HttpResponseRedirect(f"{target}?{query}" if query else target)
        patch_vary_headers(response, ["Cookie"])
        return response


class LanguageMiddleware:
    """Activates the language of `storefront.languages.language_for` and the market's time zone;
    runs after MarketMiddleware.

    Takes the place of Django's LocaleMiddleware: the language depends on the market, which the
    URL decides only once the view is known, so it is chosen again in `process_view`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._activate(request, self._market(request))
        response = self.get_response(request)
        language = request.LANGUAGE_CODE
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        if self._remember(request, language):
            languages.remember_language(response, language)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        self._activate(request, self._market(request))

    @staticmethod
    def _market(request):
        # An anonymous API caller names their market in the query; JWT callers are known later
        # (api.authentication activates their language once their token is read).
        if request.path_info.startswith("/api/"):
            code = request.GET.get("market", "").upper()
            if code in Market.values:
                return get_market(code)
        return request.market

    @staticmethod
    def _activate(request, market):
        language = languages.language_for(request, market)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        timezone.activate(market.time_zone)

    @staticmethod
    def _remember(request, language):
        """Whether to write the cookie: a `?lang=` link followed, or a signed-in user's own language.

        The cookie then keeps the language after signing out, and across markets' pages.
        """
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == language or request.method not in ("GET", "HEAD"):
                return False
            return user.language == language
        return languages.language_cookie_due(request, language)
