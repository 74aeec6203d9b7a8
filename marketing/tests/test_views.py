import datetime

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.template import Context, Template
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from marketing.models import Banner, BannerStat
from marketing.tests.factories import BannerFactory
from marketing.tracking import click_url, flush_banner_stats, read_click_token
from storefront.markets import MARKETS, get_market

pytestmark = [pytest.mark.django_db, pytest.mark.urls("marketing.tests.urls")]

IMPRESSIONS_KG = "/kg/b/impressions/"


def counts(banner):
    banner = Banner.objects.get(pk=banner.pk)
    return banner.view_count, banner.click_count


# Clicks ----------------------------------------------------------------------------------------


def test_click_redirects_to_a_local_path_and_counts_after_the_flush(client):
    banner = BannerFactory(market="KG", link_url="/kg/c/shoes/")

    response = client.get(click_url(banner, MARKETS["KG"]))

    assert response.status_code == 302
    assert response["Location"] == "/kg/c/shoes/"
    assert counts(banner) == (0, 0)
    assert not BannerStat.objects.exists()

    flush_banner_stats()

    assert counts(banner) == (0, 1)
    stat = BannerStat.objects.get(banner=banner, market="KG", date=timezone.localdate())
    assert stat.clicks == 1


def test_click_redirects_to_an_allowed_host(client, settings):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.example"]
    banner = BannerFactory(link_url="https://lookbook.example/spring")

    response = client.get(click_url(banner, MARKETS["US"]))

    assert response.status_code == 302
    assert response["Location"] == "https://lookbook.example/spring"
    flush_banner_stats()
    assert BannerStat.objects.get(banner=banner).market == "US"


@pytest.mark.parametrize(
    "link_url",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "data:text/html,hi"],
)
def test_click_to_a_foreign_target_is_refused_and_not_counted(client, settings, link_url):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.example"]
    banner = BannerFactory(link_url=link_url)

    response = client.get(click_url(banner, MARKETS["KG"]))

    assert response.status_code == 400
    assert "Location" not in response
    assert "not followed" in response.text
    assert "evil" not in response.text
    flush_banner_stats()
    assert counts(banner) == (0, 0)
    assert not BannerStat.objects.exists()


@pytest.mark.parametrize(
    "make_token",
    [
        lambda banner: "not-a-token",
        lambda banner: signing.dumps([banner.pk, "KG"], salt="somewhere-else", compress=False),
        lambda banner: signing.dumps(banner.pk, salt="marketing.banner-click"),
        lambda banner: click_url(banner, MARKETS["KG"]).split("/")[-2][:-2] + "xx",
    ],
    ids=["garbage", "other-salt", "malformed-payload", "tampered"],
)
def test_forged_click_token_is_not_found(client, make_token):
    banner = BannerFactory(link_url="/kg/c/shoes/")

    response = client.get(f"/kg/b/c/{make_token(banner)}/")

    assert response.status_code == 404
    assert "Location" not in response
    flush_banner_stats()
    assert counts(banner) == (0, 0)


@pytest.mark.parametrize(
    "banner_fields",
    [
        {"is_active": False},
        {"end_date": timezone.now() - datetime.timedelta(hours=1)},
        {"start_date": timezone.now() + datetime.timedelta(hours=1)},
        {"market": "US"},
    ],
    ids=["switched-off", "ended", "not-started", "other-market"],
)
def test_click_on_a_banner_no_longer_shown_goes_home_uncounted(client, banner_fields):
    banner = BannerFactory(link_url="/kg/c/shoes/", **banner_fields)

    response = client.get(click_url(banner, MARKETS["KG"]))

    assert response.status_code == 302
    assert response["Location"] == "/kg/"
    flush_banner_stats()
    assert counts(banner) == (0, 0)


def test_click_through_is_not_cached(client):
    banner = BannerFactory(link_url="/kg/")

    response = client.get(click_url(banner, MARKETS["KG"]))

    assert "no-cache" in response["Cache-Control"]


# Impressions -----------------------------------------------------------------------------------


def test_impressions_of_banners_not_shown_in_the_market_are_ignored(client):
    us_only = BannerFactory(market="US")
    kg_only = BannerFactory(market="KG")
    everywhere = BannerFactory(market="ALL")

    response = client.post(IMPRESSIONS_KG, {"ids": [us_only.pk, kg_only.pk, everywhere.pk]})

    assert response.status_code == 204
    flush_banner_stats()
    assert counts(us_only) == (0, 0)
    assert set(BannerStat.objects.values_list("banner_id", "market", "views")) == {
        (kg_only.pk, "KG", 1),
        (everywhere.pk, "KG", 1),
    }


def test_three_posts_then_one_flush_give_exact_counts(client):
    hero, promo = BannerFactory(), BannerFactory()

    for _page_view in range(3):
        assert client.post(IMPRESSIONS_KG, {"ids": [hero.pk, promo.pk]}).status_code == 204
    client.post("/us/b/impressions/", {"ids": [hero.pk]})

    assert flush_banner_stats() == 7
    assert counts(hero) == (4, 0)
    assert counts(promo) == (3, 0)
    assert BannerStat.objects.get(banner=hero, market="KG").views == 3
    assert BannerStat.objects.get(banner=hero, market="US").views == 1

    assert flush_banner_stats() == 0
    assert counts(hero) == (4, 0)


def test_impressions_accept_a_json_body(client):
    banner = BannerFactory()

    response = client.post(IMPRESSIONS_KG, {"ids": [banner.pk, str(banner.pk)]}, content_type="application/json")

    assert response.status_code == 204
    flush_banner_stats()
    assert counts(banner) == (1, 0)


def test_impressions_require_post(client):
    response = client.get(IMPRESSIONS_KG, {"ids": [1]})

    assert response.status_code == 405


def test_impressions_require_the_csrf_token():
    banner = BannerFactory()
    browser = Client(enforce_csrf_checks=True)
    secret = get_random_string(32)
    browser.cookies[django_settings.CSRF_COOKIE_NAME] = secret

    refused = browser.post(IMPRESSIONS_KG, {"ids": [banner.pk]})
    # What banners.js sends: the token from <body hx-headers> as a form field of the beacon.
    accepted = browser.post(IMPRESSIONS_KG, {"ids": [banner.pk], "csrfmiddlewaretoken": secret})
    as_header = browser.post(
        IMPRESSIONS_KG, {"ids": [banner.pk]}, content_type="application/json", headers={"X-CSRFToken": secret}
    )

    assert refused.status_code == 403
    assert (accepted.status_code, as_header.status_code) == (204, 204)
    flush_banner_stats()
    assert counts(banner) == (2, 0)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"ids": ["abc"]}, None),
        ({"ids": ["1; DROP TABLE"]}, None),
        ({"ids": ["-1"]}, None),
        ({"ids": ["99999999999999999999999"]}, None),
        ({"ids": [str(n) for n in range(1, 22)]}, None),
        ({"ids": [1.5]}, "application/json"),
        ({"ids": [True]}, "application/json"),
        ({"ids": "1,2"}, "application/json"),
        ([1, 2], "application/json"),
        ("{not json", "application/json"),
    ],
)
def test_bad_banner_ids_are_a_bad_request(client, body, content_type):
    banner = BannerFactory()
    if content_type is None:
        response = client.post(IMPRESSIONS_KG, body)
    else:
        response = client.post(IMPRESSIONS_KG, body, content_type=content_type)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.text
    flush_banner_stats()
    assert counts(banner) == (0, 0)


def test_no_ids_is_accepted_and_counts_nothing(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.post(IMPRESSIONS_KG)

    assert response.status_code == 204


def test_impressions_view_query_budget(client, django_assert_max_num_queries):
    ids = [b.pk for b in BannerFactory.create_batch(20)]

    with django_assert_max_num_queries(3):
        response = client.post(IMPRESSIONS_KG, {"ids": ids})

    assert response.status_code == 204


def test_impressions_view_query_budget_for_a_signed_in_shopper(client, kg_shopper, django_assert_max_num_queries):
    ids = [b.pk for b in BannerFactory.create_batch(20)]
    client.force_login(kg_shopper)

    with django_assert_max_num_queries(3):
        response = client.post(IMPRESSIONS_KG, {"ids": ids})

    assert response.status_code == 204
    flush_banner_stats()
    assert BannerStat.objects.filter(views=1).count() == 20


# Template tags ---------------------------------------------------------------------------------


def test_template_tags_give_the_urls_of_the_shoppers_market(rf, client):
    banner = BannerFactory(link_url="/us/c/shoes/")
    request = rf.get("/us/")
    request.market = get_market("US")

    rendered = Template(
        '{% load banners %}<body data-banner-impressions-url="{% banner_impressions_url %}">'
        '<a data-banner-id="{{ banner.id }}" href="{% banner_click_url banner %}">'
    ).render(Context({"request": request, "banner": banner}))

    assert 'data-banner-impressions-url="/us/b/impressions/"' in rendered
    href = rendered.split('href="')[1].split('"')[0]
    assert href.startswith("/us/b/c/")
    assert read_click_token(href.split("/")[-2]) == (banner.pk, "US")
    assert client.get(href)["Location"] == "/us/c/shoes/"
