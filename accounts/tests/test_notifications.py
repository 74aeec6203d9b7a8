"""Notifications: unread state, mark one or all read (htmx with a full-page fallback), the badge."""

import html

import pytest
from django.test import RequestFactory

from accounts.context_processors import account
from accounts.models import Notification
from accounts.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def notifications(kg_shopper):
    return [
        NotificationFactory(user=kg_shopper, title="Order shipped"),
        NotificationFactory(user=kg_shopper, title="Order confirmed"),
        NotificationFactory(user=kg_shopper, title="Welcome", is_read=True),
    ]


def test_the_full_page_lists_notifications_with_their_unread_state(
    kg_client, notifications, django_assert_max_num_queries, pages_version_started
):
    with django_assert_max_num_queries(10):
        response = kg_client.get("/accounts/notifications/")
    page = text(response)
    assert page.startswith("<!doctype html>")
    assert "2 unread" in page
    assert page.count("Unread:") == 2
    assert page.count(">Mark as read<") == 2
    assert "Mark all as read" in page
    assert 'hx-target="#notification-list"' in page and 'id="notification-list"' in page


def test_an_htmx_request_gets_only_the_list_fragment(kg_client, notifications, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = kg_client.get("/accounts/notifications/", **HTMX)
    fragment = text(response).strip()
    assert fragment.startswith('<div id="notification-list"')
    assert "<html" not in fragment and "Order shipped" in fragment
    assert "HX-Request" in response["Vary"]


def test_marking_one_read_without_javascript_redirects_back(kg_client, notifications):
    unread = notifications[0]
    response = kg_client.post(f"/accounts/notifications/{unread.pk}/read/", {"page": "1"})
    assert response.status_code == 302 and response["Location"] == "/accounts/notifications/?page=1"
    unread.refresh_from_db()
    assert unread.is_read
    assert not Notification.objects.get(pk=notifications[1].pk).is_read


def test_marking_one_read_with_htmx_swaps_the_list_and_tells_the_header(
    kg_client, notifications, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = kg_client.post(f"/accounts/notifications/{notifications[0].pk}/read/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-updated"
    fragment = text(response)
    assert fragment.strip().startswith('<div id="notification-list"') and "1 unread" in fragment


def test_mark_all_read(kg_client, notifications, kg_shopper):
    response = kg_client.post("/accounts/notifications/read-all/", **HTMX)
    assert response["HX-Trigger"] == "notifications-updated"
    assert "0 unread" in text(response)
    assert not kg_shopper.notifications.filter(is_read=False).exists()
    assert kg_client.post("/accounts/notifications/read-all/").status_code == 302


def test_the_badge_shows_the_unread_count_and_nothing_for_visitors(client, kg_shopper, notifications):
    assert ">2<" not in text(client.get("/accounts/notifications/badge/"))
    client.force_login(kg_shopper)
    badge = text(client.get("/accounts/notifications/badge/"))
    assert badge.startswith('<span id="unread-badge"') and ">2<" in badge
    assert 'hx-trigger="notifications-updated from:body"' in badge


def test_the_context_processor_counts_only_when_used_with_one_query(
    kg_shopper, notifications, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = kg_shopper
    with django_assert_num_queries(0):
        context = account(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "2"
        assert context["unread_notifications"] > 1 and bool(context["unread_notifications"])


def test_visitors_have_no_unread_notifications_and_cost_no_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert not account(request)["unread_notifications"]


def test_only_local_links_are_shown(kg_client, kg_shopper):
    NotificationFactory(user=kg_shopper, title="Local", link_url="/kg/orders/1/")
    NotificationFactory(user=kg_shopper, title="Away", link_url="javascript:alert(1)")
    page = text(kg_client.get("/accounts/notifications/"))
    assert 'href="/kg/orders/1/"' in page and "javascript:" not in page
