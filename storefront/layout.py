"""Every storefront page's header and footer, rendered once for what they show and kept in the process.

The header (`templates/storefront/_header.html`) is the same for every page of a market and language
but for a few values: the shopper's counts (cart, wishlist, unread notifications) and whether they
are signed in, the category menu, the search words, the page's own path (the market and language
forms come back to it; the sign-in link returns to it) and the CSRF token of those forms. Rendering
it costs more than two dozen listing cards, on every page.

So `header()` renders it once for each combination of what it shows that varies and keeps the HTML:
the key is made of the market, the language, signed in or not, the three counts, the category menu
and the market switcher's entries, and the deployed template sources. The page's path, its search
words and its CSRF token are rendered as stand-ins (characters no escaping changes and no text holds)
and swapped for the page's own, escaped as the template escapes them, in one pass, so a value that
itself holds a stand-in is never read as one. Nothing kept is anyone's own: counts are not.

The footer shows only the market's help links and ways to pay, from code, so it is kept for each
market and language as it is.

Both are kept in the process (a bounded LRU, no cache round trip): the key holds everything shown,
so a changed menu or count simply makes a new key, and a deploy restarts the process. A header with
a toast in it (`notice`, which only HTMX partials set) is rendered afresh.
"""

import functools
import hashlib
import re
import threading
from collections import OrderedDict

from django.template import defaultfilters
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

HEADER_TEMPLATE = "storefront/_header.html"
FOOTER_TEMPLATE = "storefront/_footer.html"
# Templates the header includes: their source is part of its key, as its own is.
HEADER_TEMPLATES = (
    HEADER_TEMPLATE,
    "storefront/_language_switcher.html",
    "catalog/_search_suggestions.html",
    "checkout/cart_badge.html",
    "checkout/wishlist_badge.html",
    "accounts/unread_badge.html",
    "checkout/mini_cart.html",
    "checkout/cart_notice.html",
)
FOOTER_TEMPLATES = (FOOTER_TEMPLATE, "help/_footer_links.html")
# Kept headers per process: a few markets × languages × signed in or not × small counts.
KEPT_HEADERS = 512

# Stand-ins for a page's own values in kept HTML (private-use characters; see the module's doc).
CSRF_STAND_IN = "\ue000csrf\ue000"
NEXT_STAND_IN = "\ue000next\ue000"
SEARCH_STAND_IN = "\ue000search\ue000"
# The path's stand-in as `|urlencode` writes it (the sign-in link's `?next=`).
QUOTED_NEXT_STAND_IN = defaultfilters.urlencode(NEXT_STAND_IN)
# Each form on its own: a pattern that starts with a literal character is searched for as fast as
# `str.find`; one of two alternatives is tried at every character (~5 µs a KB, ~14 µs a card).
_STAND_IN = re.compile("\ue000[a-z-]+\ue000")
_QUOTED_STAND_IN = re.compile("%EE%80%80[a-z-]+%EE%80%80")


def fill_in(html, values):
    """`html` with each stand-in replaced by its value in `values` (already escaped); no value put in
    is read for stand-ins again."""

    def value(found):
        return values.get(found.group(0), found.group(0))

    if "%EE%80%80" in html:
        # First: a value put in for a quoted stand-in is URL-encoded, so it holds no raw stand-in.
        html = _QUOTED_STAND_IN.sub(value, html)
    return mark_safe(_STAND_IN.sub(value, html))  # noqa: S308


class StandInRequest:
    """The request as the kept header sees it: its path is a stand-in, everything else its own."""

    def __init__(self, request):
        self._request = request

    def get_full_path(self):
        return NEXT_STAND_IN

    def __getattr__(self, name):
        return getattr(self._request, name)


class BoundedLRU:
    """A bounded, thread-safe LRU: kept HTML by a key made of everything it shows (so it is never stale),
    and other values kept in the process under keys that say what they depend on."""

    def __init__(self, size):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key, html):
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self):
        with self._lock:
            self._items.clear()


_headers = BoundedLRU(KEPT_HEADERS)


@functools.cache
def templates_digest(names):
    """A digest of the deployed sources of the templates `names` (a tuple): part of a kept piece's key,
    so a deploy that changes them changes the keys."""
    sources = "\0".join(get_template(name).template.source for name in names)
    return hashlib.blake2b(sources.encode(), digest_size=8).hexdigest()


def header(context):
    """The page's header, from the process's kept HTML where this combination was rendered before."""
    request = context["request"]
    token = str(context.get("csrf_token") or "")
    if context.get("notice") or token in ("", "NOTPROVIDED"):
        return mark_safe(get_template(HEADER_TEMPLATE).template.render(context))  # noqa: S308
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    market = context.get("market")
    values = {
        "request": StandInRequest(request),
        "market": market,
        "all_markets": context.get("all_markets") or (),
        "user": {"is_authenticated": signed_in},
        "cart_count": int(context.get("cart_count") or 0) if market else 0,
        "wishlist_ids": range(len(context.get("wishlist_ids") or ())) if market else (),
        "unread_notifications": int(context.get("unread_notifications") or 0) if signed_in else 0,
        "nav_categories": list(context.get("nav_categories") or ()),
        "search_query": SEARCH_STAND_IN,
        "csrf_token": CSRF_STAND_IN,
    }
    shown = (
        get_language(),
        getattr(market, "code", None),
        signed_in,
        values["cart_count"],
        len(values["wishlist_ids"]),
        values["unread_notifications"],
        repr(values["nav_categories"]),
        [(m.code, str(m.label), m.currency) for m in values["all_markets"]],
    )
    key = (templates_digest(HEADER_TEMPLATES), hashlib.blake2b(repr(shown).encode(), digest_size=16).digest())
    html = _headers.get(key)
    if html is None:
        html = get_template(HEADER_TEMPLATE).render(values)
        _headers.put(key, html)
    path = request.get_full_path()
    return fill_in(
        html,
        {
            CSRF_STAND_IN: conditional_escape(token),
            NEXT_STAND_IN: conditional_escape(path),
            QUOTED_NEXT_STAND_IN: conditional_escape(defaultfilters.urlencode(path)),
            SEARCH_STAND_IN: conditional_escape(context.get("search_query") or ""),
        },
    )


@functools.lru_cache(maxsize=64)
def _footer(market, language, digest):
    return get_template(FOOTER_TEMPLATE).render({"market": market})


def footer(context):
    """The page's footer: the same for every page of a market and language."""
    market = context.get("market")
    if market is None:
        return mark_safe(get_template(FOOTER_TEMPLATE).template.render(context))  # noqa: S308
    return mark_safe(_footer(market, get_language(), templates_digest(FOOTER_TEMPLATES)))  # noqa: S308


def forget():
    """Drop every kept header and footer (tests that change templates or markets)."""
    _headers.clear()
    _footer.cache_clear()
