"""A staff member's permissions kept between admin pages, and read afresh the moment they change."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import StaffFactory, staff_in_role
from storefront import permission_cache
from storefront.resilient_cache import CacheUnavailable

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:checkout_order_changelist")
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def manager():
    return staff_in_role(MARKET_MANAGER, "KG")


def signed_in(client, user):
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


def permission_queries(client, url):
    with CaptureQueriesContext(connection) as run:
        status = client.get(url).status_code
    return status, [query["sql"] for query in run.captured_queries if '"auth_permission"' in query["sql"]]


def test_a_managers_permissions_are_read_once_for_their_next_pages(client, manager):
    signed_in(client, manager)
    first, read = permission_queries(client, ORDERS)
    again, read_again = permission_queries(client, ORDERS)

    assert first == again == 200
    assert len(read) == 2  # their own permissions and their groups'
    assert read_again == []


def test_a_permission_taken_from_the_managers_group_refuses_their_next_page(
    client, manager, django_capture_on_commit_callbacks
):
    signed_in(client, manager)
    assert client.get(ORDERS).status_code == 200

    group = Group.objects.get(name=MARKET_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        group.permissions.remove(*Permission.objects.filter(codename__in=("view_order", "change_order")))

    assert client.get(ORDERS).status_code == 403


def test_a_manager_taken_out_of_their_group_is_refused_and_one_given_a_permission_is_let_in(
    client, manager, django_capture_on_commit_callbacks
):
    signed_in(client, manager)
    assert client.get(ORDERS).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        manager.groups.clear()
    assert client.get(ORDERS).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        manager.user_permissions.add(Permission.objects.get(codename="view_order"))
    assert client.get(ORDERS).status_code == 200


def test_a_superuser_who_stops_being_one_is_refused_what_only_a_superuser_could_see(client):
    owner = StaffFactory(is_superuser=True)
    signed_in(client, owner)
    assert client.get(ORDERS).status_code == 200

    owner.is_superuser = False
    owner.save(update_fields=["is_superuser"])

    assert client.get(ORDERS).status_code == 403


def test_a_change_is_seen_only_once_it_is_committed(client, manager, django_capture_on_commit_callbacks):
    signed_in(client, manager)
    client.get(ORDERS)
    version = cache.get(permission_cache.VERSION_KEY)

    with django_capture_on_commit_callbacks() as pending:
        manager.groups.clear()
    assert cache.get(permission_cache.VERSION_KEY) == version  # not yet: it may still roll back

    pending[0]()
    assert cache.get(permission_cache.VERSION_KEY) != version


@pytest.mark.parametrize("outage", ["raises", "misses"])
def test_with_the_cache_unreachable_permissions_are_read_from_the_database(client, manager, monkeypatch, outage):
    # The shared cache with Redis down (storefront.resilient_cache): a read is a miss, a write is
    # dropped and `add` raises; a plain backend raises on every call.
    def unreachable(*args, **kwargs):
        raise CacheUnavailable

    monkeypatch.setattr(cache, "get_many", unreachable if outage == "raises" else lambda keys: {})
    monkeypatch.setattr(cache, "add", unreachable)
    monkeypatch.setattr(cache, "set", unreachable if outage == "raises" else lambda *args, **kwargs: None)
    signed_in(client, manager)

    for _ in range(2):
        status, read = permission_queries(client, ORDERS)
        assert status == 200 and len(read) == 2
    manager.groups.clear()
    assert client.get(ORDERS).status_code == 403
