"""Market prefixes in storefront URLs (`/kg/…`, `/us/…`) and reversing URLs for a market."""

import functools
from urllib.parse import quote

from django.conf import settings
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse
from django.utils.http import RFC3986_SUBDELIMS

from storefront.markets import MARKETS, MarketConfig, get_market

PREFIXES = {config.url_prefix: code for code, config in MARKETS.items()}


class MarketConverter:
    """`kg` / `us` in a URL; the view receives the market code `"KG"` / `"US"`."""

    regex = "|".join(PREFIXES)

    def to_python(self, value):
        return PREFIXES[value].value

    def to_url(self, value):
        return get_market(value).url_prefix


# Stands in for a URL's one argument while it is reversed; digits pass the int, slug and str converters.
STAND_IN = "7305918246"


def market_reverse(viewname, market: MarketConfig, *, kwargs=None, query=None):
    """`reverse()` of a storefront page in `market`.

    A listing links every card to its product, wishlist and cart URLs, and `reverse()` takes tens of
    microseconds each time, so a URL with at most one argument is reversed once per market (with a
    stand-in for the argument) and each call puts the value in, quoted as `reverse()` quotes it.
    """
    kwargs = kwargs or {}
    if query or len(kwargs) > 1:
        return reverse(viewname, kwargs={"market": market.code, **kwargs}, query=query)
    name, value = next(iter(kwargs.items()), (None, None))
    if name is not None and value in (None, ""):
        return reverse(viewname, kwargs={"market": market.code, **kwargs})  # refused as reverse() refuses it
    head, tail = _reversed_once(
        viewname, market.code, name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    if name is None:
        return head
    return f"{head}{quote(str(value), safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"


@functools.lru_cache(maxsize=256)
def _reversed_once(viewname, market_code, name, script_prefix, urlconf):
    """The URL of `viewname` in a market, split around its argument `name` (tail empty without one)."""
    kwargs = {"market": market_code}
    if name is None:
        return reverse(viewname, urlconf=urlconf, kwargs=kwargs), ""
    url = reverse(viewname, urlconf=urlconf, kwargs={**kwargs, name: STAND_IN})
    head, found, tail = url.partition(STAND_IN)
    if not found or STAND_IN in tail:  # pragma: no cover - a converter that rewrites its value
        raise ValueError(f"{viewname} cannot be reversed once for every {name}.")
    return head, tail


def split_market_prefix(path):
    """(`"KG"`, rest) for `/kg/rest`, or (None, path) when the path carries no market."""
    first, _, rest = path.lstrip("/").partition("/")
    code = PREFIXES.get(first)
    if code is None:
        return None, path
    return code.value, "/" + rest


def path_in_market(path, market: MarketConfig):
    """The same page in another market (`/kg/p/x/` → `/us/p/x/`); unprefixed paths get one."""
    _code, rest = split_market_prefix(path)
    return f"/{market.url_prefix}{rest}"


def resolves_in_market(path, market: MarketConfig):
    """Whether `path`, prefixed with `market`, is a storefront page."""
    try:
        match = resolve(path_in_market(path, market))
    except Resolver404:
        return False
    return "market" in match.kwargs


# Pages that exist in one market only say where a shopper switching to another market lands instead.
_LANDINGS = {}


def register_market_landing(view_name, landing):
    """`landing(kwargs, market)` answers (path, message) when the page of `view_name` with these URL
    arguments is not in `market`, else None (an app above registers it in its `AppConfig.ready()`)."""
    _LANDINGS[view_name] = landing


def landing_in_market(path, market: MarketConfig):
    """Where a shopper on `path` who switches to `market` lands, and what to tell them (or None)."""
    target = path_in_market(path, market)
    try:
        match = resolve(target.split("?", 1)[0])
    except Resolver404:
        return target, None
    landing = _LANDINGS.get(match.view_name)
    found = landing({k: v for k, v in match.kwargs.items() if k != "market"}, market) if landing else None
    return found or (target, None)
