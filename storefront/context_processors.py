"""What every storefront page's layout needs: the market, its category menu, the switcher."""

from django.core.cache import cache
from django.db.models import FilteredRelation, Q
from django.utils.functional import SimpleLazyObject

from catalog.models import Category, nav_cache_key
from storefront.markets import MARKETS

NAV_TIMEOUT = 300


def _navigation(market):
    # One query: each category joined to its active subcategories (a category without any still shows).
    rows = (
        Category.objects.active()
        .for_market(market)
        .annotate(active_sub=FilteredRelation("subcategories", condition=Q(subcategories__is_active=True)))
        .order_by("sort_order", "name", "id", "active_sub__sort_order", "active_sub__name")
        .values_list("id", "name", "slug", "active_sub__name", "active_sub__slug")
    )
    menu = {}
    for pk, name, slug, sub_name, sub_slug in rows:
        category = menu.setdefault(pk, {"name": name, "slug": slug, "subcategories": []})
        if sub_slug is not None:
            category["subcategories"].append({"name": sub_name, "slug": sub_slug})
    return list(menu.values())


def storefront(request):
    market = getattr(request, "market", None)
    if market is None:
        return {}
    # Lazy: an HTMX partial that shows no menu never reads the cache or the database for it.
    navigation = SimpleLazyObject(
        lambda: cache.get_or_set(nav_cache_key(market.code), lambda: _navigation(market), NAV_TIMEOUT)
    )
    return {"market": market, "nav_categories": navigation, "all_markets": list(MARKETS.values())}
