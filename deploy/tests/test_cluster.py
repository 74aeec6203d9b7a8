"""Two app servers behind HAProxy, sharing PostgreSQL and Redis, with a shopper going through them.

The cluster runs the test database (committed rows, `transactional_db`) with production settings:
each request of the shopper goes to the other app server (round robin, no stickiness), yet the
session, the cart, the market and a texted code follow them; a price a merchandiser changes shows
on both servers within the page cache's staleness; an app server killed mid-run loses no request
the balancer can retry, and no order.
"""

import re
import secrets
import subprocess
import sys
import threading
import time
from decimal import Decimal
from urllib.parse import quote

import pytest
import redis
import requests
from django.conf import settings
from django.db import connection

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Order
from deploy.cluster import ROOT, Cluster, port_is_free, production_environment

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLUSTER_REDIS_URL = "redis://127.0.0.1:6379/14"
STALENESS_SECONDS = 2
REPLICA_NAME = "marque-cluster-replica"  # the cluster's PAGE_CACHE_SECONDS


def database_url():
    db = settings.DATABASES["default"]
    return (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def free_ports(count):
    """A base port with `count` free ports from it on 127.0.0.1."""
    for _ in range(50):
        base = secrets.randbelow(20_000) + 20_000
        if all(port_is_free(base + offset) for offset in range(count)):
            return base
    raise RuntimeError("no run of free ports on 127.0.0.1")


@pytest.fixture
def cluster(tmp_path):
    """The cluster on the test database (the test's rows are committed)."""
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the app servers share one PostgreSQL database (set DATABASE_URL; CI does)")
    env = production_environment(
        ENV_FILE="/dev/null",  # not the developer's .env: no provider credentials, console SMS
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        # The replica is the same database under another name, so the test sees which reads used it.
        DATABASE_REPLICA_URL=f"{database_url()}?application_name={REPLICA_NAME}",
        CONN_MAX_AGE=60,
        REDIS_URL=CLUSTER_REDIS_URL,
        PAGE_CACHE_SECONDS=STALENESS_SECONDS,
        STATIC_MANIFEST="false",
        LOG_LEVEL="INFO",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",  # texts go out through the worker
    )
    with Cluster(env, port=free_ports(4), folder=tmp_path / "cluster") as running:
        yield running


class Shopper:
    """A browser without JavaScript: one cookie jar, every request through the balancer."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.http = requests.Session()
        self.servers = []  # the app server that answered each request

    def request(self, method, path, **kwargs):
        response = self.http.request(method, self.cluster.url + path, allow_redirects=False, timeout=30, **kwargs)
        self.servers.append(response.headers.get("X-App-Server"))
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, *, not_through=None, **kwargs):
        token = self.get("/csrf/").json()["token"]
        if not_through:
            self.next_request_avoids(not_through)
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": token}, **kwargs)

    def next_request_avoids(self, server):
        """Round robin sends each request to the next server: step until `server` has just answered."""
        while self.servers[-1] != server:
            self.get(self.cluster.health_path)


def texted_code(cluster, phone):
    """The last code the console SMS provider logged for `phone`, by whichever process sent it
    (the app server, or the task worker when there is one)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = re.findall(rf"SMS to {re.escape(phone)} .*?\b(\d{{6}})\b", "".join(p.log() for p in cluster.processes))
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone} in the cluster's logs")


def price_on(response):
    assert response.status_code == 200
    amount = re.search(r'"product:price:amount" content="([\d.,]+)"', response.text).group(1)
    return Decimal(amount.replace(",", "."))


def a_shopper_goes_back_and_forth_between_two_app_servers(cluster, shirt, shopper):
    product_path = f"/kg/p/{shirt.product.slug}/"
    visitor = Shopper(cluster)

    assert visitor.get("/kg/").status_code == 200
    assert visitor.get(product_path).status_code == 200
    assert visitor.servers[0] != visitor.servers[1], "round robin: each request to the other server"

    # The cart follows the visitor from the server that added to it to the one that shows it.
    added = visitor.post("/kg/cart/add/", {"sku": shirt.pk, "quantity": "2"})
    assert added.status_code == 302, added.text[:500]
    added_by = visitor.servers[-1]
    visitor.next_request_avoids(added_by)
    cart = visitor.get("/kg/cart/")
    assert cart.status_code == 200 and shirt.product.name in cart.text
    assert visitor.servers[-1] != added_by

    # The market follows the visitor: switched on one server, kept by the other.
    switched = visitor.post("/market/", {"market": "US", "next": "/kg/"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/us/"
    root = visitor.get("/")
    assert root.status_code == 302 and root.headers["Location"] == "/us/"
    assert visitor.servers[-1] != visitor.servers[-2]
    visitor.post("/market/", {"market": "KG", "next": "/us/"})

    # A code texted through one server is accepted through the other.
    asked = visitor.post("/accounts/login/", {"phone": shopper.phone})
    assert asked.status_code == 302 and asked.headers["Location"] == "/accounts/login/code/", asked.text[:500]
    sent_by = visitor.servers[-1]
    code = texted_code(cluster, shopper.phone)
    entered = visitor.post("/accounts/login/code/", {"code": code}, not_through=sent_by)
    assert entered.status_code == 302, entered.text[:500]
    assert visitor.servers[-1] != sent_by
    account = visitor.get("/accounts/profile/")
    assert account.status_code == 200 and shopper.phone[-4:] in account.text

    # The visitor's cart became the shopper's; the order is placed through whichever server.
    checkout = visitor.get("/kg/checkout/")
    assert checkout.status_code == 200 and shirt.product.name in checkout.text
    key = re.search(r'name="checkout_key" value="([^"]+)"', checkout.text).group(1)
    address = re.search(r'name="address" value="(\d+)"', checkout.text).group(1)
    placed = visitor.post("/kg/checkout/", {"checkout_key": key, "address": address, "payment_method": "cash"})
    assert placed.status_code == 302 and "/kg/orders/MQ-" in placed.headers["Location"], placed.text[:500]
    order = Order.objects.get(user=shopper)
    assert order.items.get().quantity == 2
    shirt.refresh_from_db()
    assert shirt.stock == 48

    # The app servers read the catalog through their replica connections (DATABASE_REPLICA_URL).
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [REPLICA_NAME])
        assert cursor.fetchone()[0] >= 1


def a_price_change_shows_on_both_servers_within_the_stated_staleness(cluster, shirt):
    product_path = f"/kg/p/{shirt.product.slug}/"
    visitor = Shopper(cluster)
    for _ in range(4):  # both servers have the page, in the shared cache and their own
        assert price_on(visitor.get(product_path)) == Decimal(2990)

    # The merchandiser's change, saved through the ORM by a process of the cluster's environment
    # (as the admin or an import would): the cache it invalidates is the cluster's Redis.
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from catalog.models import SKU; sku = SKU.objects.get(pk={shirt.pk}); sku.price = 3490; sku.save()",
        ],
        cwd=ROOT,
        env=cluster.env,
        check=True,
        timeout=60,
    )
    changed_at = time.monotonic()
    seen_on = set()
    while len(seen_on) < len(cluster.app_servers) and time.monotonic() - changed_at < STALENESS_SECONDS + 5:
        response = visitor.get(product_path)
        if price_on(response) == Decimal(3490):
            seen_on.add(response.headers["X-App-Server"])
        time.sleep(0.1)
    assert seen_on == {"app1", "app2"}
    assert time.monotonic() - changed_at <= STALENESS_SECONDS + 5


def killing_an_app_server_mid_run_loses_no_request_and_no_order(cluster, shirt, shopper):
    product_path = f"/kg/p/{shirt.product.slug}/"
    buyer = Shopper(cluster)
    buyer.post("/accounts/login/", {"phone": shopper.phone})
    buyer.post("/accounts/login/code/", {"code": texted_code(cluster, shopper.phone)})
    assert buyer.get("/accounts/profile/").status_code == 200

    # What the balancer retries on the other server: a request that never reached the killed one,
    # a read or a checkout (its key places one order) that got no answer. What it cannot retry: an
    # answer cut off mid-way, or an add to cart that got none (adding twice would be wrong); those
    # happen only to requests in flight at the kill, and the shopper sends them again.
    answered, lost, checkout_keys = [], [], {}
    stop = threading.Event()

    def attempt(send):
        try:
            response = send()
        except requests.RequestException as error:
            # Refused, reset, or an answer cut off mid-body (ChunkedEncodingError): lost, counted.
            lost.append((time.monotonic(), repr(error)))
            return None
        if response.status_code >= 500:
            lost.append((time.monotonic(), response.status_code))
            return None
        answered.append(response.status_code)
        return response

    def browse():
        visitor = Shopper(cluster)
        while not stop.is_set():
            attempt(lambda: visitor.get(product_path))

    def buy():
        while not stop.is_set():
            if not attempt(lambda: buyer.post("/kg/cart/add/", {"sku": shirt.pk, "quantity": "1"})):
                continue
            page = attempt(lambda: buyer.get("/kg/checkout/"))
            if not page:
                continue
            form = {
                "checkout_key": re.search(r'name="checkout_key" value="([^"]+)"', page.text).group(1),
                "address": re.search(r'name="address" value="(\d+)"', page.text).group(1),
                "payment_method": "cash",
            }
            response = attempt(lambda form=form: buyer.post("/kg/checkout/", form))
            checkout_keys[form["checkout_key"]] = (form, response and response.headers["Location"])

    threads = [threading.Thread(target=browse) for _ in range(3)] + [threading.Thread(target=buy)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    answered_before = len(answered)
    killed_at = time.monotonic()
    cluster.app_servers[0].kill()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    assert len(answered) > answered_before + 10, "the other server went on answering"
    assert set(answered) <= {200, 302}
    assert len(lost) <= len(threads), lost  # at most the requests in flight at the kill
    assert all(abs(at - killed_at) < 1.5 for at, _ in lost), (killed_at, lost)
    # A checkout whose answer was lost is sent again, as the shopper would: still one order.
    # (One that never reached a server placed nothing: its lines went with the next checkout, and
    # sent again it finds the cart empty.)
    placed = set()
    for key, (form, location) in checkout_keys.items():
        location = location or buyer.post("/kg/checkout/", form).headers.get("Location")
        if location == "/kg/cart/":
            assert not Order.objects.filter(checkout_key=key).exists()
        else:
            assert "/kg/orders/MQ-" in location
            placed.add(location)
    orders = Order.objects.filter(user=shopper)
    assert placed, "orders were placed while the server died"
    assert {f"/kg/orders/{order.order_number}/confirmation/" for order in orders} == placed
    shirt.refresh_from_db()
    assert shirt.stock == 50 - sum(order.items.get().quantity for order in orders)


def test_a_shopper_a_merchandiser_and_a_crash_on_two_app_servers(cluster):
    """One cluster for all three (starting one costs seconds): a shopper, a price change, a crash."""
    for scenario, phone in (
        (a_shopper_goes_back_and_forth_between_two_app_servers, "+996700555010"),
        (a_price_change_shows_on_both_servers_within_the_stated_staleness, None),
        (killing_an_app_server_mid_run_loses_no_request_and_no_order, "+996700555011"),
    ):
        redis.Redis.from_url(CLUSTER_REDIS_URL).flushdb()
        shirt = SKUFactory(product=ProductFactory(market="KG", price=Decimal("2990")), stock=50)
        shopper = phone and KGUserFactory(phone=phone)
        if shopper:
            AddressFactory(user=shopper, street="Chui Avenue", building="120", city="Bishkek", is_default=True)
        scenario(cluster, shirt, *([shopper] if shopper else []))
