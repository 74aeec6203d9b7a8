"""/healthz and /readyz for a load balancer: cheap, answered before the rest of the stack, 503 naming what failed."""

import json
import logging
import socket

import pytest
from django.db import connections

from storefront import health


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def body(response):
    return json.loads(response.content)


def test_healthz_answers_without_the_database_a_session_or_the_host_check(client, settings):
    # No database access is allowed in this test: a query would fail it.
    settings.SECURE_SSL_REDIRECT = True  # a probe over plain HTTP is answered, not redirected
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8001")
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Vary" not in response


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_and_cache_answer(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # SELECT 1, and the task backlog
        response = client.get("/readyz", HTTP_HOST="10.0.0.7:8001")
    assert response.status_code == 200
    result = body(response)
    assert result["status"] == "ready"
    assert set(result["checks"]) >= {"database", "cache", "task_backlog"}
    assert all(check["ok"] for check in result["checks"].values())
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_a_real_redis_cache(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/5"}
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert body(response)["checks"]["cache"]["ok"] is True


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_cache_when_redis_is_down(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/5",
        }
    }
    with caplog.at_level(logging.WARNING, logger="storefront.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    result = body(response)
    assert result["status"] == "not ready"
    assert result["failed"] == ["cache"]
    assert result["checks"]["database"]["ok"] is True
    assert "Error" not in response.content.decode()  # the reason is logged, not shown
    assert any("cache failed" in record.getMessage() and record.exc_info for record in caplog.records)


def test_readyz_answers_503_naming_the_database_when_postgresql_is_down(client, django_db_blocker):
    connection = connections["default"]
    with django_db_blocker.unblock():
        kept = connection.settings_dict.copy()
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        try:
            response = client.get("/readyz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(kept)
    assert response.status_code == 503
    result = body(response)
    assert result["failed"] == ["database"]
    assert result["checks"]["cache"]["ok"] is True


@pytest.mark.django_db
def test_readyz_runs_every_registered_check(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "task_backlog", lambda: {"waiting": 3})
    response = client.get("/readyz")
    assert response.status_code == 200
    backlog = body(response)["checks"]["task_backlog"]
    assert (backlog["ok"], backlog["detail"]) == (True, {"waiting": 3})

    def backlog_too_long():
        raise RuntimeError("10000 tasks waiting")

    health.register_check("task_backlog", backlog_too_long)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert body(response)["failed"] == ["task_backlog"]


@pytest.mark.django_db
def test_a_post_is_no_probe_and_goes_through_the_usual_stack(client):
    assert client.post("/healthz").status_code == 404
