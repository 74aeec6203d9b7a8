"""The category menu every storefront page shows: a market's active categories with their active
subcategories, in the page's language, cached per market and language until a category changes."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import FilteredRelation, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import Category, Subcategory
from storefront.content import translated_column
from storefront.markets import Market, MarketConfig

NAV_TIMEOUT = 300


def nav_cache_key(market_code, language):
    return f"catalog:nav:{market_code}:{language}"


def _build_menu(market: MarketConfig, language):
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


def category_menu(market: MarketConfig, language):
    """[{name, slug, subcategories: [{name, slug}]}] of `market` in `language`, from the cache."""
    return cache.get_or_set(nav_cache_key(market.code, language), lambda: _build_menu(market, language), NAV_TIMEOUT)


def forget_navigation():
    """Drop the cached category menus (one per market and language) after a category changes."""
    languages = [code for code, _name in settings.LANGUAGES]
    cache.delete_many([nav_cache_key(market, language) for market in Market.values for language in languages])


@receiver(post_save, sender=Category)
@receiver(post_save, sender=Subcategory)
@receiver(post_delete, sender=Category)
@receiver(post_delete, sender=Subcategory)
def _forget_navigation_after_change(sender, **kwargs):
    # Also after the admin's bulk deletes, which skip save().
    forget_navigation()
