"""Probes for a load balancer and the scrape endpoint for Prometheus, answered before any other middleware.

- `/healthz`: the process is up and answering. Touches nothing else, so a database or Redis outage
  never makes a load balancer restart healthy app servers.
- `/readyz`: every registered check passes, so this server may take traffic. 200 with
  `{"status": "ready", "checks": {...}}`; 503 with `"not ready"` and the name of each check that
  failed (the reason is logged, never shown: the probe is unauthenticated).
- `/metrics`: Prometheus metrics (storefront/metrics.py), for METRICS_TOKEN or METRICS_ALLOWED_IPS only.

`OperationsMiddleware` sits first in MIDDLEWARE, so these answers skip the HTTPS redirect and the
host check (a probe or a scrape addresses each server by its own address), the page cache, sessions,
CSRF, authentication and the request log: a probe every few seconds costs one dictionary lookup
(healthz) or one query and one cache round trip (readyz).

A check is a function without arguments that returns something JSON can show (or None) and raises
when the server is not ready. An app adds its own in `AppConfig.ready()`:
`health.register_check("task_backlog", task_backlog)`.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

from storefront import metrics

logger = logging.getLogger(__name__)

CHECKS = {}


def register_check(name, check):
    """Run `check` on every /readyz from now on, reported under `name` (a later one replaces it)."""
    CHECKS[name] = check
    return check


def database():
    """Every configured database answers a query."""
    for alias in connections:
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            # A broken connection would fail the next request too; the next one opens afresh.
            connection.close()
            raise
    return None


def cache_round_trip():
    """The shared cache stores a value and gives it back (a cache that swallows errors fails too)."""
    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("The cache did not return the value just stored.")
    return None


register_check("database", database)
register_check("cache", cache_round_trip)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request):
    results, failed = {}, []
    for name, check in list(CHECKS.items()):
        started = time.perf_counter()
        try:
            detail = check()
        except Exception:
            logger.warning("Readiness check %s failed.", name, exc_info=True)
            failed.append(name)
            results[name] = {"ok": False}
            continue
        results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
        if detail is not None:
            results[name]["detail"] = detail
    body = {"status": "not ready" if failed else "ready", "checks": results}
    if failed:
        body["failed"] = failed
    return _no_store(JsonResponse(body, status=503 if failed else 200))


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics.metrics_view}


class OperationsMiddleware:
    """Answers /healthz, /readyz and /metrics (GET or HEAD) before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info.rstrip("/") or "/")
        if endpoint is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return endpoint(request)
