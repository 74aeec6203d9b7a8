"""The admin's app list and sidebar, kept per process for what they depend on: each staff member
sees their own, a permission or market given shows on the next page, and the kept HTML is the HTML
the templates render."""

import re
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import ManagedMarketFactory, StaffFactory, staff_in_role
from storefront.admin_site import MarqueAdminSite

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:checkout_order_changelist")
PRODUCTS = reverse("admin:catalog_product_changelist")
TAX_RATES = reverse("admin:checkout_salestaxrate_changelist")
INDEX = reverse("admin:index")
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(client, user):
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


def sidebar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    found = re.search(r'<nav class="sticky" id="nav-sidebar".*?</nav>', response.text, re.DOTALL)
    assert found, "no sidebar on " + url
    return found.group(0)


def links(html):
    return set(re.findall(r'href="(/admin/[^"]*)"', html))


def afresh(client, url):
    """The sidebar with nothing kept: rendered by the templates from this page's own context."""
    admin.site.forget_app_lists()
    with mock.patch.object(MarqueAdminSite, "_app_list_key", return_value=None):
        return sidebar(client, url)


def test_the_kept_sidebar_is_the_sidebar_the_templates_render(client):
    manager = staff_in_role(MARKET_MANAGER, "KG")
    signed_in(client, manager)

    first = sidebar(client, ORDERS)
    with mock.patch.object(AdminSite, "_build_app_dict", autospec=True, side_effect=AdminSite._build_app_dict) as built:
        kept = sidebar(client, ORDERS)
    assert built.call_count == 0  # the second page built no app list
    assert kept == first == afresh(client, ORDERS)
    assert 'class="model-order current-model"' in kept


def test_the_page_s_own_model_is_marked_in_a_kept_sidebar(client):
    merchandiser = staff_in_role(MERCHANDISER)
    signed_in(client, merchandiser)
    sidebar(client, PRODUCTS)

    on_banners = sidebar(client, reverse("admin:marketing_banner_changelist"))

    assert 'class="model-banner current-model"' in on_banners
    assert "model-product current-model" not in on_banners
    assert on_banners == afresh(client, reverse("admin:marketing_banner_changelist"))


def test_two_staff_members_each_see_their_own_sidebar(client):
    manager = staff_in_role(MARKET_MANAGER, "KG")
    merchandiser = staff_in_role(MERCHANDISER)

    managers = links(sidebar(signed_in(client, manager), ORDERS))
    merchandisers = links(sidebar(signed_in(client, merchandiser), PRODUCTS))
    managers_again = links(sidebar(signed_in(client, manager), ORDERS))

    assert ORDERS in managers and PRODUCTS not in managers
    assert PRODUCTS in merchandisers and ORDERS not in merchandisers
    assert managers_again == managers


def test_a_permission_given_shows_in_the_next_page_s_sidebar(client, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff.user_permissions.add(Permission.objects.get(codename="view_order"))
    signed_in(client, staff)
    assert PRODUCTS not in links(sidebar(client, ORDERS))

    with django_capture_on_commit_callbacks(execute=True):
        staff.user_permissions.add(Permission.objects.get(codename="view_product"))

    assert PRODUCTS in links(sidebar(client, ORDERS))


def test_a_market_given_to_a_manager_changes_what_the_index_offers_for_tax_rates(client):
    manager = staff_in_role(MARKET_MANAGER, "KG")
    signed_in(client, manager)

    def tax_rate_link():
        found = re.search(rf'<a href="{TAX_RATES}" class="(viewlink|changelink)"', client.get(INDEX).text)
        return found.group(1)

    assert tax_rate_link() == "viewlink"  # only managers of the US market change US tax rates
    ManagedMarketFactory(user=manager, market="US")
    assert tax_rate_link() == "changelink"


def test_the_sidebar_follows_the_staff_member_s_language(client):
    manager = staff_in_role(MARKET_MANAGER, "KG", language="en")
    signed_in(client, manager)
    english = sidebar(client, ORDERS)

    manager.language = "ru"  # a signed-in staff member's pages are in their own language
    manager.save(update_fields=["language"])
    russian = sidebar(client, ORDERS)

    assert "Orders" in english
    assert russian != english and "Заказы" in russian
    assert russian == afresh(client, ORDERS)
