from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from accounts import urls as account_urls
from accounts.views import switch_language
from alerts import urls as alert_urls
from catalog import views as catalog_views
from catalog.sitemaps import market_sitemaps
from checkout.order_views import stripe_webhook
from emails import urls as email_urls
from reviews import urls as review_urls
from storefront import views
from storefront.market_urls import MarketConverter
from storefront.page_cache import shared_page

register_converter(MarketConverter, "market")

admin.site.site_header = _("MARQUE administration")
admin.site.site_title = _("MARQUE admin")
admin.site.index_title = _("Catalog, marketing and orders")

# Storefront pages live under a market prefix (/kg/…, /us/…); the middleware turns the prefix
# into request.market, so these views never receive it as an argument.
market_patterns = [
    path("", catalog_views.home, name="home"),
    path("", include("catalog.urls")),
    path("b/", include("marketing.urls")),
    path("help/", include("help.urls")),
    path("", include("checkout.urls")),
    path("", include("reviews.urls")),
    path("", include("returns.urls")),
    path("", include("emails.urls")),
    path("", include("alerts.urls")),
]

sitemaps = market_sitemaps()

urlpatterns = [
    path("", views.root, name="root"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        shared_page(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap"},
        name="sitemap_index",
    ),
    path("sitemap-<section>.xml", shared_page(sitemap_views.sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("market/", views.switch_market, name="switch_market"),
    path("csrf/", views.csrf_token, name="csrf_token"),
    path("language/", switch_language, name="switch_language"),
    # The sales dashboard sits inside the admin (its sign-in, its look) but is the dashboard app's.
    path("admin/dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    # The account pages of accounts and of the apps above it share the `accounts` namespace.
    path(
        "accounts/",
        include(
            (
                account_urls.account_patterns
                + review_urls.account_patterns
                + alert_urls.account_patterns
                + email_urls.account_patterns,
                "accounts",
            )
        ),
    ),
    path("accounts/", include(account_urls.allauth_patterns)),
    path("api/v1/", include("api.urls")),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("<market:market>/", include(market_patterns)),
]

if settings.BENCH_VIEWS:
    # The benchmark's ceiling pages and its admin copy (bench/urls.py); never routed in a shop.
    urlpatterns += [path("bench/", include("bench.urls"))]

if settings.SERVE_MEDIA:
    # Uploaded and demo images served by Django itself: for development and single-box demos;
    # a production shop puts MEDIA_ROOT behind its web server or object storage instead.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Redis or PostgreSQL down while a middleware runs: the 503 page, not a server error (storefront/outages.py).
handler500 = "storefront.outages.server_error"
