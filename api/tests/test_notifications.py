"""profile/notifications: the list, marking one read and marking all read; only the caller's own."""

import pytest

from accounts.models import Notification
from accounts.tests.factories import KGUserFactory, NotificationFactory
from api.tests.conftest import authed, error_code

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/profile/notifications"
READ_ALL = f"{NOTIFICATIONS}/read-all"


def read_url(notification):
    return f"{NOTIFICATIONS}/{notification.pk}/read"


@pytest.fixture
def unread(kg_shopper):
    return NotificationFactory.create_batch(3, user=kg_shopper)


def test_marking_needs_a_token(api_client, unread):
    assert api_client.post(read_url(unread[0])).status_code == 401
    assert api_client.post(READ_ALL).status_code == 401
    assert not Notification.objects.filter(is_read=True).exists()


def test_one_notification_is_marked_read_idempotently(api, unread):
    for _ in range(2):
        response = api.post(read_url(unread[0]))
        assert response.status_code == 200
        assert response.json()["id"] == unread[0].pk
        assert response.json()["unread"] is False
    assert api.get(NOTIFICATIONS).json()["unread_count"] == 2


def test_all_are_marked_read_and_others_are_left_alone(api, unread):
    theirs = NotificationFactory(user=KGUserFactory())
    response = api.post(READ_ALL)
    assert response.status_code == 200
    assert response.json() == {"marked": 3, "unread_count": 0}
    assert api.post(READ_ALL).json() == {"marked": 0, "unread_count": 0}
    theirs.refresh_from_db()
    assert theirs.is_read is False


def test_another_shoppers_notification_is_a_404_and_stays_unread(api, unread):
    theirs = NotificationFactory(user=KGUserFactory())
    response = api.post(read_url(theirs))
    assert response.status_code == 404
    assert error_code(response) == "notification_not_found"
    theirs.refresh_from_db()
    assert theirs.is_read is False


def test_the_list_query_budget_does_not_grow_with_notifications(api, kg_shopper, django_assert_max_num_queries):
    NotificationFactory(user=kg_shopper)
    with django_assert_max_num_queries(5) as one:
        api.get(NOTIFICATIONS)
    NotificationFactory.create_batch(15, user=kg_shopper)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(NOTIFICATIONS).json()["results"]) == 16


def test_marking_all_read_is_a_fixed_number_of_queries(kg_shopper, django_assert_max_num_queries):
    NotificationFactory.create_batch(30, user=kg_shopper)
    client = authed(kg_shopper)
    with django_assert_max_num_queries(4):
        assert client.post(READ_ALL).json()["marked"] == 30
