"""allauth is set up for phone sign-in: the adapter's phone methods, its settings, and 429 for its limits."""

from unittest import mock

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.core.exceptions import RateLimited

from accounts.adapter import AccountAdapter
from accounts.tests.factories import KGUserFactory

pytestmark = pytest.mark.django_db


def test_allauth_signs_in_by_phone_with_the_code_policy_settings():
    assert isinstance(get_adapter(), AccountAdapter)
    assert set(allauth_settings.LOGIN_METHODS) == {"phone"}
    assert allauth_settings.SIGNUP_FIELDS == {"phone": {"required": True}}
    assert allauth_settings.LOGIN_BY_CODE_TIMEOUT == 180
    assert allauth_settings.PHONE_VERIFICATION_TIMEOUT <= 600
    assert allauth_settings.LOGIN_BY_CODE_MAX_ATTEMPTS == allauth_settings.PHONE_VERIFICATION_MAX_ATTEMPTS == 3
    assert not allauth_settings.LOGOUT_ON_GET
    assert get_adapter()._has_phone_impl


def test_the_adapter_finds_users_by_their_number_however_it_is_written():
    adapter = get_adapter()
    user = KGUserFactory(phone="+996555123456")
    assert adapter.get_user_by_phone("+996 555 12-34-56") == user
    assert adapter.get_user_by_phone("+996555999999") is None
    assert adapter.get_user_by_phone("+7 495 123 45 67") is None
    assert adapter.get_phone(user) == ("+996555123456", True)


def test_setting_a_number_moves_the_market_and_verification_follows_the_code():
    adapter = get_adapter()
    user = KGUserFactory(is_verified=False)
    adapter.set_phone(user, "+12125550100", False)
    user.refresh_from_db()
    assert (user.phone, user.market, user.is_verified) == ("+12125550100", "US", False)
    adapter.set_phone_verified(user, "+1 212 555 0100")
    user.refresh_from_db()
    assert user.is_verified


def test_allauth_never_texts_a_number_without_an_account(sms_outbox):
    adapter = get_adapter()
    adapter.send_unknown_account_sms("+996555000123")
    adapter.send_account_already_exists_sms("+996555000123")
    assert sms_outbox == []


def test_allauths_rate_limit_is_a_clear_429_not_a_server_error(client):
    with mock.patch("accounts.views.codes.issue_code", side_effect=RateLimited):
        response = client.post("/accounts/login/", {"phone": "+996555000123"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "You asked for this too often. Wait a minute, then try again." in response.content.decode()
