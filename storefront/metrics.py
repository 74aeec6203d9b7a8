"""Prometheus metrics (prometheus-client), served at /metrics to METRICS_TOKEN or METRICS_ALLOWED_IPS only.

- `marque_http_request_duration_seconds{view,method}`: a histogram of each request's time, by URL name
  (`catalog:product_detail`), recorded by the request log middleware (storefront/logging_requests.py);
- `marque_http_responses_total{view,method,status}`;
- `marque_orders_placed_total{market}`: orders placed, counted when their transaction commits;
- gauges read at scrape time from functions apps register: `register_gauge(name, documentation, read)`
  (the task worker registers `marque_task_queue_depth`).

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty directory before the server
starts (storefront/gunicorn_conf.py empties it and tells prometheus-client about exited workers);
each worker then writes its counters there and a scrape of any worker adds up all of them.
Without it (runserver, tests) each process reports its own.
"""

import hmac
import ipaddress
import logging
import os

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from storefront.client_address import client_ip

logger = logging.getLogger(__name__)

REQUEST_DURATION = Histogram(
    "marque_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by URL name and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter(
    "marque_http_responses",
    "Responses by URL name, method and status code.",
    ["view", "method", "status"],
)
ORDERS_PLACED = Counter("marque_orders_placed", "Orders placed, by market.", ["market"])


METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(*, view, method, status, seconds):
    method = method if method in METHODS else "other"
    REQUEST_DURATION.labels(view=view, method=method).observe(seconds)
    RESPONSES.labels(view=view, method=method, status=str(status)).inc()


def count_order_placed(market_code):
    """Count one order of `market_code` once the transaction that placed it commits."""
    transaction.on_commit(lambda: ORDERS_PLACED.labels(market=market_code).inc())


class RegisteredGauges:
    """A collector of gauges whose value a function gives at scrape time (a queue's depth)."""

    def __init__(self):
        self.gauges = {}

    def register(self, name, documentation, read):
        self.gauges[name] = (documentation, read)

    def collect(self):
        for name, (documentation, read) in list(self.gauges.items()):
            gauge = GaugeMetricFamily(name, documentation)
            # A reading that fails leaves the gauge out of this scrape; Prometheus shows the gap.
            try:
                gauge.add_metric([], float(read()))
            except Exception:
                logger.warning("The gauge %s could not be read.", name, exc_info=True)
                continue
            yield gauge


GAUGES = RegisteredGauges()
REGISTRY.register(GAUGES)


def register_gauge(name, documentation, read):
    """Report `read()` as the gauge `name` on every scrape (a later registration replaces it)."""
    GAUGES.register(name, documentation, read)


def _scraped_registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(GAUGES)
    return registry


def may_scrape(request):
    """A request bearing METRICS_TOKEN, or from an address in METRICS_ALLOWED_IPS; nobody when neither is set."""
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered and hmac.compare_digest(offered.encode(), token.encode()):
        return True
    networks = settings.METRICS_ALLOWED_IPS
    if not networks:
        return False
    address = client_ip(request)
    try:
        address = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def metrics_view(request):
    if not may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    response = HttpResponse(generate_latest(_scraped_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
