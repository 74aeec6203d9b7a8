"""The order list's rows, kept for what they show (`storefront.admin_site.KeptRowsAdmin`): the page is
the one Django renders, a page seen before renders no row, and a changed order shows at once."""

import re

import pytest
from django.contrib.admin.templatetags import admin_list
from django.urls import reverse

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import USUserFactory, staff_in_role
from checkout.admin import OrderAdmin
from checkout.models import Order
from checkout.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:checkout_order_changelist")
# The CSRF token and the CSP nonce differ between any two pages.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"| nonce="[^"]+"')


@pytest.fixture
def orders():
    kg = [OrderFactory(customer_name=f"Айгуль {n}", customer_phone=f"+99670000{n:04d}") for n in range(4)]
    kg.append(OrderFactory(customer_name='<b>"Bold"</b>', status=Order.Status.CONFIRMED))
    us = [OrderFactory(user=USUserFactory(), delivery_city="Chicago", customer_name="Ann Lee")]
    return kg, us


@pytest.fixture
def manager(client):
    user = staff_in_role(MARKET_MANAGER, "KG")
    client.force_login(user)
    client.user = user
    return client


def page(client, query=""):
    response = client.get(ORDERS + query)
    assert response.status_code == 200
    return TOKEN.sub("", response.text)


def as_django_renders(client, query, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(OrderAdmin, "change_list_template", None)
        return page(client, query)


def rows_rendered(monkeypatch):
    rendered = []
    real = admin_list.items_for_result

    def counting(cl, result, form):
        rendered.append(result.pk)
        return real(cl, result, form)

    monkeypatch.setattr(admin_list, "items_for_result", counting)
    return rendered


QUERIES = ["", "?status__exact=confirmed", "?q=Айгуль", "?o=-1", "?_popup=1&_to_field=id"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_kept_list_is_the_one_django_renders(admin_client, orders, monkeypatch, query):
    assert page(admin_client, query) == as_django_renders(admin_client, query, monkeypatch)
    # Kept now: the same page again, from the kept rows.
    assert page(admin_client, query) == as_django_renders(admin_client, query, monkeypatch)


def test_a_manager_in_russian_gets_the_page_django_renders(manager, orders, monkeypatch):
    manager.user.language = "en"
    manager.user.save()
    assert "Awaiting payment" in page(manager)  # the rows kept in English first
    manager.user.language = "ru"
    manager.user.save()
    kept = page(manager)

    assert "Ожидает оплаты" in kept and "Айгуль 0" in kept and "Ann Lee" not in kept
    assert "&lt;b&gt;&quot;Bold&quot;&lt;/b&gt;" in kept
    assert kept == as_django_renders(manager, "", monkeypatch)


def test_a_page_seen_before_renders_no_row(admin_client, orders, monkeypatch):
    rendered = rows_rendered(monkeypatch)
    page(admin_client)
    assert len(rendered) == 6

    rendered.clear()
    page(admin_client)
    assert rendered == []

    # Filters change every row's link (it keeps them): each row is rendered for them once.
    page(admin_client, "?status__exact=confirmed")
    assert len(rendered) == 1


def test_an_order_changed_without_a_signal_shows_at_once(admin_client, orders, monkeypatch):
    kg, _us = orders
    page(admin_client)
    Order.objects.filter(pk=kg[0].pk).update(status=Order.Status.SHIPPED, customer_name="Changed Name")
    rendered = rows_rendered(monkeypatch)

    changed = page(admin_client)

    assert rendered == [kg[0].pk]
    assert "Changed Name" in changed
    assert changed == as_django_renders(admin_client, "", monkeypatch)
