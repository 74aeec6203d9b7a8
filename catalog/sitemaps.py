"""`sitemap.xml`: an index of per-market sitemaps of every active product and category."""

from django.contrib.sitemaps import Sitemap

from catalog.models import Category, Product
from storefront.market_urls import market_reverse
from storefront.markets import MARKETS, MarketConfig


class MarketSitemap(Sitemap):
    protocol = None  # the scheme of the request that asked for the sitemap
    limit = 5000

    def __init__(self, market: MarketConfig):
        self.market = market


class ProductSitemap(MarketSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Product.objects.active().for_market(self.market).only("slug", "updated_at").order_by("id")

    def location(self, item):
        return market_reverse("catalog:product_detail", self.market, kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(MarketSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        pages = []
        categories = Category.objects.active().for_market(self.market).prefetch_related("subcategories")
        for category in categories.order_by("sort_order", "id"):
            pages.append({"slug": category.slug})
            pages += [
                {"slug": category.slug, "subslug": sub.slug} for sub in category.subcategories.all() if sub.is_active
            ]
        return pages

    def location(self, item):
        name = "catalog:subcategory_detail" if "subslug" in item else "catalog:category_detail"
        return market_reverse(name, self.market, kwargs=item)


def market_sitemaps():
    """Sections such as `kg-products`, `us-categories`, one pair per market."""
    sections = {}
    for config in MARKETS.values():
        sections[f"{config.url_prefix}-products"] = ProductSitemap(config)
        sections[f"{config.url_prefix}-categories"] = CategorySitemap(config)
    return sections
