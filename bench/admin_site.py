"""A copy of the admin whose order list finds a manager's orders through the shopper's market.

Every model is registered as in the real admin, so the order list is the same page, with the same
filters, columns, date hierarchy and menu; only its scoping differs (bench/order_scoping.py).
Served at /bench/admin/ when `BENCH_VIEWS` is on; staff sign in at /admin/ as usual.
"""

from django.contrib import admin

from bench.order_scoping import orders_of_shoppers_in
from checkout.admin import OrderAdmin
from checkout.models import Order
from storefront.admin_site import MarqueAdminSite


class OrdersByShopperMarketAdmin(OrderAdmin):
    def scoped_to_markets(self, queryset, codes):
        return orders_of_shoppers_in(queryset, codes)


def orders_by_shopper_market_site():
    site = MarqueAdminSite(name="bench_admin")
    # The registry has no public iterator; the real site's is read once, after every app registered.
    for model, model_admin in admin.site._registry.items():
        site.register(model, OrdersByShopperMarketAdmin if model is Order else type(model_admin))
    return site
