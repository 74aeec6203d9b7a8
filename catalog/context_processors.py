"""The category menu in every storefront page's layout."""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from catalog.navigation import category_menu


def navigation(request):
    market = getattr(request, "market", None)
    if market is None:
        return {}
    # Lazy: an HTMX partial that shows no menu never reads the cache or the database for it.
    language = get_language()
    return {"nav_categories": SimpleLazyObject(lambda: category_menu(market, language))}
