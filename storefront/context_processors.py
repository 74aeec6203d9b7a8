"""What every storefront page's layout needs: the market, its category menu, the switcher."""

from django.core.cache import cache
from django.db.models import Prefetch

from catalog.models import Category, Subcategory, nav_cache_key
from storefront.markets import MARKETS

NAV_TIMEOUT = 300


def _navigation(market):
    subcategories = Prefetch("subcategories", queryset=Subcategory.objects.filter(is_active=True))
    categories = Category.objects.active().for_market(market).prefetch_related(subcategories)
    return [
        {
            "name": category.name,
            "slug": category.slug,
            "subcategories": [{"name": s.name, "slug": s.slug} for s in category.subcategories.all()],
        }
        for category in categories
    ]


def storefront(request):
    market = getattr(request, "market", None)
    if market is None:
        return {}
    navigation = cache.get_or_set(nav_cache_key(market.code), lambda: _navigation(market), NAV_TIMEOUT)
    return {"market": market, "nav_categories": navigation, "all_markets": list(MARKETS.values())}
