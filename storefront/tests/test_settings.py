"""Settings read from the environment: safe defaults, a clear stop when production is half-configured.

Each start-up runs in a fresh interpreter, the way `manage.py` or gunicorn would load the settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "a-real-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

REPORT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "MIDDLEWARE": settings.MIDDLEWARE,
    "TASKS": settings.TASKS,
    "MAILERS": settings.MAILERS,
}))
"""


def start_django(code="import django; django.setup()", **variables):
    """Run `code` in a new interpreter with only the given DEBUG/SECRET_KEY/ALLOWED_HOSTS/REDIS_URL."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "CACHE_URL", "TASKS_BACKEND"}
    }
    env.update(ENV_FILE="/dev/null", DJANGO_SETTINGS_MODULE="storefront.settings", **variables)
    return subprocess.run(  # noqa: S603 - our own interpreter, a fixed program
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def started_settings(**variables):
    result = start_django(REPORT_SETTINGS, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_without_a_secret_key_refuses_to_start():
    result = start_django(DEBUG="false", ALLOWED_HOSTS="shop.example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_left_unset_counts_as_production():
    result = start_django(ALLOWED_HOSTS="shop.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = start_django(DEBUG="false", SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_production_with_key_and_hosts_starts_with_debug_off():
    started = started_settings(SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="shop.example.com,www.shop.example.com")
    assert started["DEBUG"] is False
    assert started["ALLOWED_HOSTS"] == ["shop.example.com", "www.shop.example.com"]


def test_development_starts_without_key_or_hosts():
    started = started_settings(DEBUG="true")
    assert started["DEBUG"] is True
    assert "localhost" in started["ALLOWED_HOSTS"]


def test_redis_url_puts_the_cache_and_a_copy_of_each_session_in_redis():
    started = started_settings(DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/1")
    assert started["CACHE_BACKEND"] == "storefront.resilient_cache.ResilientRedisCache"
    assert started["CACHE_LOCATION"] == "redis://127.0.0.1:6379/1"
    # Sessions live in the database with a copy in Redis (storefront/sessions.py).
    assert started["SESSION_ENGINE"] == "storefront.sessions"


def test_without_redis_the_cache_is_in_process_and_sessions_in_the_database():
    started = started_settings(DEBUG="true")
    assert started["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert started["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/1"])
def test_sessions_are_never_stored_in_cookies(redis_url):
    started = started_settings(DEBUG="true", REDIS_URL=redis_url)
    assert "signed_cookies" not in started["SESSION_ENGINE"]


def test_started_settings_carry_csp_middleware_tasks_and_mailers():
    started = started_settings(SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="shop.example.com")
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in started["MIDDLEWARE"]
    # Production queues tasks in the database for the worker; only tests run them in-process.
    assert started["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert started["MAILERS"]["default"]["BACKEND"].startswith("django.core.mail.backends.")


def test_csp_middleware_runs_early_in_the_request():
    middleware = settings.MIDDLEWARE
    csp = middleware.index("django.middleware.csp.ContentSecurityPolicyMiddleware")
    assert csp < middleware.index("django.middleware.common.CommonMiddleware")
    assert settings.SECURE_CSP["script-src"]
    assert "'unsafe-inline'" not in settings.SECURE_CSP["script-src"]


def test_tasks_and_mailers_load_their_backends():
    from django.core.mail import mailers
    from django.tasks import task_backends

    assert settings.TASKS["default"]["BACKEND"]
    assert task_backends["default"] is not None
    assert "default" in settings.MAILERS
    assert mailers["default"] is not None


def test_each_log_record_is_printed_once_in_development():
    """`make run` (DEBUG on): Django's own console handler and the root's used to print each record twice."""
    code = "import django, logging; django.setup(); logging.getLogger('django.security').warning('one-record-marker')"

    result = start_django(code, DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("one-record-marker") == 1
    assert "WARNING django.security: one-record-marker" in result.stderr
