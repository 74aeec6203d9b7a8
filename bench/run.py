"""`make bench`: the shop under gunicorn as in production, driven by wrk, each page beside its ceiling.

    python -m bench.run --sizes 10000,100000 --seconds 8

For each catalog size the driver migrates the size's database, loads it (`bench_catalog`, quick
when it is loaded already), times the SQL of the KG order list (`bench_order_sql`), then starts
gunicorn twice, each time on a flushed Redis database:

- fresh (`PAGE_CACHE_SECONDS=0`): every page is rendered for every request: the visitor pages,
  the HTMX add to cart of visitors with a session, the KG manager's order list in the admin (and
  its copy that finds the orders through the shopper's market), the KG sales dashboard over 90 days
  (its daily figures rebuilt first by `refresh_dashboard --all`), the API's product list and a
  shopper's order list (a bearer token minted by `bench_catalog`); each is
  followed by the template loop of the same HTML size (`/bench/loop/?cards=N`);
- cached (`PAGE_CACHE_SECONDS=60`): the visitor pages from the shared cache, each followed by the
  same HTML served as a fixed template (`/bench/fixed/?cards=N`).

Page and ceiling alternate, row by row, so each ratio compares two figures taken in the same
minute on the same noisy machine. wrk runs 16 connections on 2 threads against 127.0.0.1 only,
after a warm-up; a search, the admin list and the API's order list are also timed alone
(1 connection), for their latency targets. The table goes to stdout and to docs/benchmarks.md,
under "Latest run".
"""

import argparse
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.report import Measurement, Report, Row, Target, format_report, write_latest_run

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"
DOCS = ROOT / "docs" / "benchmarks.md"
DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_DATABASE_URL = "postgres://marque:marque@127.0.0.1:5432/marque_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# The size whose catalog lives in the database named by --database-url; others sit beside it.
NAMED_SIZE = 10_000
WORKERS = 2
CACHED_SECONDS = 60
CART_SESSIONS = 16
SEARCH_TARGET_MS = 50
ADMIN_TARGET_MS = 30
CALIBRATION_CARDS = 100
LOOP_MAX_CARDS = 2000  # as many as bench/views.py renders
SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
GZIP = {"Accept-Encoding": "gzip"}


class BenchError(Exception):
    """The benchmark cannot go on: a page fails, a tool is missing, the shop does not start."""


def size_label(size):
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return str(size)


def database_url_for(base_url, size):
    """The size's database: the one named for 10 000 products, `<name><label>` beside it for others."""
    if size == NAMED_SIZE:
        return base_url
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"{parts.path}{size_label(size).lower()}"))


# --- processes -------------------------------------------------------------------------------------


def shop_environment(database_url, redis_url, secret_key, page_cache_seconds=0):
    """Production settings on plain HTTP at 127.0.0.1: DEBUG off, PostgreSQL, Redis, manifest static files."""
    return {
        **os.environ,
        "ENV_FILE": "/dev/null",  # not the developer's .env
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "STATIC_MANIFEST": "true",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "BENCH_VIEWS": "true",
        # No TLS in front of 127.0.0.1: no redirect to HTTPS, cookies sent over HTTP.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # The shopper's API token is minted when the catalog is loaded and used for the whole run.
        "JWT_ACCESS_MINUTES": "240",
    }


def manage(env, *args, capture=True):
    """Run `manage.py <args>`; its stdout when `capture`."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if capture else None,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed (exit {completed.returncode}).")
    return completed.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


class Shop:
    """gunicorn serving the shop with `env`, on a free port of 127.0.0.1, with Redis flushed first."""

    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="marque-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self):
        flush_redis(self.env["REDIS_URL"])
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "storefront.wsgi:application",
                f"--workers={WORKERS}",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{self.port}",
                "--timeout=60",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        client = Client(self.port)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if client.get("/bench/loop/?cards=0").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(BenchError)
        raise BenchError(f"gunicorn did not answer /bench/loop/; its log: {self.log.name}")

    def __exit__(self, exc_type=None, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        if exc_type is None:
            # Kept when the run stops on an error: the message points to it.
            Path(self.log.name).unlink(missing_ok=True)


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: object
    body: bytes

    def cookies(self):
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or ():
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


class Client:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)


@dataclass
class Page:
    """A request the benchmark measures: a GET with headers, or the add-to-cart POST script."""

    name: str
    path: str
    headers: dict = field(default_factory=dict)
    cart_args: tuple = ()  # the cart_add.lua arguments; a POST when set

    def wrk_command(self, port, seconds, connections, threads):
        script = "cart_add.lua" if self.cart_args else "get.lua"
        url = f"http://127.0.0.1:{port}{'/' if self.cart_args else self.path}"
        args = self.cart_args or [f"{name}: {value}" for name, value in {**GZIP, **self.headers}.items()]
        return [
            "wrk",
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={seconds}s",
            "--timeout=60s",
            "--latency",
            f"--script={WRK_SCRIPTS / script}",
            url,
            "--",
            *args,
        ]


def run_wrk(page, port, seconds, connections=16, threads=2):
    completed = subprocess.run(
        page.wrk_command(port, seconds, connections, threads), capture_output=True, text=True, check=False
    )
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH ")), None)
    if completed.returncode or line is None:
        raise BenchError(f"wrk failed on {page.name}: {completed.stderr or completed.stdout}")
    return Measurement.from_wrk(json.loads(line.removeprefix("BENCH ")))


def html_size(client, page, *, post_body=None):
    """Bytes of the page as rendered (uncompressed); stops the run on anything but a 200."""
    if post_body is not None:
        response = client.request("POST", page.path, {**page.headers}, post_body)
    else:
        response = client.get(page.path, page.headers)
    if response.status != 200:
        excerpt = response.body[:300].decode("utf-8", "replace")
        raise BenchError(f"{page.name} ({page.path}) answered {response.status}: {excerpt}")
    return len(response.body), response


# --- sessions ------------------------------------------------------------------------------------


def cart_sessions(client, market, sku, count):
    """`count` visitors who added `sku` to a cart: "sessionid csrfcookie token" each."""
    sessions = []
    for _ in range(count):
        fetched = client.get("/csrf/")
        token, cookie = json.loads(fetched.body)["token"], fetched.cookies()[CSRF_COOKIE]
        added = client.request(
            "POST",
            f"/{market}/cart/add/",
            {
                "Cookie": f"{CSRF_COOKIE}={cookie}",
                "X-CSRFToken": token,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            urlencode({"sku": sku, "quantity": 1}),
        )
        session = added.cookies().get(SESSION_COOKIE)
        if added.status != 200 or not session:
            raise BenchError(f"Adding to a cart answered {added.status} with no session.")
        sessions.append(f"{session} {cookie} {token}")
    return sessions


def staff_cookie(client, phone, password):
    """The Cookie header of a staff member signed in to the admin with their password."""
    form = client.get("/admin/login/")
    cookie = form.cookies()[CSRF_COOKIE]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body.decode()).group(1)
    signed_in = client.request(
        "POST",
        "/admin/login/",
        {"Cookie": f"{CSRF_COOKIE}={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
        urlencode({"csrfmiddlewaretoken": token, "username": phone, "password": password, "next": "/admin/"}),
    )
    cookies = signed_in.cookies()
    if signed_in.status != 302 or SESSION_COOKIE not in cookies:
        raise BenchError(f"The manager {phone} could not sign in to the admin ({signed_in.status}).")
    return f"{SESSION_COOKIE}={cookies[SESSION_COOKIE]}; {CSRF_COOKIE}={cookies.get(CSRF_COOKIE, cookie)}"


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Settings:
    seconds: int
    warmup: int
    connections: int = 16
    threads: int = 2

    @property
    def longest(self):
        return 6 * self.seconds


class Ceiling:
    """The loop and fixed pages sized to match a page's HTML, from two calibration requests."""

    def __init__(self, client):
        empty, _ = html_size(client, Page("loop", "/bench/loop/?cards=0"))
        full, _ = html_size(client, Page("loop", f"/bench/loop/?cards={CALIBRATION_CARDS}"))
        self.shell, self.card = empty, (full - empty) / CALIBRATION_CARDS

    def cards_for(self, size):
        return min(LOOP_MAX_CARDS, max(0, round((size - self.shell) / self.card)))

    def page(self, kind, size):
        cards = self.cards_for(size)
        return Page(f"{kind} × {cards}", f"/bench/{kind}/?cards={cards}")


def drain(client):
    """Wait until the requests wrk left behind are served: gunicorn still answers a request whose
    connection wrk closed at the end of a run, and the next run must not queue behind them."""
    for _ in range(WORKERS):
        client.get("/bench/loop/?cards=0")


def measure_one(page, port, client, settings):
    """A warm-up alone, then `settings.connections` for `settings.seconds`, or longer for a slow page:
    long enough for each connection to be answered about three times (at most `settings.longest`)."""
    warm = run_wrk(page, port, settings.warmup, connections=1, threads=1)
    drain(client)
    alone = warm.p50_us / 1_000_000 if warm.requests else settings.warmup
    queued = alone * settings.connections / WORKERS
    seconds = min(settings.longest, max(settings.seconds, math.ceil(3 * queued)))
    result = run_wrk(page, port, seconds, settings.connections, settings.threads)
    drain(client)
    return result, seconds


def measure(page, ceiling_page, port, client, settings, progress):
    """The page, then its ceiling (notes say when a slow page ran longer than asked)."""
    result, seconds = measure_one(page, port, client, settings)
    ceiling, _ = measure_one(ceiling_page, port, client, settings)
    notes = (f"ran {seconds} s",) if seconds != settings.seconds else ()
    progress(
        f"  {page.name}: {result.per_second:.1f} req/s, p50 {result.p50_us / 1000:.1f} ms; "
        f"{ceiling_page.name}: {ceiling.per_second:.1f} req/s"
    )
    return result, ceiling, notes


def visitor_pages(targets):
    market, product = targets["market"], targets["product"]
    variant = urlencode(targets["variant"])
    return [
        Page("home", f"/{market}/"),
        Page("all products", f"/{market}/products/"),
        Page("category", f"/{market}/c/{targets['category']}/"),
        Page("product", f"/{market}/p/{product}/"),
        Page("product variant", f"/{market}/p/{product}/?{variant}"),
        Page("search", f"/{market}/search/?{urlencode({'q': targets['search']})}"),
    ]


def fresh_phase(env, targets, label, settings, report, progress):
    progress(f"{label}: fresh pages (PAGE_CACHE_SECONDS=0)")
    with Shop(env) as shop:
        client = Client(shop.port)
        ceiling = Ceiling(client)
        market = targets["market"]
        manager = targets["manager"]
        admin = {"Cookie": staff_cookie(client, manager["phone"], manager["password"])}
        sessions = cart_sessions(client, market, targets["cart_skus"][0], CART_SESSIONS)
        skus = ",".join(str(sku) for sku in targets["cart_skus"])
        cart_path = f"/{market}/cart/add/"
        visitors = visitor_pages(targets)
        search = next(page for page in visitors if page.name == "search")
        orders = Page(f"admin: {market.upper()} orders (order.market)", "/admin/checkout/order/", admin)
        pages = [
            *visitors,
            Page("add to cart (HTMX)", cart_path, cart_args=(cart_path, skus, *sessions)),
            orders,
            Page(f"admin: {market.upper()} orders (join on shopper)", "/bench/admin/checkout/order/", admin),
            Page(f"admin: {market.upper()} sales dashboard, 90 days", "/admin/dashboard/?days=90", admin),
            Page(f"API: products ?market={market.upper()}", f"/api/v1/products?market={market.upper()}"),
        ]
        shopper = targets.get("shopper")
        api_orders = None
        if shopper:
            bearer = {"Authorization": f"Bearer {shopper['token']}"}
            api_orders = Page(f"API: a {market.upper()} shopper's orders", "/api/v1/orders", bearer)
            pages.append(api_orders)
        session, cookie, token = sessions[0].split()
        cart_headers = {
            "Cookie": f"{SESSION_COOKIE}={session}; {CSRF_COOKIE}={cookie}",
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        for page in pages:
            if page.cart_args:
                probe = Page(page.name, page.path, cart_headers)
                size, _ = html_size(client, probe, post_body=urlencode({"sku": targets["cart_skus"][1], "quantity": 1}))
            else:
                size, _ = html_size(client, page)
            loop = ceiling.page("loop", size)
            result, ceiling_result, notes = measure(page, loop, shop.port, client, settings, progress)
            report.rows.append(Row(label, page.name, "fresh", size, result, loop.name, ceiling_result, notes))

        alone = Settings(settings.seconds, settings.warmup, connections=1, threads=1)
        alone_search, _ = measure_one(search, shop.port, client, alone)
        report.targets.append(
            Target(
                f"search p95, {label} catalog, fresh, 1 connection",
                alone_search.p95_us / 1000,
                SEARCH_TARGET_MS,
                f"p50 {alone_search.p50_us / 1000:.1f} ms",
            )
        )
        alone_orders, _ = measure_one(orders, shop.port, client, alone)
        report.targets.append(
            Target(
                f"admin {market.upper()} order list p50, {label} catalog, 1 connection",
                alone_orders.p50_us / 1000,
                ADMIN_TARGET_MS,
                f"p95 {alone_orders.p95_us / 1000:.1f} ms",
            )
        )
        if api_orders is not None:
            alone_api, _ = measure_one(api_orders, shop.port, client, alone)
            report.targets.append(
                Target(
                    f"API order list p50, {label} catalog, 1 connection",
                    alone_api.p50_us / 1000,
                    ADMIN_TARGET_MS,
                    f"p95 {alone_api.p95_us / 1000:.1f} ms",
                )
            )


def cached_phase(env, targets, label, settings, report, progress):
    progress(f"{label}: pages from the shared cache (PAGE_CACHE_SECONDS={CACHED_SECONDS})")
    with Shop(env) as shop:
        client = Client(shop.port)
        ceiling = Ceiling(client)
        for page in visitor_pages(targets):
            html_size(client, page)  # rendered and kept
            size, response = html_size(client, page)
            cache = response.headers.get("X-Page-Cache", "absent")
            fixed = ceiling.page("fixed", size)
            result, ceiling_result, notes = measure(page, fixed, shop.port, client, settings, progress)
            if cache != "hit":
                notes = (*notes, f"X-Page-Cache: {cache}")
            report.rows.append(Row(label, page.name, "cached", size, result, fixed.name, ceiling_result, notes))


def ensure_database(url):
    """Create the database `url` names when it is missing (the role needs CREATEDB)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def bench_size(size, orders, base_url, redis_url, settings, report, progress):
    label = size_label(size)
    url = database_url_for(base_url, size)
    if ensure_database(url):
        progress(f"{label}: created the database {urlsplit(url).path.lstrip('/')}")
    secret = secrets.token_urlsafe(40)
    env = shop_environment(url, redis_url, secret)
    manage(env, "migrate", "--noinput", "--verbosity=0", capture=False)
    started = time.monotonic()
    progress(f"{label}: loading {size} products and {orders} orders")
    targets = json.loads(
        manage(env, "bench_catalog", f"--products={size}", f"--orders={orders}", "--json").splitlines()[-1]
    )
    ready = time.monotonic() - started
    report.facts.append(f"{label} catalog ready in {ready:.0f} s ({size} products, {orders} orders)")
    started = time.monotonic()
    manage(env, "refresh_dashboard", "--all")
    report.facts.append(
        f"{label}: dashboard's daily figures rebuilt from {orders} orders in {time.monotonic() - started:.1f} s"
    )
    timing = json.loads(manage(env, "bench_order_sql", "--market=KG").splitlines()[-1])
    column, join = timing["column"], timing["join"]
    report.facts.append(
        f"{label}: SQL of the KG order list ({column['rows']} of {orders} orders; count + first page, median): "
        f"by order.market {column['count_ms'] + column['page_ms']:.1f} ms, "
        f"by a join on the shopper's market {join['count_ms'] + join['page_ms']:.1f} ms"
    )
    fresh_phase(env, targets, label, settings, report, progress)
    cached = shop_environment(url, redis_url, secret, page_cache_seconds=CACHED_SECONDS)
    cached_phase(cached, targets, label, settings, report, progress)


# --- the machine ---------------------------------------------------------------------------------


def _output(command):
    """What `command` prints (stdout, else stderr), or None when it cannot run."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (completed.stdout or completed.stderr).strip()


def _first_line(command):
    output = _output(command)
    return output.splitlines()[0] if output else "unknown"


def _cpu_model():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1) if match else "unknown"


def _memory():
    try:
        kilobytes = int(re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.MULTILINE).group(1))
    except (OSError, AttributeError):
        return "unknown"
    return f"{kilobytes / 1024 / 1024:.0f} GB"


def _os_name():
    try:
        return re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.MULTILINE).group(1)
    except (OSError, AttributeError):
        return platform.system()


def describe_machine(database_url, redis_url):
    import django
    import gunicorn
    import psycopg
    import redis

    try:
        with psycopg.connect(database_url) as connection:
            postgres = connection.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        postgres = "unknown"
    try:
        redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    except redis.RedisError:
        redis_version = "unknown"
    commit = _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    branch = _first_line(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"])
    changes = _output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    dirty = " with uncommitted changes" if changes else ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit} ({branch}){dirty}",
        f"Machine: {_cpu_model()}, {os.cpu_count()} CPUs, {_memory()} RAM, {_os_name()}, {platform.release()}",
        f"Load average before the run: {load}",
        f"Software: Python {platform.python_version()}, Django {django.__version__}, gunicorn {gunicorn.__version__} "
        f"({WORKERS} sync workers), PostgreSQL {postgres}, Redis {redis_version}, "
        f"{_first_line(['wrk', '--version']).split(' Copyright')[0]}",
    ]


# --- entry point ---------------------------------------------------------------------------------


def parse_sizes(text):
    sizes = [int(part) for part in re.split(r"[\s,]+", text.strip()) if part]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are whole numbers of products, such as 10000,100000")
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES), help="Catalog sizes, in products.")
    parser.add_argument("--orders", type=int, default=1_000_000, help="Orders in each catalog's database.")
    parser.add_argument("--seconds", type=int, default=8, help="Seconds of wrk per page and per ceiling.")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL database of the 10k catalog.")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="Redis for cache and sessions (flushed).")
    parser.add_argument("--docs", type=Path, default=DOCS, help="Where the latest run is written.")
    parser.add_argument("--no-docs", action="store_true", help="Print the table only.")
    options = parser.parse_args(argv)

    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian: apt-get install wrk).")
    if urlsplit(options.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("The benchmark runs on PostgreSQL: --database-url postgres://…")
    if options.seconds < 1:
        raise SystemExit("--seconds must be at least 1.")

    def progress(message):
        print(message, file=sys.stderr, flush=True)

    settings = Settings(seconds=options.seconds, warmup=max(1, round(options.seconds / 4)))
    machine = describe_machine(options.database_url, options.redis_url)
    report = Report()
    progress("Collecting static files (manifest)")
    static_env = shop_environment(options.database_url, options.redis_url, secrets.token_urlsafe(40))
    manage(static_env, "collectstatic", "--noinput", "--verbosity=0")
    try:
        for size in options.sizes:
            bench_size(size, options.orders, options.database_url, options.redis_url, settings, report, progress)
    except BenchError as error:
        raise SystemExit(f"Benchmark stopped: {error}") from error
    text = format_report(report)
    print("\n".join(f"- {line}" for line in machine))
    print()
    print(text)
    if not options.no_docs:
        write_latest_run(options.docs, text, machine)
        progress(f"Written to {options.docs}")


if __name__ == "__main__":
    main()
