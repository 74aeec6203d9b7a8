"""What every storefront page's layout needs: the market, its category menu (in the page's language), the switcher."""

from django.core.cache import cache
from django.db.models import FilteredRelation, Q
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from catalog.models import Category, nav_cache_key
from storefront.content import translated_column
from storefront.markets import MARKETS

NAV_TIMEOUT = 300


def _navigation(market, language):
    # One query: each category joined to its active subcategories (a category without any still shows).
    rows = (
        Category.objects.active()
        .for_market(market)
        .annotate(active_sub=FilteredRelation("subcategories", condition=Q(subcategories__is_active=True)))
        .annotate(label=translated_column("name", language), sub_label=translated_column("active_sub__name", language))
        .order_by("sort_order", "name", "id", "active_sub__sort_order", "active_sub__name")
        .values_list("id", "label", "slug", "sub_label", "active_sub__slug")
    )
    menu = {}
    for pk, label, slug, sub_label, sub_slug in rows:
        category = menu.setdefault(pk, {"name": label, "slug": slug, "subcategories": []})
        if sub_slug is not None:
            category["subcategories"].append({"name": sub_label, "slug": sub_slug})
    return list(menu.values())


def storefront(request):
    market = getattr(request, "market", None)
    if market is None:
        return {}
    # Lazy: an HTMX partial that shows no menu never reads the cache or the database for it.
    language = get_language()
    navigation = SimpleLazyObject(
        lambda: cache.get_or_set(
            nav_cache_key(market.code, language), lambda: _navigation(market, language), NAV_TIMEOUT
        )
    )
    return {"market": market, "nav_categories": navigation, "all_markets": list(MARKETS.values())}
