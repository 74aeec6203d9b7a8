"""Redis or PostgreSQL down (storefront/resilient_cache.py, storefront/sessions.py, storefront/outages.py).

The shop runs with its production cache and session settings pointed at a loopback port nothing
listens on (or at a proxy to this machine's Redis that the test cuts and restores): browsing still
answers from the database, session writes get the 503 page and write nothing, and everything comes
back by itself when Redis does.
"""

import contextlib
import socket
import threading
import time
import uuid
from decimal import Decimal

import pytest
from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSession
from django.core.cache import cache, caches
from django.test import Client, RequestFactory

from accounts.models import VerificationCode
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from checkout.cart import CART_SESSION_KEY
from checkout.models import Cart, CartItem
from storefront.resilient_cache import Breaker, CacheUnavailable

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 4
BROWSING = [
    "/kg/",
    "/kg/products/",
    "/kg/c/shoes/",
    "/kg/c/shoes/sneakers/",
    "/kg/p/court-sneakers/",
    "/kg/search/?q=court",
    "/kg/cart/",
]


def redis_settings(settings, url, *, breaker_seconds=5.0):
    """The production cache and session settings (storefront/settings.py) on Redis at `url`."""
    prefix = f"outage-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        alias: {
            "BACKEND": "storefront.resilient_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.5,
                "BREAKER_SECONDS": breaker_seconds,
                "STRICT": alias == "sessions",
            },
        }
        for alias in ("default", "sessions")
    }
    settings.SESSION_ENGINE = "storefront.sessions"
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def redis_down(settings, closed_port):
    redis_settings(settings, f"redis://127.0.0.1:{closed_port}/{REDIS_DB}")


@pytest.fixture
def court(db):
    shoes = CategoryFactory(name="Shoes", slug="shoes")
    sneakers = SubcategoryFactory(category=shoes, name="Sneakers", slug="sneakers")
    product = ProductFactory(
        name="Court Sneakers", slug="court-sneakers", category=shoes, subcategory=sneakers, price=Decimal("4990")
    )
    SKUFactory(product=product, size="40", color="White", price=Decimal("4990"), stock=4)
    return product


def visitor(language="en"):
    """A visitor's browser; errors come back as the pages a browser would get, not as exceptions."""
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def signed_in(user):
    """A shopper signed in before Redis went away: their session is in the database only."""
    session = DatabaseSession()
    # The first backend that loads users, as Django's test client picks (the admin lock-out's comes first).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend})
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    session.save()
    client = visitor()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def visitor_with_cart(sku):
    """A visitor whose session (written before Redis went away) holds a cart with `sku` in it."""
    session = DatabaseSession()
    session.create()
    cart = Cart.objects.create(session_key=session.session_key, market="KG")
    CartItem.objects.create(cart=cart, sku=sku, quantity=1)
    session[CART_SESSION_KEY] = cart.pk
    session.save()
    client = visitor()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


class Proxy:
    """A TCP proxy to this machine's Redis that a test can cut (every connection dropped, new ones
    refused) and restore on the same port: a network outage while Redis itself keeps its data."""

    def __init__(self):
        self.port = None
        self.listener = None
        self.sockets = []
        self.up()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    def up(self):
        self.listener = socket.create_server(("127.0.0.1", self.port or 0), reuse_port=False)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        # Shut down first: a plain close leaves the socket listening while accept() blocks on it.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(REDIS)
            self.sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxy():
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    proxy = Proxy()
    yield proxy
    proxy.down()


# --- browsing without Redis -------------------------------------------------------------------------


def test_every_cache_call_shares_one_redis_client_per_server(settings):
    # Django builds a redis.Redis per call, a tenth of a millisecond each; the backend keeps one.
    redis_settings(settings, f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}")
    backend = caches["default"]
    client = backend._cache.get_client("any", write=True)

    backend.set("kept", "yes")
    assert backend.get("kept") == "yes" and backend.get_many(["kept"]) == {"kept": "yes"}
    assert backend._cache.get_client("other") is client


def test_browsing_answers_from_the_database_while_redis_is_down(court, redis_down, monkeypatch):
    attempts = []
    monkeypatch.setattr(Breaker, "trip", spy(Breaker.trip, attempts))
    started = time.monotonic()

    responses = {url: visitor().get(url) for url in BROWSING}

    assert {url: response.status_code for url, response in responses.items()} == dict.fromkeys(BROWSING, 200)
    assert "Court Sneakers" in responses["/kg/p/court-sneakers/"].text
    assert "Court Sneakers" in responses["/kg/search/?q=court"].text
    # One failed attempt per breaker pause; every other cache call of every page skipped Redis.
    assert 1 <= len(attempts) <= 1 + (time.monotonic() - started) // 5


def spy(method, calls):
    def recorded(*args, **kwargs):
        calls.append(args)
        return method(*args, **kwargs)

    return recorded


def test_a_visitor_with_a_cart_still_sees_it_while_redis_is_down(court, redis_down):
    client = visitor_with_cart(court.skus.get())

    response = client.get("/kg/cart/")

    assert response.status_code == 200
    assert "Court Sneakers" in response.text


def test_an_unreachable_redis_costs_one_timeout_then_nothing(settings, silent_server):
    # A Redis that accepts the connection and never answers: the worst kind of down.
    redis_settings(settings, silent_server.replace("http://", "redis://") + f"/{REDIS_DB}")

    started = time.monotonic()
    assert cache.get("menu", "from the database") == "from the database"
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(50):
        assert cache.get_or_set("menu", lambda: "from the database") == "from the database"
    rest = time.monotonic() - started

    assert first < 0.5 + 0.5  # the socket timeout, plus a margin
    assert rest < 0.05  # the breaker is open: no connection is even tried


# --- what refuses without Redis ---------------------------------------------------------------------


def test_signing_in_answers_503_and_sends_no_code_while_redis_is_down(court, redis_down, sms_outbox):
    client = visitor()

    page = client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"phone": "+996555123456"})

    assert page.status_code == 200
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Please try again in a minute" in response.text
    assert "You can keep browsing the shop" in response.text
    assert not VerificationCode.objects.exists() and sms_outbox == []


def test_the_503_page_speaks_the_visitors_language(court, redis_down):
    response = visitor("ru").post("/accounts/login/", {"phone": "+996555123456"})

    assert response.status_code == 503
    assert response["Content-Language"] == "ru"
    assert "Please try again in a minute" not in response.text
    assert '<html lang="ru"' in response.text


def test_a_visitors_first_cart_line_answers_503_and_writes_nothing(court, redis_down):
    response = visitor().post("/kg/cart/add/", {"sku": court.skus.get().pk, "quantity": 1})

    assert response.status_code == 503
    assert not Cart.objects.exists() and not CartItem.objects.exists()


def test_a_visitor_with_a_cart_may_still_add_to_it_while_redis_is_down(court, redis_down):
    # The cart lives in the database and the session needs no change: nothing to refuse.
    client = visitor_with_cart(court.skus.get())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = DatabaseSession(key).load()

    response = client.post("/kg/cart/add/", {"sku": court.skus.get().pk, "quantity": 1})

    assert response.status_code == 302
    assert CartItem.objects.get().quantity == 2
    assert DatabaseSession(key).load() == before


def test_a_visitor_with_a_session_is_refused_sign_in_before_any_code_is_sent(court, redis_down, sms_outbox):
    client = visitor_with_cart(court.skus.get())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = DatabaseSession(key).load()

    response = client.post("/accounts/login/", {"phone": "+996555123456"})

    assert response.status_code == 503
    assert not VerificationCode.objects.exists() and sms_outbox == []
    assert DatabaseSession(key).load() == before


def test_a_signed_in_shopper_browses_their_own_pages_while_redis_is_down(court, redis_down, kg_shopper):
    client = signed_in(kg_shopper)

    for url in ("/kg/", "/kg/orders/", "/accounts/profile/", "/kg/cart/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert kg_shopper.phone in client.get("/accounts/profile/").text


def test_signing_out_answers_503_and_keeps_the_session_whole(court, redis_down, kg_shopper):
    client = signed_in(kg_shopper)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post("/accounts/logout/")

    assert response.status_code == 503
    # Deleted in the database while its copy stayed in Redis, it would come back with Redis:
    # the shopper signs out once Redis is back, and is signed in until then.
    assert DatabaseSession(key).load()[SESSION_KEY] == str(kg_shopper.pk)


def test_rate_limits_refuse_rather_than_allow_while_their_store_is_down(redis_down, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "30/m/ip"}
    request = RequestFactory().post("/accounts/login/")

    with pytest.raises(CacheUnavailable):
        ratelimit.consume(request, action="login")


# --- recovery ----------------------------------------------------------------------------------------


def test_everything_recovers_by_itself_when_redis_returns(court, settings, proxy, sms_outbox):
    redis_settings(settings, proxy.url, breaker_seconds=0.2)
    cache.set("rate", "old rate")
    cache.set("page-version", "old version")
    assert visitor().get("/kg/p/court-sneakers/").status_code == 200

    proxy.down()
    cache.delete("rate")  # a merchandiser's change while Redis is away
    cache.set("page-version", "new version")
    down = visitor().post("/accounts/login/", {"phone": "+996555123456"})
    browsing = visitor().get("/kg/products/")

    proxy.up()
    time.sleep(0.3)  # the breaker's pause
    client = visitor()
    back = client.post("/accounts/login/", {"phone": "+996555123456"})

    assert down.status_code == 503 and browsing.status_code == 200
    assert back.status_code == 302 and back["Location"] == "/accounts/login/code/"
    assert VerificationCode.objects.count() == 1
    # The keys written or deleted while Redis was away were deleted when it answered: no old value comes back.
    assert cache.get("rate") is None and cache.get("page-version") is None
    # The session is kept in the database and copied to Redis again.
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert DatabaseSession(key).load()
    assert caches["sessions"].get("django.contrib.sessions.cached_db" + key) is not None
    assert client.get("/accounts/login/code/").status_code == 200
