"""One structured log line per request: its fields, and nothing a shopper typed (phone numbers, codes, queries)."""

import json
import logging

import pytest

from storefront.logging_requests import loggable_path
from storefront.tests.test_settings import start_django

PHONE = "996555123456"


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "storefront.requests"]


@pytest.mark.django_db
def test_a_signed_in_shoppers_request_is_one_line_with_its_fields(client, signed_in, caplog):
    with caplog.at_level(logging.INFO, logger="storefront.requests"):
        response = client.get("/kg/cart/")
    assert response.status_code == 200
    [record] = request_lines(caplog)
    assert record.fields == {
        "method": "GET",
        "path": "/kg/cart/",
        "status": 200,
        "duration_ms": pytest.approx(record.fields["duration_ms"]),
        "market": "KG",
        "user_id": signed_in.pk,
        "view": "checkout:cart_detail",
    }
    assert record.fields["duration_ms"] > 0
    assert record.getMessage().startswith("method=GET path=/kg/cart/ status=200 duration_ms=")
    assert f"market=KG user_id={signed_in.pk} view=checkout:cart_detail" in record.getMessage()


@pytest.mark.django_db
def test_a_visitors_request_has_no_user_and_the_market_of_its_url(client, caplog):
    with caplog.at_level(logging.INFO, logger="storefront.requests"):
        client.get("/us/cart/")
    [record] = request_lines(caplog)
    assert (record.fields["market"], record.fields["user_id"], record.fields["status"]) == ("US", None, 200)
    assert "user_id=-" in record.getMessage()


@pytest.mark.django_db
def test_phone_numbers_and_codes_in_the_url_or_query_never_reach_the_log(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get(f"/kg/search/?q=%2B{PHONE}&code=481516")
        client.get("/kg/p/+996 555 123 456/")
        client.get(f"/kg/p/{PHONE}/", {"phone": f"+{PHONE}"})
        client.get("/accounts/login/code/?code=481516")
    lines = request_lines(caplog)
    assert len(lines) == 4
    assert [record.fields["path"] for record in lines] == [
        "/kg/search/",
        "/kg/p/[masked]/",
        "/kg/p/[masked]/",
        "/accounts/login/code/",
    ]
    everything = caplog.text + " ".join(json.dumps(record.fields) for record in lines)
    for secret in (PHONE, "555 123 456", "481516", "code="):
        assert secret not in everything


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/kg/p/linen-wrap-dress/", "/kg/p/linen-wrap-dress/"),
        ("/kg/orders/MQ-7F3K9QX2/", "/kg/orders/MQ-7F3K9QX2/"),
        ("/admin/accounts/user/12345/change/", "/admin/accounts/user/12345/change/"),
        ("/x/+1 (212) 555-0188/", "/x/[masked]/"),
        ("/x/1-212-555-0188", "/x/[masked]"),
        ("/code/123456/", "/code/[masked]/"),
        ("/kg/b/c/AbC12dE34fG56hI78jK90lM/", "/kg/b/c/[masked]/"),
    ],
)
def test_the_logged_path_masks_phone_numbers_codes_and_tokens_and_keeps_the_rest(path, logged):
    assert loggable_path(path) == logged


def test_health_probes_are_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="storefront.requests"):
        client.get("/healthz")
    assert not request_lines(caplog)


def test_each_request_is_written_once_as_json_by_the_projects_logging_config():
    result = start_django(
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/healthz')\n"
        f"Client().get('/robots.txt?phone=%2B{PHONE}')\n",
        DEBUG="false",
        SECRET_KEY="a-real-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "storefront.requests" in line]
    assert len(lines) == 1, result.stderr
    entry = json.loads(lines[0])
    assert {key: entry[key] for key in ("level", "logger", "method", "path", "status", "view")} == {
        "level": "INFO",
        "logger": "storefront.requests",
        "method": "GET",
        "path": "/robots.txt",
        "status": 200,
        "view": "robots_txt",
    }
    assert PHONE not in result.stderr
