"""One structured log line per request, and the request metrics, from one measurement.

The line (logger `storefront.requests`, INFO) carries method, path, status, duration_ms, market,
user_id and view. It never carries the query string, and phone numbers, codes and tokens in the path
are masked, so nothing a shopper typed ends up in the log. `storefront.logging_json.JsonFormatter`
writes the fields as JSON (LOG_FORMAT=json, the default with DEBUG off); the plain format shows them
as key=value. The health probes and /metrics are answered above this middleware and are not logged.
"""

import logging
import re
import time

from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from storefront import metrics
from storefront.market_urls import split_market_prefix

logger = logging.getLogger("storefront.requests")

# Six digits or more, alone or in a phone number's spacing: `+996 555 123 456`, an SMS code.
DIGIT_RUN = re.compile(r"\+?\d(?:[\s().\-]{0,2}\d){5,}")
# A long path segment mixing letters with four digits or more: a token or a key, not a slug.
TOKEN_LIKE = re.compile(r"(?<![^/])(?=[^/]*[A-Za-z])(?=(?:[^/]*\d){4})[^/]{20,}")
MASK = "[masked]"


def loggable_path(path):
    """`path` with phone numbers, codes and tokens masked, at most 200 characters."""
    return DIGIT_RUN.sub(MASK, TOKEN_LIKE.sub(MASK, path))[:200]


def view_name(request):
    """The URL name the request resolved to (resolved here for pages the page cache answered)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched"
    return match.view_name or match._func_path


def user_id(request):
    """The signed-in user's id when the request already knows it; never loads a session to find out."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        # AuthenticationMiddleware's lazy user, read by the request (Django keeps it as _cached_user).
        user = request.__dict__.get("_cached_user")
    if user is None or isinstance(user, AnonymousUser):
        return None
    return user.pk


def market_code(request):
    market = getattr(request, "market", None)
    return market.code if market is not None else split_market_prefix(request.path_info)[0]


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        view = view_name(request)
        fields = {
            "method": request.method,
            "path": loggable_path(request.path),
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "market": market_code(request),
            "user_id": user_id(request),
            "view": view,
        }
        logger.info(
            " ".join(f"{name}={'-' if value is None else value}" for name, value in fields.items()),
            extra={"fields": fields},
        )
        metrics.observe_request(view=view, method=request.method, status=response.status_code, seconds=seconds)
        return response
