"""What every storefront page's layout needs from the base: the market and the market switcher."""

from storefront.markets import MARKETS


def storefront(request):
    market = getattr(request, "market", None)
    if market is None:
        return {}
    return {"market": market, "all_markets": list(MARKETS.values())}
