"""Versions of what the shared cache keeps: entries are keyed (or tagged) with the current version
under a key of its own, and a new version leaves every entry of the old one unread until it expires.

Used by the listing facet counts (`catalog.facets`) and staff permissions
(`storefront.permission_cache`); the shared pages' version also carries the moment it ends
(`storefront.page_cache`). With Redis away these calls answer None instead of raising: no version
to key by, so callers read from the database.
"""

import logging
import uuid

from django.core.cache import cache

from storefront.resilient_cache import CacheUnavailable

logger = logging.getLogger(__name__)


def current(key):
    """The version kept under `key`, started when there is none (several servers may start one at
    once; the first written wins); None when the cache cannot be reached."""
    version = call_quietly(cache.get, key)
    if version is None:
        version = _new()
        if not call_quietly(cache.add, key, version, None):
            version = call_quietly(cache.get, key)
    return version


def renew(key):
    """Start a new version under `key`: whatever was kept under the old one is read afresh."""
    call_quietly(cache.set, key, _new(), None)


def _new():
    return uuid.uuid4().hex[:12]


def call_quietly(method, *args):
    """`method(*args)` of the cache, or None when the cache cannot be reached (logged once a call)."""
    try:
        return method(*args)
    except CacheUnavailable:
        return None  # Redis is away; storefront.resilient_cache has said so once.
    except Exception:
        logger.warning("The cache is unreachable; what it keeps is read from the database.", exc_info=True)
        return None
