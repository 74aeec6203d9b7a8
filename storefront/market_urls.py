"""Market prefixes in storefront URLs (`/kg/…`, `/us/…`) and reversing URLs for a market."""

from django.urls import Resolver404, resolve, reverse

from storefront.markets import MARKETS, MarketConfig, get_market

PREFIXES = {config.url_prefix: code for code, config in MARKETS.items()}


class MarketConverter:
    """`kg` / `us` in a URL; the view receives the market code `"KG"` / `"US"`."""

    regex = "|".join(PREFIXES)

    def to_python(self, value):
        return PREFIXES[value].value

    def to_url(self, value):
        return get_market(value).url_prefix


def market_reverse(viewname, market: MarketConfig, *, kwargs=None, query=None):
    """`reverse()` of a storefront page in `market`."""
    return reverse(viewname, kwargs={"market": market.code, **(kwargs or {})}, query=query)


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
