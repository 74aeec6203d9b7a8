"""The code policy (accounts/codes.py), rule by rule, below the browser and the views."""

import urllib.error
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts import codes
from accounts.models import VerificationCode
from accounts.tests.conftest import code_in
from accounts.tests.factories import KGUserFactory, USUserFactory
from storefront.markets import PhoneNumberRefused

pytestmark = pytest.mark.django_db

SESSION = "session-key-of-the-shopper-0001"
OTHER_SESSION = "session-key-of-someone-else-002"
IP = "203.0.113.7"
NEW_KG_NUMBER = "+996555010203"
NEW_US_NUMBER = "+12125550123"


@contextmanager
def clock_at(moment):
    """Move Django's clock (timezone.now, which auto_now_add also reads) to `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def issue(django_capture_on_commit_callbacks, sms_outbox):
    """Issue a code as a request would, run the SMS task on commit; (row, code texted or None)."""

    def issue(phone, *, session_key=SESSION, ip=IP, allow_signup=True):
        sent_before = len(sms_outbox)
        with django_capture_on_commit_callbacks(execute=True):
            verification = codes.issue_code(
                phone=phone, session_key=session_key, ip_address=ip, allow_signup=allow_signup
            )
        verification.refresh_from_db()
        texted = sms_outbox[sent_before:]
        return verification, (code_in(texted[0]) if texted else None)

    return issue


def verify(verification, code, *, session_key=SESSION):
    return codes.verify_code(verification_id=verification.pk, session_key=session_key, code=code)


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- what is sent and what is stored -------------------------------------------------------------


def test_a_code_has_six_digits_and_only_a_keyed_hash_of_it_is_stored(issue, sms_outbox):
    user = KGUserFactory()
    verification, code = issue(user.phone)
    assert len(sms_outbox) == 1
    assert sms_outbox[0].phone == user.phone
    assert code.isdigit() and len(code) == 6
    assert code not in verification.code
    assert verification.code.startswith("hmac-sha256$")
    assert codes.code_matches(verification.code, code, phone=user.phone)
    assert not codes.code_matches(verification.code, wrong(code), phone=user.phone)


def test_every_code_sent_is_recorded_with_its_number_market_session_and_expiry(issue):
    user = USUserFactory()
    verification, _code = issue(user.phone.replace("+1", "+1 "))
    assert (verification.phone, verification.market, verification.purpose) == (user.phone, "US", "login")
    assert (verification.session_key, verification.ip_address) == (SESSION, IP)
    assert not verification.is_used and verification.attempts == 0 and not verification.send_failed


def test_login_codes_live_three_minutes_and_signup_codes_ten_at_most(issue):
    login, _ = issue(KGUserFactory().phone)
    signup, _ = issue(NEW_KG_NUMBER)
    assert login.purpose == VerificationCode.Purpose.LOGIN
    assert signup.purpose == VerificationCode.Purpose.SIGNUP
    assert login.expires_at - login.created_at <= timedelta(minutes=3, seconds=1)
    assert timedelta(minutes=3) < signup.expires_at - signup.created_at <= timedelta(minutes=10, seconds=1)


def test_lifetimes_never_exceed_ten_minutes_whatever_the_settings_say(settings):
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 3600
    settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 900  # allauth's default
    assert codes.lifetimes().login == codes.lifetimes().signup == timedelta(minutes=10)


# --- expiry, replay, session, wrong tries ---------------------------------------------------------


def test_a_login_code_is_accepted_until_it_expires(issue):
    verification, code = issue(KGUserFactory().phone)
    with clock_at(verification.expires_at - timedelta(seconds=1)):
        assert verify(verification, code).is_used


def test_a_login_code_is_refused_once_the_clock_passes_three_minutes(issue):
    verification, code = issue(KGUserFactory().phone)
    with clock_at(verification.created_at + timedelta(minutes=3, seconds=1)), pytest.raises(codes.CodeRejected) as e:
        verify(verification, code)
    assert e.value.reason == codes.CodeRejected.EXPIRED
    verification.refresh_from_db()
    assert not verification.is_used and verification.attempts == 0


def test_a_signup_code_is_refused_after_ten_minutes(issue):
    verification, code = issue(NEW_US_NUMBER)
    with clock_at(verification.created_at + timedelta(minutes=10, seconds=1)), pytest.raises(codes.CodeRejected) as e:
        verify(verification, code)
    assert e.value.reason == codes.CodeRejected.EXPIRED


def test_a_code_works_once_a_replay_is_refused(issue):
    verification, code = issue(KGUserFactory().phone)
    verify(verification, code)
    with pytest.raises(codes.CodeRejected) as e:
        verify(verification, code)
    assert e.value.reason == codes.CodeRejected.USED


def test_a_code_only_works_in_the_session_that_asked_for_it(issue):
    verification, code = issue(KGUserFactory().phone)
    with pytest.raises(codes.CodeRejected) as e:
        verify(verification, code, session_key=OTHER_SESSION)
    assert e.value.reason == codes.CodeRejected.UNKNOWN
    verification.refresh_from_db()
    assert verification.attempts == 0  # a try of another session is not a try of this code
    assert verify(verification, code).is_used


def test_each_wrong_try_counts_and_says_how_many_are_left(issue):
    verification, code = issue(KGUserFactory().phone)
    left = []
    for _ in range(2):
        with pytest.raises(codes.CodeRejected) as e:
            verify(verification, wrong(code))
        assert e.value.reason == codes.CodeRejected.WRONG
        left.append(e.value.tries_left)
    assert left == [2, 1]
    verification.refresh_from_db()
    assert verification.attempts == 2
    assert verify(verification, code).attempts == 2  # the right code is not a wrong try


def test_after_three_wrong_tries_even_the_right_code_is_refused(issue):
    verification, code = issue(KGUserFactory().phone)
    reasons = []
    for guess in [wrong(code), wrong(code), wrong(code), code]:
        with pytest.raises(codes.CodeRejected) as e:
            verify(verification, guess)
        reasons.append(e.value.reason)
    assert reasons[-2:] == [codes.CodeRejected.TOO_MANY_TRIES] * 2
    verification.refresh_from_db()
    assert verification.attempts == 3 and not verification.is_used


def test_a_new_code_replaces_the_one_the_session_asked_for_before(issue):
    phone = KGUserFactory().phone
    first, first_code = issue(phone)
    with clock_at(timezone.now() + timedelta(minutes=1, seconds=1)):
        second, second_code = issue(phone)
        with pytest.raises(codes.CodeRejected) as e:
            verify(first, first_code)
        assert e.value.reason == codes.CodeRejected.EXPIRED
        assert verify(second, second_code).is_used


# --- send limits --------------------------------------------------------------------------------


def test_one_code_per_number_per_minute(issue):
    phone = KGUserFactory().phone
    issue(phone)
    with pytest.raises(codes.CodeLimitExceeded) as e:
        issue(phone, session_key=OTHER_SESSION, ip="198.51.100.1")
    assert e.value.retry_after == 60
    assert "minute" in e.value.message
    with clock_at(timezone.now() + timedelta(seconds=61)):
        issue(phone)
    assert VerificationCode.objects.filter(phone=phone).count() == 2


def test_ten_codes_per_number_per_day(issue):
    phone = KGUserFactory().phone
    start = timezone.now()
    for hour in range(10):
        with clock_at(start + timedelta(hours=hour)):
            issue(phone)
    with clock_at(start + timedelta(hours=23)), pytest.raises(codes.CodeLimitExceeded) as e:
        issue(phone)
    assert "tomorrow" in e.value.message
    with clock_at(start + timedelta(hours=24, minutes=1)):
        issue(phone)


def test_ten_codes_per_ip_address_per_minute(issue):
    for n in range(10):
        issue(f"+99655502{n:04d}")
    with pytest.raises(codes.CodeLimitExceeded) as e:
        issue("+996555029999")
    assert "network" in e.value.message
    issue("+996555029999", ip="198.51.100.9")  # another address is not held back


def test_a_failed_send_still_counts_toward_the_limits(issue, settings, sms_outbox):
    settings.KG_SMS_GATEWAY_LOGIN, settings.KG_SMS_GATEWAY_PASSWORD = "marque", "secret"
    phone = KGUserFactory().phone
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("timed out")):
        verification, code = issue(phone)
    assert code is None and sms_outbox == []
    assert verification.send_failed
    with pytest.raises(codes.CodeLimitExceeded):
        issue(phone)


# --- numbers refused, and known and unknown numbers answered alike ------------------------------


@pytest.mark.parametrize("phone", ["+7 495 123 45 67", "+44 20 7946 0958", "+1 416 555 0199", "12345", ""])
def test_numbers_outside_kyrgyzstan_and_the_us_are_refused_before_anything_is_sent(issue, sms_outbox, phone):
    with pytest.raises(PhoneNumberRefused):
        issue(phone)
    assert not VerificationCode.objects.exists()
    assert sms_outbox == []


def test_a_new_number_gets_a_signup_code_in_the_same_flow(issue, sms_outbox):
    verification, code = issue(NEW_KG_NUMBER)
    assert verification.purpose == VerificationCode.Purpose.SIGNUP
    assert sms_outbox[0].phone == NEW_KG_NUMBER and code


def test_on_a_login_only_path_an_unknown_number_is_not_texted_yet_answered_alike(issue, sms_outbox):
    known = KGUserFactory().phone
    known_row, known_code = issue(known, allow_signup=False)
    unknown_row, unknown_code = issue(NEW_KG_NUMBER, allow_signup=False)
    assert known_code and unknown_code is None
    assert [m.phone for m in sms_outbox] == [known]
    # Same kind of row, same lifetime, same answers afterwards.
    assert known_row.purpose == unknown_row.purpose == VerificationCode.Purpose.LOGIN
    lifetimes = [round((row.expires_at - row.created_at).total_seconds()) for row in (known_row, unknown_row)]
    assert lifetimes == [180, 180]
    with pytest.raises(codes.CodeRejected) as e:
        verify(unknown_row, "123456")
    assert e.value.reason == codes.CodeRejected.WRONG
    for phone in (known, NEW_KG_NUMBER):
        with pytest.raises(codes.CodeLimitExceeded):
            issue(phone, allow_signup=False)


def test_a_code_is_drawn_and_texted_once_even_if_the_task_runs_again(issue, sms_outbox):
    verification, _code = issue(KGUserFactory().phone)
    assert not codes.deliver_code(verification_id=verification.pk)
    assert len(sms_outbox) == 1


def test_a_code_needs_a_session(issue):
    with pytest.raises(ValueError):
        codes.issue_code(phone=NEW_KG_NUMBER, session_key="", ip_address=IP)


def test_ipv6_addresses_are_limited_per_64_network(issue, settings):
    settings.SMS_CODE_LIMITS = {**settings.SMS_CODE_LIMITS, "ip_per_minute": 2}
    issue("+996555030001", ip="2001:db8:1:2::1")
    issue("+996555030002", ip="2001:db8:1:2:ffff::9")
    with pytest.raises(codes.CodeLimitExceeded):
        issue("+996555030003", ip="2001:db8:1:2:abcd::5")
    issue("+996555030003", ip="2001:db8:1:3::1")  # another /64
    assert VerificationCode.objects.filter(ip_address="2001:db8:1:2::").count() == 2


def test_a_code_that_expired_in_the_queue_is_not_texted(django_capture_on_commit_callbacks, sms_outbox):
    user = KGUserFactory()
    with mock.patch("accounts.codes.enqueue_after_commit"):
        verification = codes.issue_code(phone=user.phone, session_key=SESSION, ip_address=IP)
    with clock_at(verification.expires_at + timedelta(seconds=1)):
        assert not codes.deliver_code(verification_id=verification.pk)
    verification.refresh_from_db()
    assert sms_outbox == [] and verification.send_failed
