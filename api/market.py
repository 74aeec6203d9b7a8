"""The market an API request is answered in, and the query parameter that names it.

A signed-in caller's market is their own (from their phone number); an anonymous caller names one
with `?market=KG|US` (KG when absent). The storefront's market configuration is the one in
`storefront.markets`, so prices, currencies and rules are the same as on the web pages.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.errors import ApiError
from storefront.markets import Market, get_market

MARKET_PARAMETER = OpenApiParameter(
    "market",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=Market.values,
    description="The market of an anonymous caller (a signed-in caller's market is their own). Default KG.",
)


def request_market(request):
    """The MarketConfig the request is answered in."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.market_config
    raw = (request.query_params.get("market") or Market.KG.value).upper()
    if raw not in Market.values:
        raise ApiError("invalid_market", _("Choose a market: KG or US."), details={"market": [raw[:10]]})
    return get_market(raw)
