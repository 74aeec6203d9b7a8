"""`sitemap.xml`: an index of per-market sitemaps of every active product and category.

Each page is listed with its language versions and its other markets' pages (`xhtml:link`
alternates, as the page's own hreflang links name them), and the index gives each sitemap's last
change in its market's time.
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.sitemaps import Sitemap

from catalog.models import Category, Product
from catalog.structured_data import language_versions
from storefront.market_urls import market_reverse
from storefront.markets import MARKETS, MarketConfig


class MarketTime(datetime.datetime):
    """A time written in its market's zone: templates show it as it is, not in the request's zone."""

    convert_to_local_time = False


class MarketSitemap(Sitemap):
    protocol = None  # the scheme of the request that asked for the sitemap
    limit = 5000

    def __init__(self, market: MarketConfig):
        self.market = market

    def page_of(self, item):
        """(view name, URL kwargs, market scope) of an item's page, for its alternates."""
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            viewname, kwargs, scope = self.page_of(url["item"])
            url["alternates"] = [
                {"lang_code": hreflang, "location": origin + path}
                for hreflang, path in language_versions(viewname, kwargs, scope=scope)
            ]
        return urls

    def get_latest_lastmod(self):
        latest = super().get_latest_lastmod()
        if not isinstance(latest, datetime.datetime) or latest.tzinfo is None:
            return latest
        local = latest.astimezone(ZoneInfo(self.market.time_zone))
        return MarketTime(*local.timetuple()[:6], local.microsecond, tzinfo=local.tzinfo)


class ProductSitemap(MarketSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Product.objects.active().for_market(self.market).only("slug", "market", "updated_at").order_by("id")

    def page_of(self, item):
        return "catalog:product_detail", {"slug": item.slug}, item.market

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
            pages.append({"slug": category.slug, "scope": category.market})
            pages += [
                {"slug": category.slug, "subslug": sub.slug, "scope": category.market}
                for sub in category.subcategories.all()
                if sub.is_active
            ]
        return pages

    def page_of(self, item):
        kwargs = {key: value for key, value in item.items() if key != "scope"}
        name = "catalog:subcategory_detail" if "subslug" in item else "catalog:category_detail"
        return name, kwargs, item["scope"]

    def location(self, item):
        name, kwargs, _scope = self.page_of(item)
        return market_reverse(name, self.market, kwargs=kwargs)


def market_sitemaps():
    """Sections such as `kg-products`, `us-categories`, one pair per market."""
    sections = {}
    for config in MARKETS.values():
        sections[f"{config.url_prefix}-products"] = ProductSitemap(config)
        sections[f"{config.url_prefix}-categories"] = CategorySitemap(config)
    return sections
