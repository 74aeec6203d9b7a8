"""Template helpers for the admin's own pages."""

from django import template
from django.contrib.admin.sites import all_sites
from django.contrib.admin.templatetags.admin_list import result_headers, result_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

from storefront.admin_site import MarqueAdminSite, kept_results

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


def kept_result_list(cl):
    """`{% result_list %}`'s context, each row's cells kept (`storefront.admin_site.KeptRowsAdmin`)."""
    if cl.formset:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": kept_results(cl),
    }


@register.tag(name="kept_result_list")
def kept_result_list_tag(parser, token):
    """`{% result_list cl %}` for a `KeptRowsAdmin`, with the same template (and its overrides)."""
    return InclusionAdminNode(
        "result_list",
        parser,
        token,
        func=kept_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
