"""The marketing URLs wired as storefront/urls.py wires them: `/<market>/b/…` (namespace marketing).

The market converter is registered here under a name of its own: storefront/urls.py registers
`market` unguarded, and Django refuses a second registration of a name, so registering `market`
here first (when these tests run before anything imports the root URLconf) would break it.
"""

from django.urls import include, path, register_converter
from django.urls.converters import get_converters

from storefront.market_urls import MarketConverter

CONVERTER = "marketing_tests_market"

if CONVERTER not in get_converters():
    register_converter(MarketConverter, CONVERTER)

urlpatterns = [
    path(f"<{CONVERTER}:market>/b/", include("marketing.urls")),
]
