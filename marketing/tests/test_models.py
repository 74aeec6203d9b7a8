"""Banners: schedules the database keeps, one statistics row per banner, market and day, and CTR."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketing.models import Banner, BannerStat, click_through_rate
from marketing.tests.factories import BannerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)


def refused_by_database():
    return pytest.raises(IntegrityError)


# --- schedules ---------------------------------------------------------------------------------


def test_a_banner_cannot_end_before_it_starts():
    with refused_by_database(), transaction.atomic():
        BannerFactory(start_date=NOW, end_date=NOW - DAY)


def test_a_banner_cannot_end_the_moment_it_starts():
    with refused_by_database(), transaction.atomic():
        BannerFactory(start_date=NOW, end_date=NOW)


@pytest.mark.parametrize(
    ("start", "end"),
    [(NOW, NOW + DAY), (None, NOW + DAY), (NOW, None), (None, None)],
    ids=["both", "end", "start", "open"],
)
def test_a_schedule_that_ends_after_it_starts_or_is_open_is_kept(start, end):
    banner = BannerFactory(start_date=start, end_date=end)
    banner.refresh_from_db()
    assert (banner.start_date, banner.end_date) == (start, end)


def test_live_banners_are_active_and_inside_their_schedule():
    showing = BannerFactory(start_date=NOW - DAY, end_date=NOW + DAY)
    unscheduled = BannerFactory()
    BannerFactory(start_date=NOW + DAY)  # not yet
    BannerFactory(start_date=NOW - 2 * DAY, end_date=NOW - DAY)  # over
    BannerFactory(is_active=False)
    assert set(Banner.objects.live(at=NOW)) == {showing, unscheduled}


# --- statistics --------------------------------------------------------------------------------


def test_one_statistics_row_per_banner_market_and_day():
    banner = BannerFactory()
    today = NOW.date()
    BannerStat.objects.create(banner=banner, market="KG", date=today)
    with refused_by_database(), transaction.atomic():
        BannerStat.objects.create(banner=banner, market="KG", date=today)


def test_the_same_banner_has_a_row_per_market_and_per_day():
    banner = BannerFactory()
    today = NOW.date()
    BannerStat.objects.create(banner=banner, market="KG", date=today)
    BannerStat.objects.create(banner=banner, market="US", date=today)
    BannerStat.objects.create(banner=banner, market="KG", date=today - DAY)
    BannerStat.objects.create(banner=BannerFactory(), market="KG", date=today)
    assert BannerStat.objects.count() == 4


# --- click-through rate ------------------------------------------------------------------------


def test_a_banner_never_seen_has_a_ctr_of_zero():
    banner = BannerFactory(view_count=0, click_count=0)
    assert banner.ctr == Decimal("0.00")


def test_ctr_is_clicks_per_hundred_views_to_the_hundredth():
    assert BannerFactory(view_count=200, click_count=3).ctr == Decimal("1.50")
    assert BannerFactory(view_count=3, click_count=1).ctr == Decimal("33.33")
    assert BannerFactory(view_count=3, click_count=2).ctr == Decimal("66.67")


def test_a_days_statistics_have_their_own_ctr():
    stat = BannerStat(banner=BannerFactory(), market="US", date=NOW.date(), views=400, clicks=10)
    assert stat.ctr == Decimal("2.50")
    assert BannerStat(views=0, clicks=0).ctr == Decimal("0.00")


def test_click_through_rate_is_a_decimal_never_a_float():
    assert isinstance(click_through_rate(1, 7), Decimal)
    assert click_through_rate(1, 7) == Decimal("14.29")
