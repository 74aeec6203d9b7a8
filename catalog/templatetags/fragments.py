"""Listing pieces rendered once and kept (`catalog.fragments`): `{% product_cards products eager=4 as cards %}`
`{% filter_sidebar %}` and a product page's `{% buy_box %}`."""

from django import template

from catalog.fragments import render_buy_box, render_cards, render_filter_sidebar

register = template.Library()


@register.simple_tag(takes_context=True)
def product_cards(context, products, eager=0):
    """The HTML of each product's card; the first `eager` cards load their picture first."""
    return render_cards(context, products, eager=eager)


@register.simple_tag(takes_context=True)
def filter_sidebar(context):
    """The filter sidebar of the page's `listing`."""
    return render_filter_sidebar(context)


@register.simple_tag(takes_context=True)
def buy_box(context):
    """The product page's buy box (its HTMX partial too)."""
    return render_buy_box(context)
