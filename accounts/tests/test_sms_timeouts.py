"""An SMS provider that does not answer: the sign-in request gives up after SMS_TIMEOUT, says so, and
the code does not work.

The real Twilio SDK and the real KG gateway client talk to a local socket that accepts the
connection and never answers (the `silent_server` fixture); nothing in either client is replaced.
"""

import time

import pytest
from rest_framework.test import APIClient

from accounts.models import VerificationCode
from accounts.tests.factories import KGUserFactory, USUserFactory
from storefront import sms
from storefront.markets import MARKETS
from storefront.tests.page_text import read_text

pytestmark = pytest.mark.django_db

ENTER_CODE = "/accounts/login/code/"
TIMEOUT = 1.0
# Time the request itself needs besides waiting for the provider.
MARGIN = 1.5
NOT_SENT = "We could not send the code right now, try again in a minute."


@pytest.fixture
def twilio_hangs(settings, silent_server):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "0" * 32, "token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_API_BASE = silent_server
    settings.SMS_TIMEOUT = TIMEOUT


@pytest.fixture
def kg_gateway_hangs(settings, silent_server):
    settings.KG_SMS_GATEWAY_LOGIN, settings.KG_SMS_GATEWAY_PASSWORD = "marque", "secret"
    settings.KG_SMS_GATEWAY_URL = f"{silent_server}/api/message"
    settings.SMS_TIMEOUT = TIMEOUT


@pytest.mark.parametrize(
    ("provider", "market"), [("twilio_hangs", "US"), ("kg_gateway_hangs", "KG")], ids=["twilio", "kg-gateway"]
)
def test_a_provider_that_never_answers_fails_the_send_within_the_timeout(request, provider, market):
    request.getfixturevalue(provider)

    started = time.monotonic()
    with pytest.raises(sms.SMSError):
        sms.send_sms(phone="+12125550100" if market == "US" else "+996555123456", text="hi", market=MARKETS[market])

    assert time.monotonic() - started < TIMEOUT + MARGIN


@pytest.mark.parametrize(
    ("provider", "factory"),
    [("twilio_hangs", USUserFactory), ("kg_gateway_hangs", KGUserFactory)],
    ids=["twilio", "kg-gateway"],
)
def test_signing_in_while_the_provider_hangs_answers_in_time_and_says_so(
    request, client, ask_for_code, provider, factory
):
    request.getfixturevalue(provider)
    phone = factory().phone

    started = time.monotonic()
    response = ask_for_code(phone)
    elapsed = time.monotonic() - started

    assert elapsed < TIMEOUT + MARGIN
    assert response.status_code == 302 and response["Location"] == ENTER_CODE
    assert NOT_SENT in [text for _line, text in read_text(client.get(ENTER_CODE).text)]
    assert VerificationCode.objects.get(phone=phone).send_failed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_says_the_code_was_not_sent_within_the_timeout(kg_gateway_hangs):
    phone = KGUserFactory().phone

    started = time.monotonic()
    # The task runs when the request's transaction commits, before the view answers.
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/send-verification", {"phone": phone}, format="json"
    )

    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "sms_not_sent"
    assert response.json()["error"]["message"] == NOT_SENT
