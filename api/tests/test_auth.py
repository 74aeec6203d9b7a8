"""The API's sign-in: send-verification → verify-code → JWT pair; refresh and logout.

These go through the real flow (console SMS provider, codes read from its sms_outbox), the same
VerificationCode rows and limits as the web sign-in.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User, VerificationCode
from accounts.tests.factories import KGUserFactory, USUserFactory
from api.tests.conftest import authed, error

pytestmark = pytest.mark.django_db

SEND = "/api/v1/auth/send-verification"
VERIFY = "/api/v1/auth/verify-code"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
AUTH_PROFILE = "/api/v1/auth/profile"


@pytest.fixture(autouse=True)
def _console_sms(settings):
    """No provider credentials: every market texts through the console provider, into its outbox."""
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    settings.SMS_CODE_LIMITS = {"phone_per_minute": 1, "phone_per_day": 10, "ip_per_minute": 10}


@pytest.fixture
def send(api_client, django_capture_on_commit_callbacks):
    """POST a phone number to send-verification, running the SMS task the way a commit would."""

    def post(phone, *, client=api_client, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SEND, {"phone": phone}, format="json", **extra)

    return post


def code_in(message):
    return re.search(r"\b(\d{6})\b", message.text).group(1)


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def verify(client, phone, code, token):
    return client.post(VERIFY, {"phone": phone, "code": code, "verification_token": token}, format="json")


def sign_in(api_client, send, sms_outbox, phone):
    token = send(phone).json()["verification_token"]
    return verify(api_client, phone, code_in(sms_outbox[-1]), token)


# --- send-verification --------------------------------------------------------------------------


def test_send_verification_texts_a_code_and_records_the_same_row_as_the_web(send, sms_outbox):
    user = KGUserFactory()
    response = send(user.phone)
    assert response.status_code == 200
    body = response.json()
    assert body["phone"] == user.phone
    assert body["verification_token"].startswith("api_") and len(body["verification_token"]) > 40
    row = VerificationCode.objects.get()
    assert (row.phone, row.market, row.purpose, row.session_key) == (
        user.phone,
        "KG",
        VerificationCode.Purpose.LOGIN,
        body["verification_token"],
    )
    assert row.ip_address == "127.0.0.1"
    assert len(sms_outbox) == 1 and sms_outbox[0].phone == user.phone
    assert code_in(sms_outbox[0]) not in row.code  # only a hash is stored


def test_send_verification_normalizes_the_number(send, sms_outbox):
    response = send("+1 (212) 555-0188")
    assert response.json()["phone"] == "+12125550188"
    assert VerificationCode.objects.get().market == "US"


def test_known_and_unknown_numbers_get_identical_answers(send, sms_outbox):
    known, unknown = KGUserFactory().phone, "+996555000777"
    known_response = send(known, client=APIClient(HTTP_ACCEPT_LANGUAGE="en"))
    unknown_response = send(unknown, client=APIClient(HTTP_ACCEPT_LANGUAGE="en"))
    assert known_response.status_code == unknown_response.status_code == 200
    known_body, unknown_body = known_response.json(), unknown_response.json()
    assert set(known_body) == set(unknown_body) == {"phone", "verification_token", "message"}
    assert known_body["message"].replace(known, "PHONE") == unknown_body["message"].replace(unknown, "PHONE")
    assert len(known_body["verification_token"]) == len(unknown_body["verification_token"])
    assert [m.phone for m in sms_outbox] == [known, unknown]  # both texted: a new number signs up


@pytest.mark.parametrize(
    ("phone", "code", "message"),
    [
        (
            "+7 495 123 45 67",
            "unsupported_country",
            "MARQUE sells in Kyrgyzstan (+996) and the United States (+1) only.",
        ),
        (
            "+1 416 555 0199",
            "unsupported_country",
            "MARQUE sells in Kyrgyzstan (+996) and the United States (+1) only.",
        ),
        ("not a number", "invalid_phone", "Enter a phone number with its country code"),
    ],
)
def test_refused_numbers_get_400_and_no_row_and_no_sms(send, sms_outbox, phone, code, message):
    response = send(phone)
    assert response.status_code == 400
    assert error(response)["code"] == code
    assert error(response)["message"].startswith(message)
    assert error(response)["details"]["phone"]
    assert sms_outbox == [] and not VerificationCode.objects.exists()


def test_a_missing_phone_is_a_field_error(api_client):
    response = api_client.post(SEND, {}, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "invalid" and "phone" in error(response)["details"]


def test_asking_again_within_a_minute_is_429_with_retry_after(send, sms_outbox):
    phone = KGUserFactory().phone
    send(phone)
    response = send(phone)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert error(response) == {
        "code": "too_many_requests",
        "message": "A code was just sent to this number. Wait a minute before asking for another one.",
        "details": {},
    }
    assert len(sms_outbox) == 1 and VerificationCode.objects.count() == 1


def test_the_daily_limit_per_number_is_429_for_a_day(send, sms_outbox, settings):
    settings.SMS_CODE_LIMITS = {"phone_per_minute": 100, "phone_per_day": 2, "ip_per_minute": 100}
    phone = USUserFactory().phone
    send(phone)
    send(phone)
    response = send(phone)
    assert response.status_code == 429
    assert response["Retry-After"] == str(24 * 60 * 60)
    assert "Try again tomorrow." in error(response)["message"]


def test_the_ip_address_limit_is_429_too(send, sms_outbox, settings):
    settings.SMS_CODE_LIMITS = {**settings.SMS_CODE_LIMITS, "ip_per_minute": 2}
    send("+996555000101")
    send("+996555000102")
    response = send("+996555000103")
    assert response.status_code == 429
    assert "Too many codes were asked for from your network." in error(response)["message"]
    # Another address is not held back.
    assert send("+996555000104", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_the_limit_counts_web_and_api_requests_together(client, send, sms_outbox, django_capture_on_commit_callbacks):
    phone = KGUserFactory().phone
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"phone": phone})
    assert send(phone).status_code == 429


def test_send_verification_needs_no_token_and_ignores_a_bad_one(send, sms_outbox):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert send(KGUserFactory().phone, client=client).status_code == 200


# --- verify-code --------------------------------------------------------------------------------


def test_a_known_number_signs_in_and_gets_a_token_pair_and_its_profile(api_client, send, sms_outbox):
    user = KGUserFactory(full_name="Aida", language="ky")
    response = sign_in(api_client, send, sms_outbox, user.phone)
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": user.pk,
        "phone": user.phone,
        "full_name": "Aida",
        "email": user.email,
        "language": "ky",
        "market": "KG",
        "currency": "KGS",
    }
    assert AccessToken(body["access"])["user_id"] == str(user.pk)
    assert RefreshToken(body["refresh"])["user_id"] == str(user.pk)
    assert authed_with(body["access"]).get(AUTH_PROFILE).json()["phone"] == user.phone


def authed_with(access):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def test_a_new_number_signs_up_in_the_same_flow_with_its_market_from_the_number(api_client, send, sms_outbox):
    response = sign_in(api_client, send, sms_outbox, "+1 212 555 0188")
    assert response.status_code == 200
    user = User.objects.get(phone="+12125550188")
    assert (user.market, user.currency, user.is_verified, user.has_usable_password()) == ("US", "USD", True, False)
    assert response.json()["user"]["market"] == "US"
    assert response.json()["user"]["currency"] == "USD"


def test_a_wrong_code_is_400_with_the_tries_left(api_client, send, sms_outbox):
    phone = KGUserFactory().phone
    token = send(phone).json()["verification_token"]
    response = verify(api_client, phone, wrong(code_in(sms_outbox[-1])), token)
    assert response.status_code == 400
    assert error(response) == {
        "code": "wrong",
        "message": "That code is not right. Check the SMS and try again. 2 tries left.",
        "details": {"tries_left": 2},
    }


def test_three_wrong_tries_use_the_code_up_even_for_the_right_code(api_client, send, sms_outbox):
    phone = KGUserFactory().phone
    token = send(phone).json()["verification_token"]
    code = code_in(sms_outbox[-1])
    answers = [verify(api_client, phone, wrong(code), token) for _ in range(3)]
    assert [error(a)["code"] for a in answers] == ["wrong", "wrong", "too_many_tries"]
    assert [error(a)["details"].get("tries_left") for a in answers] == [2, 1, None]
    response = verify(api_client, phone, code, token)
    assert response.status_code == 400
    assert error(response)["code"] == "too_many_tries"
    assert VerificationCode.objects.get().attempts == 3


def test_a_code_works_once(api_client, send, sms_outbox):
    phone = KGUserFactory().phone
    token = send(phone).json()["verification_token"]
    code = code_in(sms_outbox[-1])
    assert verify(api_client, phone, code, token).status_code == 200
    response = verify(api_client, phone, code, token)
    assert response.status_code == 400 and error(response)["code"] == "used"


def test_an_expired_code_is_refused(api_client, send, sms_outbox):
    phone = KGUserFactory().phone
    token = send(phone).json()["verification_token"]
    row = VerificationCode.objects.get()
    with mock.patch("django.utils.timezone.now", return_value=row.expires_at + timedelta(seconds=1)):
        response = verify(api_client, phone, code_in(sms_outbox[-1]), token)
    assert response.status_code == 400
    assert error(response) == {
        "code": "expired",
        "message": "This code has expired. Ask for a new one.",
        "details": {},
    }


def test_a_login_code_lives_three_minutes(api_client, send, sms_outbox):
    phone = KGUserFactory().phone
    token = send(phone).json()["verification_token"]
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=2, seconds=50)):
        assert verify(api_client, phone, code_in(sms_outbox[-1]), token).status_code == 200


def test_the_code_is_bound_to_its_verification_token(api_client, send, sms_outbox):
    phone = KGUserFactory().phone
    send(phone)
    code = code_in(sms_outbox[-1])
    response = verify(api_client, phone, code, "api_" + "x" * 43)
    assert response.status_code == 400 and error(response)["code"] == "unknown"
    row = VerificationCode.objects.get()
    assert row.attempts == 0  # an unknown token reserves no try of the real code
    assert verify(api_client, phone, code, row.session_key).status_code == 200
    assert VerificationCode.objects.get().is_used


def test_a_token_for_one_number_does_not_verify_another(api_client, send, sms_outbox):
    first, second = KGUserFactory().phone, KGUserFactory().phone
    token = send(first).json()["verification_token"]
    response = verify(api_client, second, code_in(sms_outbox[-1]), token)
    assert response.status_code == 400 and error(response)["code"] == "unknown"
    assert not VerificationCode.objects.get().is_used


def test_a_web_sign_in_code_cannot_be_used_through_the_api(
    client, api_client, sms_outbox, django_capture_on_commit_callbacks
):
    phone = KGUserFactory().phone
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"phone": phone})
    response = verify(api_client, phone, code_in(sms_outbox[-1]), "")
    assert response.status_code == 400
    response = verify(api_client, phone, code_in(sms_outbox[-1]), "api_guess")
    assert response.status_code == 400 and error(response)["code"] == "unknown"


def test_a_new_code_replaces_the_previous_one_of_the_same_token_only(api_client, send, sms_outbox, settings):
    settings.SMS_CODE_LIMITS = {"phone_per_minute": 5, "phone_per_day": 10, "ip_per_minute": 10}
    phone = KGUserFactory().phone
    first_token = send(phone).json()["verification_token"]
    first_code = code_in(sms_outbox[-1])
    second_token = send(phone).json()["verification_token"]
    assert first_token != second_token
    # Each send has its own token, so an earlier code stays valid with its own token.
    assert verify(api_client, phone, first_code, first_token).status_code == 200
    assert verify(api_client, phone, code_in(sms_outbox[-1]), second_token).status_code == 200


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_a_malformed_code_is_a_field_error_without_using_a_try(api_client, send, sms_outbox, code):
    phone = KGUserFactory().phone
    token = send(phone).json()["verification_token"]
    response = verify(api_client, phone, code, token)
    assert response.status_code == 400
    assert error(response)["code"] == "invalid" and "code" in error(response)["details"]
    assert VerificationCode.objects.get().attempts == 0


def test_missing_fields_are_field_errors(api_client):
    response = api_client.post(VERIFY, {}, format="json")
    assert response.status_code == 400
    assert set(error(response)["details"]) == {"phone", "code", "verification_token"}


def test_an_inactive_account_cannot_sign_in(api_client, send, sms_outbox):
    user = KGUserFactory(is_active=False)
    response = sign_in(api_client, send, sms_outbox, user.phone)
    assert response.status_code == 403
    assert error(response)["code"] == "account_inactive"
    assert "access" not in response.json()


def test_the_send_verification_and_verify_code_query_budget(
    api_client, send, sms_outbox, django_assert_max_num_queries
):
    phone = KGUserFactory().phone
    with django_assert_max_num_queries(12):
        token = send(phone).json()["verification_token"]
    with django_assert_max_num_queries(12):
        assert verify(api_client, phone, code_in(sms_outbox[-1]), token).status_code == 200


# --- SMS provider failure -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_when_the_sms_provider_fails_the_app_is_told_and_the_attempt_counts(api_client, settings, sms_outbox):
    settings.KG_SMS_GATEWAY_LOGIN, settings.KG_SMS_GATEWAY_PASSWORD = "marque", "secret"
    phone = KGUserFactory().phone
    with mock.patch("urllib.request.urlopen", side_effect=TimeoutError("timed out")):
        response = api_client.post(SEND, {"phone": phone}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert error(response) == {
        "code": "sms_not_sent",
        "message": "We could not send the code right now, try again in a minute.",
        "details": {},
    }
    assert VerificationCode.objects.get(phone=phone).send_failed
    assert api_client.post(SEND, {"phone": phone}, format="json").status_code == 429


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_gives_a_new_pair_and_the_old_refresh_token_stops_working(api_client, send, sms_outbox):
    body = sign_in(api_client, send, sms_outbox, KGUserFactory().phone).json()
    response = api_client.post(REFRESH, {"refresh": body["refresh"]}, format="json")
    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"} and pair["refresh"] != body["refresh"]
    assert authed_with(pair["access"]).get(AUTH_PROFILE).status_code == 200
    again = api_client.post(REFRESH, {"refresh": body["refresh"]}, format="json")
    assert again.status_code == 401
    assert error(again)["code"] == "token_not_valid"


def test_refresh_with_garbage_is_401_in_our_shape(api_client):
    response = api_client.post(REFRESH, {"refresh": "garbage"}, format="json")
    assert response.status_code == 401
    assert error(response)["code"] == "token_not_valid"
    assert error(response)["message"]


def test_refresh_without_a_token_is_400(api_client):
    response = api_client.post(REFRESH, {}, format="json")
    assert response.status_code == 400
    assert "refresh" in error(response)["details"]


def test_an_inactive_users_refresh_token_is_refused(api_client):
    user = KGUserFactory()
    refresh = str(RefreshToken.for_user(user))
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401


# --- logout -------------------------------------------------------------------------------------


def test_logout_blacklists_the_refresh_token(api_client, send, sms_outbox):
    body = sign_in(api_client, send, sms_outbox, KGUserFactory().phone).json()
    client = authed_with(body["access"])
    assert client.post(LOGOUT, {"refresh": body["refresh"]}, format="json").status_code == 204
    response = api_client.post(REFRESH, {"refresh": body["refresh"]}, format="json")
    assert response.status_code == 401 and error(response)["code"] == "token_not_valid"
    # Logging out twice with the same token is a bad token now.
    assert client.post(LOGOUT, {"refresh": body["refresh"]}, format="json").status_code == 400


def test_logout_needs_an_access_token(api_client):
    refresh = str(RefreshToken.for_user(KGUserFactory()))
    response = api_client.post(LOGOUT, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("refresh", ["garbage", None])
def test_logout_with_a_bad_refresh_token_is_400(refresh):
    user = KGUserFactory()
    if refresh is None:
        refresh = str(RefreshToken.for_user(user).access_token)  # an access token is not a refresh token
    response = authed(user).post(LOGOUT, {"refresh": refresh}, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "token_not_valid"


def test_logout_cannot_blacklist_someone_elses_refresh_token():
    mine, theirs = KGUserFactory(), KGUserFactory()
    their_refresh = str(RefreshToken.for_user(theirs))
    response = authed(mine).post(LOGOUT, {"refresh": their_refresh}, format="json")
    assert response.status_code == 400
    assert APIClient().post(REFRESH, {"refresh": their_refresh}, format="json").status_code == 200


# --- auth/profile and tokens --------------------------------------------------------------------


def test_auth_profile_is_the_callers_profile():
    user = USUserFactory(full_name="Sam", language="en")
    response = authed(user).get(AUTH_PROFILE)
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "phone": user.phone,
        "full_name": "Sam",
        "email": user.email,
        "language": "en",
        "market": "US",
        "currency": "USD",
    }


def test_auth_profile_without_a_token_is_401(api_client):
    response = api_client.get(AUTH_PROFILE)
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


def test_an_expired_access_token_is_401():
    user = KGUserFactory()
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1))
    response = authed_with(str(token)).get(AUTH_PROFILE)
    assert response.status_code == 401
    assert error(response)["code"] == "token_not_valid"


def test_a_refresh_token_is_not_an_access_token():
    response = authed_with(str(RefreshToken.for_user(KGUserFactory()))).get(AUTH_PROFILE)
    assert response.status_code == 401
    assert error(response)["code"] == "token_not_valid"


def test_a_blacklisted_refresh_token_cannot_be_used_as_a_bearer_or_refreshed():
    refresh = RefreshToken.for_user(KGUserFactory())
    refresh.blacklist()
    assert authed_with(str(refresh)).get(AUTH_PROFILE).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": str(refresh)}, format="json").status_code == 401


def test_an_inactive_users_access_token_is_401():
    user = KGUserFactory()
    client = authed(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(AUTH_PROFILE).status_code == 401


def test_the_auth_profile_query_budget(django_assert_max_num_queries):
    client = authed(KGUserFactory())
    with django_assert_max_num_queries(2):
        assert client.get(AUTH_PROFILE).status_code == 200
