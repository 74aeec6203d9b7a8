"""The benchmark's pages, included by storefront/urls.py only when `BENCH_VIEWS` is on.

No namespace of their own: the admin copy needs the `admin` namespace at the top level.
"""

from django.urls import path

from bench import views
from bench.admin_site import orders_by_shopper_market_site

urlpatterns = [
    path("loop/", views.loop, name="bench_loop"),
    path("fixed/", views.fixed, name="bench_fixed"),
    path("admin/", orders_by_shopper_market_site().urls),
]
