"""The shop's URLs with the benchmark's pages, as storefront/urls.py routes them when BENCH_VIEWS is on."""

from django.urls import include, path

from storefront.urls import urlpatterns as shop_patterns

urlpatterns = [path("bench/", include("bench.urls")), *shop_patterns]
