"""The admin login locks after repeated wrong passwords, per account and per client address (django-axes)."""

import html
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.tests.conftest import ask_for_code, code_in  # noqa: F401 - a fixture
from accounts.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-staff-password"
LIMIT = 5


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Every attempt checks a password: a fast hasher keeps dozens of them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    member = StaffFactory(is_superuser=True)
    member.set_password(PASSWORD)
    member.save()
    return member


def sign_in(client, phone, password, ip="198.51.100.7", **headers):
    return client.post(LOGIN, {"username": phone, "password": password}, REMOTE_ADDR=ip, **headers)


def text(response):
    return html.unescape(response.content.decode())


def test_five_wrong_passwords_for_one_account_lock_it_from_every_address(client, staff):
    for attempt in range(LIMIT - 1):
        response = sign_in(client, staff.phone, "wrong-password", ip=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200  # the login form again, with its error
    locking = sign_in(client, staff.phone, "wrong-password", ip="198.51.100.20")
    assert locking.status_code == 429

    refused = sign_in(client, staff.phone, PASSWORD, ip="203.0.113.50")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert "Admin sign-in is locked for 15 minutes" in text(refused)
    assert "even the right password is refused" in text(refused)
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302


def test_five_wrong_passwords_from_one_address_lock_it_for_every_account(client, staff):
    for n in range(LIMIT):
        sign_in(client, f"+99670012345{n}", "guess", ip="198.51.100.9")
    assert sign_in(client, staff.phone, PASSWORD, ip="198.51.100.9").status_code == 429
    # The same account from another address is not locked: it had no failures of its own.
    other = Client()
    assert sign_in(other, staff.phone, PASSWORD, ip="198.51.100.10").status_code == 302
    assert other.get("/admin/").status_code == 200


def test_four_wrong_passwords_then_the_right_one_signs_in_and_forgets_them(client, staff):
    for _ in range(LIMIT - 1):
        sign_in(client, staff.phone, "wrong-password")
    assert sign_in(client, staff.phone, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert not AccessAttempt.objects.exists()
    assert AccessLog.objects.filter(username=staff.phone).count() == 1


def test_spellings_of_one_phone_number_count_against_the_same_account(client, staff):
    national = staff.phone.removeprefix("+")
    spaced = f"+{national[:3]} {national[3:6]} {national[6:]}"
    for n, spelling in enumerate([national, spaced, staff.phone, f" {staff.phone} ", spaced]):
        sign_in(client, spelling, "wrong-password", ip=f"198.51.100.{n + 1}")
    assert sign_in(client, staff.phone, PASSWORD, ip="203.0.113.1").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {staff.phone}


def test_the_lock_lifts_once_its_minutes_have_passed(client, staff):
    for _ in range(LIMIT):
        sign_in(client, staff.phone, "wrong-password")
    assert sign_in(client, staff.phone, PASSWORD).status_code == 429
    # The attempts refused while locked did not extend the lock: it runs from the failure that set it.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15))
    assert sign_in(client, staff.phone, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_lock_out_is_logged_without_the_phone_number(client, staff, caplog):
    with caplog.at_level(logging.WARNING, logger="storefront.admin_lockout"):
        for _ in range(LIMIT):
            sign_in(client, staff.phone, "wrong-password", ip="198.51.100.33")
    records = [r for r in caplog.records if r.name == "storefront.admin_lockout"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert "Admin sign-in locked" in message and "ip=198.51.100.33" in message and "failures=5" in message
    assert all(staff.phone.removeprefix("+") not in r.getMessage() for r in caplog.records)


def test_the_lock_out_page_is_translated(client, staff):
    client.cookies["marque_language"] = "ru"
    for _ in range(LIMIT):
        response = sign_in(client, staff.phone, "wrong-password")
    assert response.status_code == 429
    assert response["Content-Language"] == "ru"
    assert "Вход в админку заблокирован на 15 минут" in text(response)
    assert "Вход заблокирован" in text(response)


def test_a_forwarded_for_header_cannot_dodge_the_address_lock_behind_a_trusted_proxy(client, staff, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        # The client makes up the left part; the proxy appends the address it saw.
        sign_in(client, f"+99670055500{n}", "guess", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.77")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.77"}
    locked = sign_in(client, staff.phone, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.77")
    assert locked.status_code == 429


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(client, staff):
    for n in range(LIMIT):
        sign_in(client, f"+99670055500{n}", "guess", ip="198.51.100.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.5"}


def test_the_storefront_phone_sign_in_is_not_throttled_by_admin_lock_outs(client, staff, ask_for_code, sms_outbox):  # noqa: F811
    for _ in range(LIMIT):
        sign_in(client, staff.phone, "wrong-password", ip="127.0.0.1")
    attempts = AccessAttempt.objects.count()
    # A wrong SMS code and then the right one, from the locked address, for the locked account.
    ask_for_code(staff.phone)
    client.post("/accounts/login/code/", {"code": "000000"})
    response = client.post("/accounts/login/code/", {"code": code_in(sms_outbox[-1])})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert AccessAttempt.objects.count() == attempts
    assert not AccessLog.objects.exists()
