"""What every storefront page's layout needs from the base: the market and the market switcher."""

from storefront.markets import MARKETS
from storefront.page_cache import CSRF_PLACEHOLDER


def storefront(request):
    # A page kept for every visitor holds no one's CSRF token (storefront.page_cache); this
    # processor runs after Django's own, so its placeholder takes the token's place.
    shared = {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, "rendering_shared_page", False) else {}
    market = getattr(request, "market", None)
    if market is None:
        return shared
    return {"market": market, "all_markets": list(MARKETS.values()), **shared}
