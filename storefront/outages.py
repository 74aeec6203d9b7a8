"""A service the shop needs is down: a clear 503 page instead of a server error.

- Redis away: pages keep answering from the database (storefront.resilient_cache); what cannot run
  without it (a session write such as signing in or a visitor's first cart line, a rate limit that
  cannot be counted) raises `CacheUnavailable`, answered here with a 503 that says to try again in
  a minute and that browsing still works.
- PostgreSQL away: any page that needs it answers a 503 that says the shop is down for a moment.
  (A visitor's page the shared page cache holds is still served from Redis.)

The page is rendered from `storefront/unavailable.html` without context processors, so it reads
neither the database nor the cache. JSON API requests get the API's error shape instead.

Errors raised in a view or while its template renders reach `OutageMiddleware.process_exception`;
errors raised in a middleware (a session saved on the way out, a user loaded for the language)
reach Django's 500 handler, which `server_error` replaces (`handler500` in the root URLconf).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from storefront import languages
from storefront.errors import ServiceUnavailable
from storefront.market_urls import split_market_prefix
from storefront.markets import get_market

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = {"cache": 30, "database": 60}


def outage_of(error) -> str | None:
    """`"cache"` or `"database"` when `error` means that service is down, else None."""
    if isinstance(error, ServiceUnavailable):
        return error.service
    # OperationalError: the server cannot be reached or hung up; InterfaceError: the connection is gone.
    if isinstance(error, (OperationalError, InterfaceError)):
        return "database"
    return None


def _language(request):
    chosen = getattr(request, "LANGUAGE_CODE", None)
    if chosen:
        return chosen
    # The language middleware did not run (or failed): choose without the user, who needs the database.
    code, _rest = split_market_prefix(request.path_info)
    market = get_market(code or settings.DEFAULT_MARKET)
    return (
        languages.requested_language(request, market)
        or languages.supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""), market)
        or languages.from_accept_language(request.headers.get("Accept-Language"), market)
        or market.default_language
    )


def unavailable_response(request, service: str):
    """The 503 answer for `service` ("cache" or "database"), a page or the API's JSON error."""
    with translation.override(_language(request)):
        if service == "database":
            title = _("The shop is not available right now")
            text = _("We are fixing a problem on our side. Please try again in a few minutes.")
        else:
            title = _("Please try again in a minute")
            text = _(
                "Signing in and saving changes are paused for a moment while we fix a problem. "
                "You can keep browsing the shop; nothing you saved before is lost."
            )
        if request.path_info.startswith("/api/"):
            body = {"error": {"code": "service_unavailable", "message": f"{title}. {text}", "details": {}}}
            response = JsonResponse(body, status=503)
        else:
            html = render_to_string(
                "storefront/unavailable.html",
                {"title": title, "text": text, "LANGUAGE_CODE": translation.get_language()},
            )
            response = HttpResponse(html, status=503)
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER.get(service, 60))
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """Answers a view's (or its template's) outage with the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        service = outage_of(exception)
        if service is None:
            return None
        # A database error is logged with its cause; Redis going away was logged once by the cache.
        logger.error(
            "%s %s: the %s is unavailable",
            request.method,
            request.path,
            service,
            exc_info=exception if service == "database" else None,
        )
        return unavailable_response(request, service)


def server_error(request):
    """Django's 500 handler, except that an outage raised in a middleware gets the 503 page."""
    service = outage_of(sys.exc_info()[1])
    if service is not None:
        return unavailable_response(request, service)
    return defaults.server_error(request)
