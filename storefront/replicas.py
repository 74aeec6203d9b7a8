"""Catalog reads from a read replica, when one is configured (`DATABASE_REPLICA_URL`).

What a visitor browses (products, categories, banners, reviews) is most of the shop's reads and can
be a second or two behind the primary; everything else (sessions, carts, orders, accounts, stock
taken at checkout) reads and writes the primary. `ReplicaRouter` sends a catalog model's reads to
the `replica` alias except where they must see the latest write:

- inside a transaction on the primary (checkout's `select_for_update`, a service's atomic block);
- during a request that writes (any method but GET, HEAD and OPTIONS), in the admin, and for
  `REPLICA_PIN_SECONDS` after a shopper's or merchandiser's write (a cookie), so nobody saves a
  change and then sees the page without it;
- inside `with primary():`, for code that needs it outside a request.

Without `DATABASE_REPLICA_URL` there is no `replica` alias and the router sends everything to the
primary, so the same code runs on one database. docs/deploy.md says when to add a replica.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPLICATED_APPS = frozenset({"catalog", "marketing", "reviews", "promotions"})
PIN_COOKIE = "marque_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_pinned = ContextVar("marque_reads_pinned_to_primary", default=False)


@contextmanager
def primary():
    """Every read inside goes to the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def in_transaction() -> bool:
    """Whether code is inside `transaction.atomic()` on the primary (a test case's own wrapping
    transaction does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connections[DEFAULT_DB_ALIAS].atomic_blocks)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Catalog reads to the replica, unless they must see the latest write (see the module)."""

    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label in REPLICATED_APPS
            and replica_configured()
            and not _pinned.get()
            and not in_transaction()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """Pins a request's reads to the primary when it writes, is in the admin, or follows a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        pinned = writes or request.path.startswith("/admin/") or PIN_COOKIE in request.COOKIES
        token = _pinned.set(pinned)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
