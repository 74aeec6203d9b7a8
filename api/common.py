"""What every API view shares: the caller's market, pagination, and the market query parameter.

A signed-in caller's market is their own (from their phone number); an anonymous caller names one
with `?market=KG|US` (KG when absent). The storefront's market configuration is the one in
`storefront.markets`, so prices, currencies and rules are the same as on the web pages.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from api.errors import ApiError
from storefront.content import translated
from storefront.markets import Market, get_market
from storefront.money import format_money

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
        return get_market(user.market)
    raw = (request.query_params.get("market") or Market.KG.value).upper()
    if raw not in Market.values:
        raise ApiError("invalid_market", _("Choose a market: KG or US."), details={"market": [raw[:10]]})
    return get_market(raw)


class TranslatedField(serializers.CharField):
    """Merchandised text (a name, a description, a banner's copy) in the request's language,
    else the base text: the storefront's `storefront.content.translated`."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return translated(obj, self.field_name)


class Pages(PageNumberPagination):
    """`?page=N&page_size=M` (at most 100); the body carries count, next, previous and results.

    A page that is not a positive number or lies past the last one is a 400 `invalid_page`.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ApiError("invalid_page", _("There is no such page."), details={"page": [str(error.detail)]}) from None


class MoneySerializer(serializers.Serializer):
    """An amount of money as every endpoint writes it."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Two decimals, as a string.")
    currency = serializers.CharField(help_text="KGS or USD: the market's currency.")
    display = serializers.CharField(help_text="Formatted for the market, such as $1,299.00 or 1 299 сом.")


def money(amount, currency):
    """An amount as MoneySerializer writes it, or None for no amount."""
    if amount is None:
        return None
    return {"amount": amount, "currency": str(currency), "display": format_money(amount, currency)}
