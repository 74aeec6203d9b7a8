import datetime
import io
import shutil
import socket
import subprocess
import time
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from marketing import tracking
from marketing.models import Banner, BannerStat
from marketing.tasks import flush_banner_stats_task
from marketing.tests.factories import BannerFactory
from marketing.tracking import (
    click_url,
    flush_banner_stats,
    is_allowed_target,
    read_click_token,
    record_click,
    record_impressions,
)
from storefront.markets import MARKETS
from storefront.tests.concurrency import run_at_once

pytestmark = [pytest.mark.django_db, pytest.mark.urls("marketing.tests.urls")]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private redis-server for this module, or a skip where Redis is not installed."""
    import redis

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        for _attempt in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """The default cache as the in-process cache, then as Redis: the counters work on both."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


def stat(banner, market="KG", date=None):
    return BannerStat.objects.get(banner=banner, market=market, date=date or timezone.localdate())


# Click links and targets -----------------------------------------------------------------------


def test_click_url_is_a_signed_link_under_the_market_prefix():
    banner = BannerFactory()

    url = click_url(banner, MARKETS["US"])

    assert url.startswith("/us/b/c/")
    token = url.removeprefix("/us/b/c/").removesuffix("/")
    assert read_click_token(token) == (banner.pk, "US")


def test_click_token_cannot_be_forged_for_another_banner():
    banner = BannerFactory()
    token = click_url(banner, MARKETS["KG"]).removeprefix("/kg/b/c/").removesuffix("/")
    forged = signing.dumps([banner.pk + 1, "KG"], salt="another-salt", compress=False)

    with pytest.raises(signing.BadSignature):
        read_click_token(token.replace(str(banner.pk), str(banner.pk + 1), 1) + "x")
    with pytest.raises(signing.BadSignature):
        read_click_token(forged)


@pytest.mark.parametrize(
    "url",
    [
        "/kg/c/shoes/",
        "/us/p/linen-shirt/?color=white#sizes",
        "http://testserver/kg/c/shoes/",
        "https://lookbook.example/spring",
        "http://lookbook.example/spring",
    ],
)
def test_local_paths_and_allowed_hosts_are_allowed_targets(rf, settings, url):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.example"]

    assert is_allowed_target(url, rf.get("/"))


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "https:///evil.example",
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:someone@evil.example",
        "https://lookbook.example@evil.example/",
        "https://evil.example\\@lookbook.example/",
        "shoes/",
        "",
    ],
)
def test_foreign_and_script_targets_are_refused(rf, settings, url):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.example"]

    assert not is_allowed_target(url, rf.get("/"))


def test_an_allowed_host_must_use_https_when_the_shop_does(rf, settings):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.example"]
    request = rf.get("/", secure=True)

    assert is_allowed_target("https://lookbook.example/spring", request)
    assert not is_allowed_target("http://lookbook.example/spring", request)
    assert is_allowed_target("/kg/c/shoes/", request)


def test_no_allowed_hosts_setting_means_this_site_only(rf, settings):
    del settings.BANNER_ALLOWED_HOSTS

    assert is_allowed_target("/kg/", rf.get("/"))
    assert not is_allowed_target("https://lookbook.example/spring", rf.get("/"))


# Recording -------------------------------------------------------------------------------------


def test_recording_writes_nothing_to_the_database_until_a_flush():
    banner = BannerFactory()

    record_impressions([banner.pk], MARKETS["KG"])
    record_click(banner, MARKETS["KG"])

    banner.refresh_from_db()
    assert (banner.view_count, banner.click_count) == (0, 0)
    assert not BannerStat.objects.exists()

    assert flush_banner_stats() == 2

    banner.refresh_from_db()
    assert (banner.view_count, banner.click_count) == (1, 1)
    assert (stat(banner).views, stat(banner).clicks) == (1, 1)


def test_impressions_count_only_banners_live_in_the_market():
    everywhere = BannerFactory(market="ALL")
    kyrgyz = BannerFactory(market="KG")
    american = BannerFactory(market="US")
    switched_off = BannerFactory(is_active=False)
    ended = BannerFactory(end_date=timezone.now() - datetime.timedelta(days=1))
    upcoming = BannerFactory(start_date=timezone.now() + datetime.timedelta(days=1))
    ids = [b.pk for b in (everywhere, kyrgyz, american, switched_off, ended, upcoming)] + [999_999]

    assert record_impressions(ids, MARKETS["KG"]) == 2
    flush_banner_stats()

    assert set(BannerStat.objects.values_list("banner_id", "market", "views")) == {
        (everywhere.pk, "KG", 1),
        (kyrgyz.pk, "KG", 1),
    }


def test_impressions_are_capped_per_request_and_counted_once_per_id():
    banners = BannerFactory.create_batch(25)
    ids = [b.pk for b in banners]

    assert record_impressions(ids + ids[:3], MARKETS["KG"]) == tracking.MAX_IMPRESSIONS_PER_REQUEST
    flush_banner_stats()

    assert BannerStat.objects.count() == tracking.MAX_IMPRESSIONS_PER_REQUEST
    assert set(BannerStat.objects.values_list("views", flat=True)) == {1}


def test_recording_impressions_makes_at_most_one_query(django_assert_max_num_queries):
    ids = [b.pk for b in BannerFactory.create_batch(20)]

    with django_assert_max_num_queries(1):
        record_impressions(ids, MARKETS["KG"])
    with django_assert_max_num_queries(0):
        record_impressions([], MARKETS["KG"])


def test_recording_enqueues_one_flush_a_minute(django_capture_on_commit_callbacks):
    banner = BannerFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_impressions([banner.pk], MARKETS["KG"])
        record_click(banner, MARKETS["KG"])
        record_impressions([banner.pk], MARKETS["US"])
    # The immediate task backend ran the one flush when the transaction committed.
    assert len(callbacks) == 1
    assert stat(banner).views == 1

    cache.delete(tracking.FLUSH_SCHEDULED_KEY)  # a minute later
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_impressions([banner.pk], MARKETS["KG"])
    assert len(callbacks) == 1
    banner.refresh_from_db()
    assert (banner.view_count, banner.click_count) == (3, 1)


# Flushing --------------------------------------------------------------------------------------


def test_flush_rolls_counts_up_per_banner_market_and_day(any_cache):
    hero, promo = BannerFactory(), BannerFactory()
    for _request in range(3):
        record_impressions([hero.pk, promo.pk], MARKETS["KG"])
    record_impressions([hero.pk], MARKETS["US"])
    record_click(hero, MARKETS["KG"])
    record_click(hero, MARKETS["US"])
    record_click(hero, MARKETS["US"])

    assert flush_banner_stats() == 10

    assert (stat(hero, "KG").views, stat(hero, "KG").clicks) == (3, 1)
    assert (stat(hero, "US").views, stat(hero, "US").clicks) == (1, 2)
    assert (stat(promo, "KG").views, stat(promo, "KG").clicks) == (3, 0)
    hero.refresh_from_db()
    assert (hero.view_count, hero.click_count) == (4, 3)


def test_a_second_flush_adds_nothing(any_cache):
    banner = BannerFactory()
    record_impressions([banner.pk], MARKETS["KG"])
    record_click(banner, MARKETS["KG"])
    flush_banner_stats()

    assert flush_banner_stats() == 0
    assert flush_banner_stats() == 0

    banner.refresh_from_db()
    assert (banner.view_count, banner.click_count) == (1, 1)
    assert (stat(banner).views, stat(banner).clicks) == (1, 1)


def test_later_counts_add_to_the_same_day_row(any_cache):
    banner = BannerFactory()
    record_impressions([banner.pk], MARKETS["KG"])
    flush_banner_stats()
    record_impressions([banner.pk], MARKETS["KG"])
    record_impressions([banner.pk], MARKETS["KG"])
    record_click(banner, MARKETS["KG"])

    assert flush_banner_stats() == 3

    assert BannerStat.objects.count() == 1
    assert (stat(banner).views, stat(banner).clicks) == (3, 1)


def test_counts_of_an_earlier_day_are_flushed_into_that_day(monkeypatch):
    banner = BannerFactory()
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    monkeypatch.setattr(tracking.timezone, "localdate", lambda: yesterday)
    record_impressions([banner.pk], MARKETS["KG"])
    record_impressions([banner.pk], MARKETS["KG"])
    monkeypatch.setattr(tracking.timezone, "localdate", lambda: today)
    record_impressions([banner.pk], MARKETS["KG"])

    flush_banner_stats()

    assert stat(banner, date=yesterday).views == 2
    assert stat(banner, date=today).views == 1


def test_counts_dated_in_a_market_ahead_of_the_flush_are_flushed():
    # 20:00 in UTC is already tomorrow in Bishkek: a KG page counts under the KG date.
    banner = BannerFactory()
    evening = datetime.datetime(2026, 12, 4, 20, 0, tzinfo=datetime.UTC)
    with timezone.override("Asia/Bishkek"):
        bishkek_day = timezone.localdate(evening)
    with mock.patch("django.utils.timezone.now", return_value=evening), timezone.override("Asia/Bishkek"):
        record_impressions([banner.pk], MARKETS["KG"])
    with mock.patch("django.utils.timezone.now", return_value=evening), timezone.override("UTC"):
        assert flush_banner_stats() == 1

    assert bishkek_day == datetime.date(2026, 12, 5)
    assert stat(banner, date=bishkek_day).views == 1


def test_ctr_follows_the_flushed_counts():
    banner = BannerFactory()
    for _page_view in range(8):
        record_impressions([banner.pk], MARKETS["KG"])
    record_click(banner, MARKETS["KG"])
    record_click(banner, MARKETS["KG"])
    flush_banner_stats()

    banner.refresh_from_db()
    assert banner.ctr == Decimal("25.00")
    assert stat(banner).ctr == Decimal("25.00")


def test_counts_recorded_during_a_flush_wait_for_the_next_one(monkeypatch):
    banner = BannerFactory()
    record_impressions([banner.pk], MARKETS["KG"])
    write_counts = tracking._write_counts

    def write_while_a_shopper_scrolls(claimed):
        record_impressions([banner.pk], MARKETS["KG"])
        return write_counts(claimed)

    monkeypatch.setattr(tracking, "_write_counts", write_while_a_shopper_scrolls)
    assert flush_banner_stats() == 1
    assert stat(banner).views == 1

    monkeypatch.setattr(tracking, "_write_counts", write_counts)
    assert flush_banner_stats() == 1
    assert stat(banner).views == 2


def test_a_failed_flush_gives_its_counts_back(monkeypatch):
    banner = BannerFactory()
    record_impressions([banner.pk], MARKETS["KG"])
    record_click(banner, MARKETS["KG"])

    def database_down(claimed):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(tracking, "_write_counts", database_down)
    with pytest.raises(DatabaseError):
        flush_banner_stats()
    monkeypatch.undo()

    assert flush_banner_stats() == 2
    assert (stat(banner).views, stat(banner).clicks) == (1, 1)


def test_a_flush_waits_while_another_one_runs():
    banner = BannerFactory()
    record_impressions([banner.pk], MARKETS["KG"])
    cache.add(tracking.FLUSH_LOCK_KEY, True, 60)

    assert flush_banner_stats() == 0
    assert not BannerStat.objects.exists()

    cache.delete(tracking.FLUSH_LOCK_KEY)
    assert flush_banner_stats() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scheduled_flushes_at_once_move_each_count_once(any_cache):
    banners = [BannerFactory() for _ in range(3)]
    for _request in range(4):
        record_impressions([banner.pk for banner in banners], MARKETS["KG"])
    record_click(banners[0], MARKETS["KG"])

    moved = run_at_once([flush_banner_stats_task.call, flush_banner_stats_task.call])

    # One flush takes every pending count (the lock keeps the other out, or it finds nothing left).
    assert min(moved) == 0
    assert [(stat(banner).views, stat(banner).clicks) for banner in banners] == [(4, 1), (4, 0), (4, 0)]
    totals = Banner.objects.filter(pk__in=[banner.pk for banner in banners]).order_by("pk")
    assert list(totals.values_list("view_count", "click_count")) == [(4, 1), (4, 0), (4, 0)]
    assert flush_banner_stats() == 0


def test_counts_of_a_deleted_banner_are_dropped():
    kept, deleted = BannerFactory(), BannerFactory()
    record_impressions([kept.pk, deleted.pk], MARKETS["KG"])
    deleted.delete()

    assert flush_banner_stats() == 1

    assert list(BannerStat.objects.values_list("banner_id", flat=True)) == [kept.pk]
    assert flush_banner_stats() == 0


def test_flush_command_moves_the_buffered_counts():
    banner = BannerFactory()
    record_impressions([banner.pk], MARKETS["US"])
    out = io.StringIO()

    call_command("flush_banner_stats", stdout=out)

    assert "Moved 1 banner views and clicks" in out.getvalue()
    assert Banner.objects.get(pk=banner.pk).view_count == 1
    assert stat(banner, "US").views == 1
