"""Template helpers for reviews on pages of other apps (the customer's order page)."""

from django import template

from reviews.selectors import review_lines

register = template.Library()


@register.simple_tag
def order_review_lines(order):
    """`{% order_review_lines order as lines %}`: each product of a delivered order with its review."""
    return review_lines(order)
