"""Listing pieces rendered once and kept (`catalog.fragments`): `{% product_cards products eager=4 as cards %}`
and `{% filter_sidebar %}`."""

from django import template

from catalog.fragments import render_cards, render_filter_sidebar

register = template.Library()


@register.simple_tag(takes_context=True)
def product_cards(context, products, eager=0):
    """The HTML of each product's card; the first `eager` cards load their picture first."""
    return render_cards(context, products, eager=eager)


@register.simple_tag(takes_context=True)
def filter_sidebar(context):
    """The filter sidebar of the page's `listing`."""
    return render_filter_sidebar(context)
