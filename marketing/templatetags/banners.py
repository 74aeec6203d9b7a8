"""`{% load banners %}`: the URLs the storefront needs to count banner views and clicks."""

from django import template

from marketing.tracking import click_url, impressions_url

register = template.Library()


@register.simple_tag(takes_context=True)
def banner_click_url(context, banner):
    """`{% banner_click_url banner %}`: the signed click-through link of a banner in this market."""
    return click_url(banner, context["request"].market)


@register.simple_tag(takes_context=True)
def banner_impressions_url(context):
    """`{% banner_impressions_url %}`: where banners.js posts the banners seen in this market."""
    return impressions_url(context["request"].market)
