"""Serializer fields every endpoint writes the same way: money, and merchandised text in the request's language."""

from rest_framework import serializers

from storefront.content import translated
from storefront.money import format_money


class TranslatedField(serializers.CharField):
    """Merchandised text (a name, a description, a banner's copy) in the request's language,
    else the base text: the storefront's `storefront.content.translated`."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return translated(obj, self.field_name)


class MoneySerializer(serializers.Serializer):
    """An amount of money as every endpoint writes it."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Two decimals, as a string.")
    currency = serializers.CharField(help_text="KGS or USD: the market's currency.")
    display = serializers.CharField(
        help_text="Formatted for the market and language, such as $1,299.00, 1 299 som or 1 299 сом."
    )


def money(amount, currency):
    """An amount as MoneySerializer writes it, or None for no amount."""
    if amount is None:
        return None
    return {"amount": amount, "currency": str(currency), "display": format_money(amount, currency)}


# The largest id a client may send: anything bigger is not an id of ours (and not a 500).
MAX_ID = 2**63 - 1


def id_field(**kwargs):
    """An id of one of our rows, as a client sends it."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def absolute(request, url):
    """`url` (a path or an absolute URL) as an absolute URL, or "" for none."""
    return request.build_absolute_uri(url) if url else ""
