"""Template helpers for the admin's own pages."""

from django import template
from django.contrib.admin.sites import all_sites

from storefront.admin_site import MarqueAdminSite

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_sidebar(context):
    """The admin's sidebar of apps and models, kept for what it shows (`MarqueAdminSite.nav_sidebar`)
    by the site serving the page (the admin's views name it in `request.current_app`)."""
    name = getattr(context["request"], "current_app", None)
    site = next((site for site in all_sites if site.name == name), None)
    if isinstance(site, MarqueAdminSite):
        return site.nav_sidebar(context)
    return MarqueAdminSite.render_nav_sidebar(context)
