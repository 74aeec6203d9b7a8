"""Fixtures for the sign-in and account tests: SMS through the console provider (read from the root
conftest's `sms_outbox`), and the test client signed in as a KG or a US shopper."""

import re

import pytest
from django.urls import reverse


@pytest.fixture(autouse=True)
def _console_sms(settings):
    """No provider credentials from the environment: every market texts through the console."""
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    settings.SMS_CODE_LIMITS = {"phone_per_minute": 1, "phone_per_day": 10, "ip_per_minute": 10}


@pytest.fixture
def kg_client(client, kg_shopper):
    """The test client, signed in as `kg_shopper`."""
    client.force_login(kg_shopper)
    return client


@pytest.fixture
def us_client(client, us_shopper):
    """The test client, signed in as `us_shopper`."""
    client.force_login(us_shopper)
    return client


def code_in(message):
    """The 6-digit code an SMS carries."""
    return re.search(r"\b(\d{6})\b", message.text).group(1)


@pytest.fixture
def ask_for_code(client, django_capture_on_commit_callbacks):
    """POST a phone number to the sign-in page, running the SMS task the way a commit would."""

    def ask(phone, *, next_url=None, client=client, **extra):
        data = {"phone": phone}
        if next_url is not None:
            data["next"] = next_url
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:sign_in"), data, **extra)

    return ask
