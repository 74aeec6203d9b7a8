"""The banners API: the live banners of the caller's market in the home page's order, by type, with the
target link and the signed click-through URL the storefront uses to count clicks."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.tests.conftest import authed
from marketing.tests.factories import BannerFactory
from marketing.tracking import flush_banner_stats

pytestmark = pytest.mark.django_db

BANNERS = "/api/v1/banners"
HERO = "/api/v1/banners/hero"
PROMO = "/api/v1/banners/promo"


def titles(response):
    assert response.status_code == 200, response.content
    return [banner["title"] for banner in response.json()]


@pytest.fixture
def banners(db):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return {
        "hero_all": BannerFactory(title="Hero all", sort_order=2),
        "hero_kg": BannerFactory(title="Hero KG", market="KG", sort_order=1),
        "hero_us": BannerFactory(title="Hero US", market="US"),
        "promo_kg": BannerFactory(title="Promo KG", banner_type="promo", market="KG"),
        "category": BannerFactory(title="Category all", banner_type="category", sort_order=4),
        "scheduled_now": BannerFactory(title="Running", start_date=now - day, end_date=now + day, sort_order=3),
        "future": BannerFactory(title="Future", start_date=now + day),
        "ended": BannerFactory(title="Ended", end_date=now - day, start_date=now - 2 * day),
        "off": BannerFactory(title="Switched off", is_active=False),
    }


def test_banners_are_the_live_ones_of_the_market_in_the_home_page_order(api_client, client, banners):
    response = api_client.get(BANNERS)

    home = client.get("/kg/").context
    web = [b.title for b in [*home["hero_banners"], *home["promo_banners"], *home["category_banners"]]]
    assert sorted(titles(response)) == sorted(web)
    assert titles(response) == ["Promo KG", "Hero KG", "Hero all", "Running", "Category all"]
    assert titles(api_client.get(BANNERS, {"market": "US"})) == ["Hero US", "Hero all", "Running", "Category all"]


def test_hero_and_promo_banners_are_the_home_page_slots(api_client, client, banners):
    home = client.get("/kg/").context

    assert titles(api_client.get(HERO)) == [b.title for b in home["hero_banners"]]
    assert titles(api_client.get(PROMO)) == [b.title for b in home["promo_banners"]]
    assert titles(api_client.get(BANNERS, {"type": "category"})) == [b.title for b in home["category_banners"]]
    assert titles(api_client.get(PROMO, {"market": "US"})) == []


def test_a_signed_in_caller_gets_the_banners_of_their_own_market(banners, us_shopper):
    assert titles(authed(us_shopper).get(HERO, {"market": "KG"})) == ["Hero US", "Hero all", "Running"]


@pytest.mark.parametrize("url", [BANNERS, HERO, PROMO])
def test_an_unknown_market_is_a_400(api_client, banners, url):
    response = api_client.get(url, {"market": "XX"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_market"


@pytest.mark.parametrize("banner_type", ["", "HERO", "popup"])
def test_an_unknown_banner_type_is_a_400(api_client, banners, banner_type):
    response = api_client.get(BANNERS, {"type": banner_type})

    assert response.status_code == 400
    assert "type" in response.json()["error"]["details"]


def test_a_banner_carries_its_picture_texts_and_links(api_client, db):
    banner = BannerFactory(
        title="Linen week",
        subtitle="Light layers",
        alt_text="",
        button_text="Shop linen",
        link_url="/kg/c/linen/",
        image_url="https://cdn.example.com/linen.jpg",
    )

    (body,) = api_client.get(BANNERS).json()

    assert body["id"] == banner.pk
    assert body["type"] == "hero"
    assert (body["title"], body["subtitle"], body["button_text"]) == ("Linen week", "Light layers", "Shop linen")
    assert body["alt_text"] == "Linen week"
    assert body["image"] == "https://cdn.example.com/linen.jpg"
    assert body["link"] == "/kg/c/linen/"
    assert body["click_url"].startswith("http://testserver/kg/b/c/")
    assert (body["start_date"], body["end_date"]) == (None, None)


def test_the_click_url_counts_the_click_and_leads_to_the_link(api_client, client, db):
    banner = BannerFactory(link_url="/kg/c/linen/")
    click = api_client.get(BANNERS).json()[0]["click_url"]

    response = client.get(click)
    flush_banner_stats()

    assert response.status_code == 302
    assert response["Location"] == "/kg/c/linen/"
    banner.refresh_from_db()
    assert banner.click_count == 1


def test_the_click_url_is_signed_for_the_callers_market(api_client, us_shopper, db):
    BannerFactory(link_url="/us/")

    assert "/us/b/c/" in authed(us_shopper).get(BANNERS).json()[0]["click_url"]


@pytest.mark.parametrize("link", ["", "https://evil.example.com/", "javascript:alert(1)", "//evil.example.com"])
def test_a_banner_leading_nowhere_or_off_site_offers_no_link(api_client, db, link):
    BannerFactory(link_url=link)

    (body,) = api_client.get(BANNERS).json()

    assert (body["link"], body["click_url"]) == (None, None)


def test_a_banner_may_lead_to_an_allowed_host(api_client, db, settings):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.example.com"]
    BannerFactory(link_url="https://lookbook.example.com/summer")

    (body,) = api_client.get(BANNERS).json()

    assert body["link"] == "https://lookbook.example.com/summer"
    assert body["click_url"]


def test_an_uploaded_picture_is_an_absolute_url(api_client, db):
    BannerFactory(image_url="", image="banners/linen.jpg")

    (body,) = api_client.get(BANNERS).json()

    assert body["image"].startswith("http://testserver/")
    assert body["image"].endswith("banners/linen.jpg")


@pytest.mark.parametrize("url", [BANNERS, HERO, PROMO])
def test_banners_make_as_many_queries_for_thirty_as_for_one(api_client, db, url):
    BannerFactory(banner_type="promo" if url == PROMO else "hero")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(url).status_code == 200
        return len(queries)

    one = count()
    for n in range(30):
        BannerFactory(banner_type=["hero", "promo", "category"][n % 3], market=["KG", "ALL"][n % 2])

    assert count() == one <= 2
