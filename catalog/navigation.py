"""The category menu every storefront page shows: a market's active categories with their active
subcategories, in the page's language, kept per market and language until a category changes."""

from django.db.models import FilteredRelation, Q

from catalog.fragments import kept_until_changed
from catalog.models import Category
from storefront.content import translated_column
from storefront.markets import MarketConfig


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
    """[{name, slug, subcategories: [{name, slug}]}] of `market` in `language`, kept until a category
    or subcategory changes (each change moves the shared pages' version, `catalog.freshness`)."""
    return kept_until_changed(
        "category-menu", (market.code, language), lambda: _build_menu(market, language), read_only=True
    )
