"""The footer's help links and ways to pay: from the market table, without a query on any page."""

from django import template

from help.models import HelpPage
from storefront.markets import MarketConfig, PaymentType

register = template.Library()


@register.inclusion_tag("help/_footer_links.html", takes_context=True)
def footer_links(context, market: MarketConfig):
    """Links to the market's help pages by kind (each page's view finds the market's own page of
    that kind) and the ways the market pays."""
    return {
        "market": market,
        "request": context.get("request"),
        "kinds": HelpPage.Kind.choices,
        "payment_types": [PaymentType(value).label for value in market.payment_types],
    }
