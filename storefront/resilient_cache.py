"""Redis as a cache the shop can lose: a dead Redis costs milliseconds and a few log lines, never a 500.

`ResilientRedisCache` is Django's Redis backend with three guards:

- short timeouts on the client (OPTIONS `CONNECT_TIMEOUT`, `SOCKET_TIMEOUT`, from
  `REDIS_CONNECT_TIMEOUT`, `REDIS_SOCKET_TIMEOUT`) and no retries
  inside redis-py, so one unreachable Redis costs at most one timeout;
- a circuit breaker per Redis server and process: after a failure every call skips Redis for
  `REDIS_BREAKER_SECONDS`, then one call tries again (no retry storm from every worker and every
  cache call of a page); the first success closes it, so the shop recovers by itself;
- what a call does while Redis is away depends on what it is for. A read is a miss (`get` gives
  the default, `get_many` nothing, `get_or_set` computes the value from the database); a write
  or a delete is dropped (the value would only have been a copy) and its key remembered, to be
  deleted once Redis answers again, so an exchange rate, a menu or a page-cache version changed
  meanwhile does not come back old. Calls whose answer is a decision, `add` (a lock or a
  first-writer-wins claim), `incr` and `decr` (a counter such as a rate limit) and `clear`, raise
  `CacheUnavailable` instead, because pretending would let something through: allauth's rate
  limits take a lock with `add`, so sign-in refuses while they cannot be counted.

A cache alias with `"STRICT": True` in its OPTIONS raises `CacheUnavailable` for every call while
Redis is away: the sessions alias is strict, so `storefront.sessions` can fail a session write
closed rather than leave a stale copy behind (see docs/architecture.md, "When a service is down").
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from storefront.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

_MISSING = object()
# Keys remembered while Redis is away; past that, old values expire by their own timeouts.
MAX_MISSED_KEYS = 10_000


class CacheUnavailable(ServiceUnavailable):
    """Redis cannot be reached (or was not, a moment ago), and this call cannot pretend it could."""

    service = "cache"


class Breaker:
    """After a failure, calls skip the server for `seconds`; the next success closes it again."""

    def __init__(self, server):
        self.server = server
        self.open_until = 0.0
        self.tripped = False
        # Keys written or deleted while the server was away (an exchange rate or a menu changed, a
        # version key renewed); they are deleted once it answers, so no old value comes back.
        self.missed_keys: set[str] = set()
        self._lock = threading.Lock()

    def is_open(self):
        return time.monotonic() < self.open_until

    def trip(self, seconds, error):
        with self._lock:
            first = not self.tripped
            self.tripped = True
            self.open_until = time.monotonic() + seconds
        if first:
            logger.error(
                "Redis at %s is unreachable (%s); the cache is skipped for %ss at a time until it answers.",
                self.server,
                error.__class__.__name__,
                seconds,
            )

    def miss_keys(self, keys):
        with self._lock:
            if len(self.missed_keys) < MAX_MISSED_KEYS:
                self.missed_keys.update(keys)

    def close(self):
        """Mark the server reachable; the keys it missed meanwhile, to delete now."""
        if not self.tripped:
            return set()
        with self._lock:
            was_tripped, self.tripped, self.open_until = self.tripped, False, 0.0
            missed, self.missed_keys = self.missed_keys, set()
        if was_tripped:
            logger.warning("Redis at %s answers again; the cache is back in use.", self.server)
        return missed


# One breaker per Redis server in this process, shared by the aliases that point at it.
_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(server) -> Breaker:
    key = str(server)
    with _breakers_lock:
        return _breakers.setdefault(key, Breaker(key))


def _raise():
    raise CacheUnavailable()


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache call; building one fills its table of reply
    callbacks (some 170 entries), a tenth of a millisecond each time, several times per page.
    A `redis.Redis` is safe to share between threads (each command takes its own connection from
    the pool), so one per pool is kept instead.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.strict = bool(options.pop("STRICT", False))
        self.breaker_seconds = float(options.pop("BREAKER_SECONDS", 5))
        # Short timeouts and no retries inside redis-py: the breaker decides when to try again.
        options.update(
            socket_connect_timeout=float(options.pop("CONNECT_TIMEOUT", 0.25)),
            socket_timeout=float(options.pop("SOCKET_TIMEOUT", 0.5)),
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
        )
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = KeptClientRedisCacheClient
        self.breaker = breaker_for(server)

    def _guarded(self, call, fallback):
        """Run `call` against Redis unless the breaker is open; on failure trip it and fall back."""
        if self.breaker.is_open():
            return self._unavailable(fallback)
        try:
            result = call()
        except (RedisError, OSError) as error:
            self.breaker.trip(self.breaker_seconds, error)
            return self._unavailable(fallback)
        missed = self.breaker.close()
        if missed:
            self._delete_missed(missed)
        return result

    def _delete_missed(self, keys):
        try:
            self._cache.delete_many(list(keys))
        except (RedisError, OSError):
            logger.warning("Redis left again before the keys it missed were deleted.", exc_info=True)
            self.breaker.miss_keys(keys)

    def _unavailable(self, fallback):
        if self.strict:
            raise CacheUnavailable()
        return fallback()

    # Reads: a miss.
    def get(self, key, default=None, version=None):
        return self._guarded(lambda: super(ResilientRedisCache, self).get(key, default, version), lambda: default)

    def get_many(self, keys, version=None):
        return self._guarded(lambda: super(ResilientRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._guarded(lambda: super(ResilientRedisCache, self).has_key(key, version), lambda: False)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, _MISSING, version=version)
        if value is not _MISSING:
            return value
        value = default() if callable(default) else default
        try:
            self.add(key, value, timeout=timeout, version=version)
        except CacheUnavailable:
            return value
        # Another server may have added its value between the get() and the add(): that one wins.
        return self.get(key, value, version=version)

    # Writes and deletes: dropped now, the key deleted once Redis answers (no old value survives).
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self._missed([key], version, None),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self._missed(data, version, list(data)),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        return self._guarded(
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self._missed([key], version, False),
        )

    def delete_many(self, keys, version=None):
        return self._guarded(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._missed(keys, version, None),
        )

    def _missed(self, keys, version, answer):
        self.breaker.miss_keys(self.make_and_validate_key(key, version=version) for key in keys)
        return answer

    # Decisions: refused.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), _raise)

    def incr(self, key, delta=1, version=None):
        return self._guarded(lambda: super(ResilientRedisCache, self).incr(key, delta, version), _raise)

    def clear(self):
        return self._guarded(lambda: super(ResilientRedisCache, self).clear(), _raise)
