"""The shared page cache: the pages a visitor or a crawler gets, rendered once and served to everyone.

A storefront page marked `@shared_page` is the same for every visitor of a market and language who
has no session: no cart, no sign-in, no messages, nothing of their own. Such a request is answered
from one cache entry keyed by market, language, HTMX-or-not and the URL, before the session,
authentication and CSRF middleware run, so a hit costs two cache reads. Everyone else (a session or
a pending message in a cookie) gets the page rendered afresh with their own parts in it, marked
`Cache-Control: private`.

What a shared page may not hold, it gets separately:
- the CSRF token: the page is rendered with `CSRF_PLACEHOLDER` in its forms and in the HTMX
  headers; storefront.js asks `/csrf/` for a token before the first form or HTMX request is sent,
  and a form posted without JavaScript gets a page that asks to confirm the action with a token
  (`storefront.views.csrf_failure`), so no action is ever taken without one;
- the cart, the wishlist, the account links and messages: a visitor without a session has none,
  so the page shows their empty state, true for every visitor it is served to; the first action
  that gives them a session takes them off the shared pages.

Staleness: a merchandiser's change (a product, SKU, price, picture, category, banner, exchange rate
or review) calls `invalidate()` after its transaction commits, which moves every key to a new
version, so the next request renders afresh. Writes that send no signal (stock taken by orders,
bulk updates) show within `PAGE_CACHE_SECONDS` (60 by default; 0 turns the cache off). Changes
that come by themselves at a set time (a sale or a banner starting or ending) are known beforehand: apps
register a `next_change()` with `register_schedule`, the version remembers the soonest such moment,
and the first request at or after it moves to a new version, so the pages change at that moment,
not up to `PAGE_CACHE_SECONDS` later; kept pages and `s-maxage` never outlast it either.

Headers: shared responses carry `Cache-Control: public, max-age=0, s-maxage=<seconds>` and vary on
`Accept-Language` and `HX-Request`, never on `Cookie`, so a CDN in front may keep them too. A CDN
must pass to the app any request carrying the session, messages, market or language cookie (the
language and market a visitor chose live in those cookies; the app keys its own cache on them).
A response that sets a cookie is `private`.

A cache that cannot be reached is logged and skipped: the page is rendered as if nothing were cached.
"""

import contextvars
import functools
import hashlib
import logging
import math
import time
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control

from storefront import languages
from storefront.markets import Market, get_market
from storefront.resilient_cache import CacheUnavailable

logger = logging.getLogger(__name__)

# What a shared page holds where a form's CSRF token goes; storefront.js swaps in a real one.
CSRF_PLACEHOLDER = "csrf-token-on-request"
VERSION_KEY = "shared-page:version"
# Headers of the stored response that are the same for everyone; cookies and caching headers are not kept.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")
MARKET_COOKIE = "marque_market"
MARKET_COOKIE_AGE = 365 * 24 * 60 * 60


def shared_page(view):
    """Mark a storefront view whose page is the same for every visitor without a session."""

    @functools.wraps(view)
    def shared(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    shared.shared_page = True
    return shared


# Functions `next_change()` giving the next moment shared pages change by themselves, or None.
_schedules = []


def register_schedule(next_change):
    """Renew the shared pages at every moment `next_change()` gives (a sale's start or end)."""
    if next_change not in _schedules:
        _schedules.append(next_change)


def soonest_boundary(rows, start, end, now=None):
    """The soonest `start` or `end` moment after `now` (the present by default) among `rows`, else
    None: what a schedule registered with `register_schedule` gives for rows that start and end."""
    now = now or timezone.now()
    soonest = rows.aggregate(
        start=Min(start, filter=Q(**{f"{start}__gt": now})), end=Min(end, filter=Q(**{f"{end}__gt": now}))
    )
    return min((moment for moment in soonest.values() if moment), default=None)


def _next_change():
    return min((moment for moment in (when() for when in _schedules) if moment), default=None)


def invalidate():
    """Every shared page is rendered afresh from the next request on (after the current transaction)."""
    transaction.on_commit(_new_version)


def invalidate_on_change(sender, **kwargs):
    """A post_save/post_delete receiver: a merchandiser's change shows on the next request."""
    if not kwargs.get("raw"):
        invalidate()


def _new_version():
    if _request_version.get() is not _OUTSIDE:
        _request_version.set(None)
    try:
        cache.set(VERSION_KEY, (uuid.uuid4().hex[:12], _next_change()), None)
    except Exception:
        logger.exception("The shared page cache could not be invalidated; pages expire within %ss.", _seconds())


def _seconds():
    return settings.PAGE_CACHE_SECONDS


# The version read once per request (`SharedPageCacheMiddleware` starts each request without one):
# a page's pieces kept under it (catalog.fragments) would otherwise read it once each.
_OUTSIDE = object()  # not in a request: read every time
_request_version = contextvars.ContextVar("shared_page_version", default=_OUTSIDE)


def _version():
    """(the pages' version, the moment it ends by itself or None); read once per request."""
    remembered = _request_version.get()
    if remembered is _OUTSIDE:
        return _read_version()
    if remembered is not None and (remembered[1] is None or timezone.now() < remembered[1]):
        return remembered
    current = _read_version()
    _request_version.set(current)
    return current


def _read_version():
    stored = cache.get(VERSION_KEY)
    if stored is None:
        stored = (uuid.uuid4().hex[:12], _next_change())
        # Several servers may start a version at once; the first one written wins.
        cache.add(VERSION_KEY, stored, None)
        stored = cache.get(VERSION_KEY, stored)
    if isinstance(stored, str):  # kept before versions had an end
        stored = (stored, None)
    version, until = stored
    if until is not None and timezone.now() >= until:
        # Every server that gets here at once derives the same next version from the same one.
        version = hashlib.blake2b(f"{version}:{until.isoformat()}".encode(), digest_size=6).hexdigest()
        until = _next_change()
        cache.set(VERSION_KEY, (version, until), None)
    return version, until


def _seconds_until(until):
    """How long a page may be kept: `PAGE_CACHE_SECONDS`, but never past the version's end."""
    if until is None:
        return _seconds()
    left = math.ceil((until - timezone.now()).total_seconds())
    return max(1, min(_seconds(), left))


def version():
    """The current version of what shared pages show: it changes with every `invalidate()`, so a
    piece kept beside the pages under a key holding it (catalog.fragments) is renewed with them."""
    return _version()[0]


# Values held in each process while the shared pages' version stands (`held_while_current`), and at
# most this long: the bound for a write that sends no signal, as for the pages (PAGE_CACHE_SECONDS).
HELD_SECONDS = 60
_held = {}


def held_while_current(key, read, *, seconds=HELD_SECONDS):
    """What `read()` returns, held in this process while the shared pages' version stays the one it
    was read under, and at most `seconds`: for small values every page asks for (a market's exchange
    rate and running sales) that every change to them renews the version for. The value is shared
    by every request of the process, so it must be immutable. With the cache unreachable, `read()`
    every time."""
    try:
        current = version()
    except Exception:
        return read()
    now = time.monotonic()
    held = _held.get(key)
    if held is not None and held[0] == current and now < held[1]:
        return held[2]
    value = read()
    _held[key] = (current, now + seconds, value)
    return value


def forget_held():
    """Drop every value held by `held_while_current` (tests)."""
    _held.clear()


def has_own_state(request):
    """Whether the request carries anything of its own: a session or a message waiting in a cookie."""
    cookies = request.COOKIES
    return bool(cookies.get(settings.SESSION_COOKIE_NAME) or cookies.get(CookieStorage.cookie_name))


def shared_view(request):
    """The resolved view when it is a shared page and the request is a GET or HEAD, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    try:
        match = resolve(request.path_info, get_urlconf())
    except Resolver404:
        return None
    return match if getattr(match.func, "shared_page", False) else None


def visitor_market_code(request, match=None):
    """The market of a visitor's page: the URL's, else the one they chose before, else the default."""
    code = match.kwargs.get("market") if match is not None else None
    if code:
        return code
    cookie = request.COOKIES.get(MARKET_COOKIE, "").upper()
    return cookie if cookie in Market.values else settings.DEFAULT_MARKET


def is_partial(request):
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def page_key(request, market_code, language):
    """The page's key; `request.shared_page_seconds` is how long it may be kept."""
    url = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    partial = "p" if is_partial(request) else "f"
    version, until = _version()
    request.shared_page_seconds = _seconds_until(until)
    return f"shared-page:{version}:{market_code}:{language}:{partial}:{url}"


class SharedPageCacheMiddleware:
    """Serves shared pages from the cache and keeps what a visitor's request renders; sits above the
    session middleware so that a hit reads no session and the response does not vary on Cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = _request_version.set(None)
        try:
            return self._respond(request)
        finally:
            _request_version.reset(started)

    def _respond(self, request):
        match = shared_view(request)
        if match is None:
            return self.get_response(request)
        if has_own_state(request) or not _seconds():
            response = self.get_response(request)
            if not _seconds():
                return response
            # A page with someone's own parts in it is never kept by a shared cache on the way.
            patch_cache_control(response, private=True, max_age=0)
            return response

        market_code = visitor_market_code(request, match)
        language = languages.language_for(request, get_market(market_code))
        key = self._key(request, market_code, language)
        stored = self._read(key) if key else None
        if stored is not None:
            response = self._rebuild(stored)
            response["X-Page-Cache"] = "hit"
            remember_visitor_choices(request, response, market_code, language)
        else:
            request.rendering_shared_page = True
            response = self.get_response(request)
            if key and self._keepable(request, response):
                self._write(key, response, request.shared_page_seconds)
            response["X-Page-Cache"] = "miss"
        if response.status_code == 200:
            self._shared_headers(response, getattr(request, "shared_page_seconds", _seconds()))
        return response

    @staticmethod
    def _key(request, market_code, language):
        try:
            return page_key(request, market_code, language)
        except CacheUnavailable:
            return None  # Redis is away; storefront.resilient_cache has said so once.
        except Exception:
            logger.warning("The shared page cache is unreachable; rendering afresh.", exc_info=True)
            return None

    @staticmethod
    def _keepable(request, response):
        # A page whose rendering began a session or left a message is someone's own.
        own = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not any(name in response.cookies for name in own)
        )

    @staticmethod
    def _read(key):
        try:
            return cache.get(key)
        except Exception:
            logger.warning("The shared page cache is unreachable; rendering afresh.", exc_info=True)
            return None

    @staticmethod
    def _write(key, response, seconds):
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip() and v.strip().lower() != "cookie"]
        try:
            cache.set(key, (response.content, headers, vary), seconds)
        except Exception:
            logger.warning("The shared page cache is unreachable; the page was not kept.", exc_info=True)

    @staticmethod
    def _rebuild(stored):
        content, headers, vary = stored
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        if vary:
            response["Vary"] = ", ".join(vary)
        return response

    @staticmethod
    def _shared_headers(response, seconds):
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        kept = [v for v in vary if v.lower() != "cookie"]
        for header in ("Accept-Language", "HX-Request"):
            if header.lower() not in (v.lower() for v in kept):
                kept.append(header)
        response["Vary"] = ", ".join(kept)
        if response.cookies:
            patch_cache_control(response, private=True, max_age=0)
        else:
            patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)


def remember_visitor_choices(request, response, market_code, language):
    """Keep a visitor's market and a followed `?lang=` link in their cookies, as a rendered page would."""
    if market_cookie_due(request, market_code):
        set_market_cookie(response, market_code)
    if languages.language_cookie_due(request, language):
        languages.remember_language(response, language)


def market_cookie_due(request, code):
    """Whether a visitor's market cookie should change: they are on another market's page than
    the one it keeps (a visitor who stays in the default market gets no cookie at all)."""
    current = request.COOKIES.get(MARKET_COOKIE, "").upper()
    return current != code and (bool(current) or code != settings.DEFAULT_MARKET)


def set_market_cookie(response, code):
    response.set_cookie(
        MARKET_COOKIE,
        code,
        max_age=MARKET_COOKIE_AGE,
        path="/",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
