"""Banner impressions and clicks: counted in the cache, rolled up per banner, market and day.

A busy homepage must not make every request write to the same database row, so a request only
increments cache counters (one per kind, banner, market and day). `flush_banner_stats` moves them
into `BannerStat` rows and the banners' running totals; it is enqueued at most once a minute after
a count is recorded, and the `flush_banner_stats` management command does the same from cron.

Pending counters are found through an index per day kept in the cache: the request that creates a
counter takes the next slot number of that day (`cache.incr`, atomic in locmem and Redis) and
stores the counter's identity in the slot, so no read-modify-write of a shared list can lose one.
A flush reads each counter and decrements it by exactly what it read, so counts arriving while it
runs stay for the next flush; a cache lock keeps two flushes from reading the same counts.

The counters live in the cache: a counter evicted or expired before a flush is lost, so the cache
must be shared by the web processes and the task worker (Redis in production; the in-process
cache only works with the immediate task backend, which flushes in the process that counted).
"""

import contextlib
import datetime
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from marketing.models import Banner, BannerStat
from storefront.background import enqueue_after_commit
from storefront.market_urls import path_in_market
from storefront.markets import Market, MarketConfig

CLICK_SALT = "marketing.banner-click"
MAX_IMPRESSIONS_PER_REQUEST = 20
VIEWS, CLICKS = "views", "clicks"

KEY_PREFIX = "marketing:banner-stats"
FLUSH_SCHEDULED_KEY = f"{KEY_PREFIX}:flush-scheduled"
FLUSH_SCHEDULE_SECONDS = 60
FLUSH_LOCK_KEY = f"{KEY_PREFIX}:flush-lock"
FLUSH_LOCK_SECONDS = 5 * 60
# Counts wait at most this long for a flush; the flush looks this many days back.
BUFFER_DAYS = 7
BUFFER_SECONDS = (BUFFER_DAYS + 1) * 24 * 60 * 60


# Click-through links ---------------------------------------------------------------------------


def click_url(banner, market: MarketConfig) -> str:
    """The signed click-through URL of `banner` as shown in `market` (`/kg/b/c/<token>/`)."""
    token = signing.dumps([banner.pk, market.code], salt=CLICK_SALT, compress=False)
    return reverse("marketing:banner_click", kwargs={"market": market.code, "token": token})


def read_click_token(token: str) -> tuple[int, str]:
    """(banner id, market code) signed into `token`; `signing.BadSignature` for anything forged."""
    payload = signing.loads(token, salt=CLICK_SALT)
    try:
        banner_id, code = payload
        return int(banner_id), Market(code).value
    except (TypeError, ValueError):
        # Signed by us, so never expected; still refused rather than a server error.
        raise signing.BadSignature("Malformed banner click token.") from None


def impressions_url(market: MarketConfig) -> str:
    """Where the storefront posts the banners it showed in `market`."""
    return reverse("marketing:banner_impressions", kwargs={"market": market.code})


def market_home_url(market: MarketConfig) -> str:
    """The home page of `market` (`/kg/`)."""
    return get_script_prefix().rstrip("/") + path_in_market("/", market)


def is_allowed_target(url: str, request) -> bool:
    """Whether a banner may send a shopper to `url`: a path on this site or an allowed host.

    Hosts are this request's host and `settings.BANNER_ALLOWED_HOSTS`; on HTTPS an absolute URL
    must be HTTPS too. `javascript:`, `data:`, protocol-relative `//host` and backslash tricks fail.
    """
    url = (url or "").strip()
    if not url.startswith("/") and not url.lower().startswith(("http://", "https://")):
        # A relative path would resolve against the click URL; any other scheme is not a web page.
        return False
    allowed_hosts = {request.get_host(), *getattr(settings, "BANNER_ALLOWED_HOSTS", [])}
    return url_has_allowed_host_and_scheme(url, allowed_hosts=allowed_hosts, require_https=request.is_secure())


# Recording -------------------------------------------------------------------------------------


def record_impressions(banner_ids, market: MarketConfig) -> int:
    """Count one view of each live banner of `market` among `banner_ids`; returns how many counted.

    At most one query (the liveness check); the counts go to the cache, never to a row.
    """
    code = market.code
    wanted = list(dict.fromkeys(int(pk) for pk in banner_ids))[:MAX_IMPRESSIONS_PER_REQUEST]
    if not wanted:
        return 0
    live_ids = list(Banner.objects.live().for_market(market).filter(pk__in=wanted).values_list("pk", flat=True))
    day = timezone.localdate()
    for banner_id in live_ids:
        _count(VIEWS, banner_id, code, day)
    if live_ids:
        schedule_flush()
    return len(live_ids)


def record_click(banner, market: MarketConfig) -> None:
    """Count one click on `banner` in `market` (in the cache; the caller checked it is live)."""
    _count(CLICKS, banner.pk, market.code, timezone.localdate())
    schedule_flush()


def schedule_flush() -> None:
    """Enqueue a flush once the current transaction commits, at most once a minute."""
    if cache.add(FLUSH_SCHEDULED_KEY, True, FLUSH_SCHEDULE_SECONDS):
        # A task backend that is down must not turn a shopper's request into an error.
        enqueue_after_commit("marketing.tasks.flush_banner_stats_task")


def _counter_key(kind, banner_id, code, day_iso):
    return f"{KEY_PREFIX}:{kind}:{day_iso}:{code}:{banner_id}"


def _index_key(day_iso):
    return f"{KEY_PREFIX}:index:{day_iso}"


def _count(kind, banner_id, code, day):
    day_iso = day.isoformat()
    key = _counter_key(kind, banner_id, code, day_iso)
    for _attempt in range(3):
        try:
            cache.incr(key)
            return
        except ValueError:
            # No counter yet (first count of the day, or evicted): whoever creates it indexes it.
            if cache.add(key, 1, BUFFER_SECONDS):
                _index_counter((kind, banner_id, code, day_iso))
                return


def _index_counter(counter):
    index_key = _index_key(counter[3])
    cache.add(index_key, 0, BUFFER_SECONDS)
    try:
        slot = cache.incr(index_key)
    except ValueError:  # the index expired in between; start it again
        cache.add(index_key, 1, BUFFER_SECONDS)
        slot = 1
    cache.set(f"{index_key}:{slot}", counter, BUFFER_SECONDS)


# Flushing --------------------------------------------------------------------------------------


def flush_banner_stats() -> int:
    """Move buffered views and clicks into BannerStat rows and Banner totals; returns how many moved.

    Every count is moved exactly once: a counter is decremented by the value read, so counts
    recorded meanwhile wait for the next flush, and counts are given back if the write fails.
    """
    if not cache.add(FLUSH_LOCK_KEY, True, FLUSH_LOCK_SECONDS):
        return 0  # another flush is running; it or the next one takes these counts
    try:
        claimed = _claim_counts()
        if not claimed:
            return 0
        try:
            return _write_counts(claimed)
        except BaseException:
            _give_back(claimed)
            raise
    finally:
        cache.delete(FLUSH_LOCK_KEY)


def _claim_counts():
    """{counter: count} of every pending counter, each decremented by the count taken."""
    today = timezone.localdate()
    # Counters are dated in the market's time zone, which may already be in tomorrow (Bishkek is
    # six hours ahead of UTC), so the flush looks one day ahead as well as back.
    days = [(today - datetime.timedelta(days=back)).isoformat() for back in range(-1, BUFFER_DAYS + 1)]
    index_sizes = cache.get_many([_index_key(day_iso) for day_iso in days])
    slot_keys = [f"{index_key}:{slot}" for index_key, size in index_sizes.items() for slot in range(1, size + 1)]
    counters = set(cache.get_many(slot_keys).values())
    keys = {_counter_key(*counter): counter for counter in counters}
    claimed = {}
    for key, value in cache.get_many(list(keys)).items():
        if value > 0:
            # A counter that expired just after the read: what was read is still ours alone.
            with contextlib.suppress(ValueError):
                cache.decr(key, value)
            claimed[keys[key]] = value
    return claimed


def _give_back(claimed):
    for counter, value in claimed.items():
        key = _counter_key(*counter)
        try:
            cache.incr(key, value)
        except ValueError:
            cache.add(key, value, BUFFER_SECONDS)


def _write_counts(claimed):
    rows = defaultdict(lambda: {VIEWS: 0, CLICKS: 0})
    for (kind, banner_id, code, day_iso), value in claimed.items():
        rows[banner_id, code, datetime.date.fromisoformat(day_iso)][kind] += value
    totals = defaultdict(lambda: {VIEWS: 0, CLICKS: 0})
    moved = 0
    with transaction.atomic():
        # Locking the banners keeps them from being deleted under the new rows; a deleted
        # banner's counts are dropped with it.
        banner_ids = {banner_id for banner_id, _code, _day in rows}
        existing = set(
            Banner.objects.select_for_update().filter(pk__in=banner_ids).order_by("pk").values_list("pk", flat=True)
        )
        for (banner_id, code, day), counts in sorted(rows.items()):
            if banner_id not in existing:
                continue
            stat, created = BannerStat.objects.get_or_create(
                banner_id=banner_id, market=code, date=day, defaults=dict(counts)
            )
            if not created:
                BannerStat.objects.filter(pk=stat.pk).update(
                    views=F("views") + counts[VIEWS], clicks=F("clicks") + counts[CLICKS]
                )
            totals[banner_id][VIEWS] += counts[VIEWS]
            totals[banner_id][CLICKS] += counts[CLICKS]
            moved += counts[VIEWS] + counts[CLICKS]
        for banner_id, counts in sorted(totals.items()):
            Banner.objects.filter(pk=banner_id).update(
                view_count=F("view_count") + counts[VIEWS], click_count=F("click_count") + counts[CLICKS]
            )
    return moved
