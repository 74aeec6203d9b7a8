"""PostgreSQL down: a clear 503 page that needs neither the database nor the cache (storefront/outages.py).

No test here uses the database: the connection is pointed at a loopback port nothing listens on.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client


@pytest.fixture
def database_down(closed_port, django_db_blocker, monkeypatch):
    """The app's database connection pointed at a port nothing listens on, for one test."""
    with django_db_blocker.unblock():
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "PORT", str(closed_port))
        yield
        connection.close()


def visitor(language="en"):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("url", ["/kg/", "/kg/products/", "/kg/cart/", "/accounts/login/"])
def test_with_the_database_down_pages_answer_a_clear_503(database_down, url):
    response = visitor().get(url)

    assert response.status_code == 503
    assert "The shop is not available right now" in response.text
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"


def test_with_the_database_down_a_shopper_with_a_session_gets_the_503_too(database_down):
    # The session is read by a middleware, before any view: Django's 500 handler answers it.
    client = visitor("ru")
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32

    response = client.get("/kg/")

    assert response.status_code == 503
    assert '<html lang="ru"' in response.text
    assert "The shop is not available right now" not in response.text


def test_with_the_database_down_the_api_answers_in_its_own_shape(database_down):
    response = visitor().get("/api/v1/products?market=KG")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
