"""Fixtures shared by every app's tests."""

import re
import socket
import threading
import time
from decimal import Decimal
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.utils import timezone, translation

from accounts.tests.factories import KGUserFactory, USUserFactory
from catalog import fragments
from catalog.tests.factories import ProductFactory
from storefront import admin_site, layout, page_cache, sms


@pytest.fixture
def client(client):
    """The test client, with English chosen: the suite reads English copy, and a KG page would
    otherwise be Russian. Other languages are tested in storefront/tests/test_languages.py."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts in the source language and UTC, whatever the last request activated."""
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """For requests sent through the real WSGI handler: it closes database connections when a
    request starts and ends, and the test's transaction must outlive them (Django's test client
    disconnects the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def pages_version_started(db):
    """The shared pages' version already started: the two queries that start it (the next scheduled
    sale and banner change) are paid once for the whole shop, not by each page a budget counts."""
    page_cache.version()


@pytest.fixture
def sms_outbox(settings):
    """SMS texts kept in `storefront.sms.outbox` (the console provider), empty at the start."""
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def signed_in(client, kg_shopper):
    """`kg_shopper`, signed in on the test client."""
    client.force_login(kg_shopper)
    return kg_shopper


@pytest.fixture
def kg_shopper(db):
    return KGUserFactory()


@pytest.fixture
def us_shopper(db):
    return USUserFactory()


@pytest.fixture
def product_factory(db):
    return ProductFactory


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's admin is named "admin", which is not a phone number."""
    return django_user_model.objects.create_superuser(phone="+996550123456", language="en")


@pytest.fixture
def index_plan(db):
    """`index_plan(queryset)`: its plan with fresh statistics, when neither a sequential scan nor a sort is an option.

    The test tables are tiny, so PostgreSQL would rightly read them whole; with those plans ruled
    out, it shows which index serves the query, and that the index hands the rows over in order.
    """

    def plan(queryset):
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(queryset.model._meta.db_table)}")
            for setting in ("enable_seqscan", "enable_sort", "enable_incremental_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
        return queryset.explain()

    return plan


@pytest.fixture(autouse=True)
def _empty_cache():
    """The local-memory cache outlives a test; cached menus and rates must not leak between tests,
    nor what is kept in the process (storefront.layout, catalog.fragments, storefront.page_cache's
    held values, the admin's app lists and kept changelist rows)."""
    cache.clear()
    layout.forget()
    fragments.forget_html()
    page_cache.forget_held()
    admin.site.forget_app_lists()
    admin_site.forget_rows()
    yield
    cache.clear()
    layout.forget()
    fragments.forget_html()
    page_cache.forget_held()
    admin.site.forget_app_lists()
    admin_site.forget_rows()


@pytest.fixture(autouse=True, scope="session")
def _pin_serialized_snapshot(request):
    """Keep serialized_rollback working for every connection object of the run.

    Django restores the migrations' rows after a `transaction=True, serialized_rollback=True` test
    from a snapshot kept on the connection object; the test thread can end up with a fresh
    connection object (Playwright's event loop gives it a new context) that lacks it. Pinning the
    snapshot to the connection class gives every connection the same one. Taken before any test
    runs, while the database holds exactly what migrations created.
    """
    uses_db = any(
        item.get_closest_marker("django_db") or {"db", "transactional_db"} & set(item.fixturenames)
        for item in request.session.items
    )
    if not uses_db:  # a run of database-free tests only: there is no test database to copy
        return
    request.getfixturevalue("django_db_setup")
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    connection = connections["default"]
    if hasattr(type(connection), "_test_serialized_contents"):
        return
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        contents = contents or connection.creation.serialize_db_to_string()
    type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _reference_rows_in_transactional_tests(request):
    """Rows the data migrations create, back for tests that flush the database between them.

    A transactional test (live server, threads) truncates every table when it ends; the next one
    on the same worker does not always get them back from the serialized copy, so restore the
    ones pages cannot work without.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from catalog.models import ExchangeRate

    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.450000")})
    import_module("checkout.migrations.0004_state_sales_tax_rates").add_rates(apps, None)


class _RequestsInFlight:
    """Requests the live server is answering, counted from Django's request signals."""

    def __init__(self):
        self.changed = threading.Condition()
        self.count = 0
        self.last_change = time.monotonic()

    def started(self, sender, **kwargs):
        if sender is WSGIHandler:  # the live server's handler, not the test client's
            with self.changed:
                self.count += 1
                self.last_change = time.monotonic()

    def finished(self, sender, **kwargs):
        if sender is WSGIHandler:
            with self.changed:
                self.count = max(self.count - 1, 0)
                self.last_change = time.monotonic()
                self.changed.notify_all()

    def wait_until_quiet(self, quiet=0.25, longest=10.0):
        """Until nothing has been in flight for `quiet` seconds (at most `longest`)."""
        deadline = time.monotonic() + longest
        with self.changed:
            self.last_change = max(self.last_change, time.monotonic())
            while (now := time.monotonic()) < deadline:
                if self.count == 0 and now - self.last_change >= quiet:
                    return
                self.changed.wait(timeout=min(quiet, deadline - now))


@pytest.fixture(autouse=True)
def _live_server_quiet_before_flush(request):
    """A live-server test's database is flushed only once the server has stopped answering.

    Closing the browser page sends what a leaving page sends (the home page's banner impressions
    go as a beacon); a request still writing when the test's tables are truncated deadlocks with
    the truncation. Set up after the database, so it is torn down, and waits, before the flush.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
    in_flight = _RequestsInFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    yield
    try:
        in_flight.wait_until_quiet()
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


# Browser tests drive Debian's Chromium (never a downloaded browser).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_sign_in(page, live_server):
    """`browser_sign_in(user)` signs `user` in for `page`: the session cookie of a test-client
    login, set in the page's browser context for the live server's host."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        host = re.sub(r"^https?://", "", live_server.url).split(":")[0]
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "domain": host, "path": "/"}])

    return sign_in


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests against a live server or with real transactions run last on each worker.

    They commit rows the other threads can see and then flush the database; running them after the
    ordinary tests keeps those isolated from any flush.
    """
    items.sort(key=_runs_last)


def _runs_last(item):
    if item.get_closest_marker("browser"):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture
def silent_server():
    """`http://127.0.0.1:<port>`: a server that accepts connections and never answers (an outside
    service that hangs), for the tests that check every outside call gives up in time."""
    listener = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    listener.close()
    for connection_ in held:
        connection_.close()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
