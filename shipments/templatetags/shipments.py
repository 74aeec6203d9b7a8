"""Template helpers for parcels on pages of other apps (the customer's order page)."""

from django import template

from shipments.models import Parcel

register = template.Library()


@register.simple_tag
def order_parcels(order):
    """`{% order_parcels order as parcels %}`: the order's parcels with what each holds, oldest first."""
    return list(Parcel.objects.filter(order=order).with_contents())
