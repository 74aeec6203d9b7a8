"""Template helpers for storefront pages: market URLs, money, structured data, query strings."""

import json
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from storefront import content, layout
from storefront.languages import language_query
from storefront.market_urls import market_reverse, path_in_market
from storefront.money import currency_unit as currency_unit_of
from storefront.money import format_for_market, round_to_shown_unit, to_decimal

register = template.Library()


@register.simple_tag(takes_context=True)
def shop_url(context, viewname, *args, **kwargs):
    """`{% shop_url "catalog:product_detail" slug=p.slug %}` in the page's market."""
    market = kwargs.pop("market", None) or context["request"].market
    return market_reverse(viewname, market, kwargs=kwargs)


@register.simple_tag(takes_context=True)
def site_header(context):
    """The page's header (`storefront.layout`: kept for what it shows, the page's own values filled in)."""
    return layout.header(context)


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The page's footer, kept for each market and language."""
    return layout.footer(context)


@register.simple_tag(takes_context=True)
def same_page_in(context, market):
    """This page's path in another market (for the switcher and hreflang)."""
    return path_in_market(context["request"].path_info, market)


@register.simple_tag(takes_context=True)
def page_url(context, **query):
    """This page's absolute URL, in the language it is written in (`?lang=` for a market's
    other languages): the canonical link and og:url. `query` adds parameters, such as page."""
    request = context["request"]
    params = {key: value for key, value in query.items() if value not in (None, "")}
    params.update(language_query(get_language(), request.market))
    encoded = urlencode(params)
    return request.build_absolute_uri(f"{request.path}?{encoded}" if encoded else request.path)


@register.filter
def translated(obj, field):
    """`{{ product|translated:"name" }}`: merchandised text in the page's language, else the base text."""
    if obj in (None, ""):  # a page without that object (no category on "all products")
        return ""
    return content.translated(obj, field)


@register.filter
def money(amount, market):
    """`{{ amount|money:request.market }}`: `$1,299.00`, `1 299 сом`."""
    if amount in (None, ""):
        return ""
    return format_for_market(amount, market)


@register.filter
def vat_share(amount, market):
    """`{{ order.tax|vat_share:market }}`: the VAT inside a total, in the unit the market shows
    amounts in (whole som; orders placed before VAT was kept whole stored it to the tyiyn)."""
    if amount in (None, ""):
        return ""
    return format_for_market(round_to_shown_unit(amount, market.currency), market)


@register.filter
def currency_unit(market):
    """`{{ market|currency_unit }}`: what a price label names the currency by ("$", "som", "сом")."""
    return currency_unit_of(market.currency)


@register.filter
def jsonld(data):
    """A `<script type="application/ld+json">` block; `<`, `>` and `&` are escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def percent(rate):
    """A tax rate kept as a fraction, written as a percentage: `0.0725` → `7.25%`, `0.12` → `12%`."""
    if rate in (None, ""):
        return ""
    value = (to_decimal(rate) * 100).quantize(Decimal("0.001")).normalize()
    return f"{value:f}%"
