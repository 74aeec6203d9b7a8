"""SMS by market: Twilio for US, the KG gateway for KG, the console without credentials.

Only the HTTP boundary is stubbed: Twilio's HTTP client (the SDK builds the real request) and
urllib's urlopen for the KG gateway, with answers shaped like the providers' real ones.
"""

import json
import logging
import urllib.error
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

import pytest
import requests
from twilio.http.response import Response

from storefront import sms
from storefront.markets import MARKETS

ACCOUNT_SID = "AC" + "a1" * 16
KG_PHONE = "+996555123456"
US_PHONE = "+12125550100"

TWILIO_MESSAGE = {
    "account_sid": ACCOUNT_SID,
    "api_version": "2010-04-01",
    "body": "MARQUE code: 123456",
    "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
    "date_sent": None,
    "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
    "direction": "outbound-api",
    "error_code": None,
    "error_message": None,
    "from": "+15005550006",
    "messaging_service_sid": None,
    "num_media": "0",
    "num_segments": "1",
    "price": None,
    "price_unit": "USD",
    "sid": "SM" + "b2" * 16,
    "status": "queued",
    "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/SM{'b2' * 16}/Media.json"},
    "to": US_PHONE,
    "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/SM{'b2' * 16}.json",
}
TWILIO_INVALID_TO = {
    "code": 21211,
    "message": "Invalid 'To' Phone Number: +1212555XXXX",
    "more_info": "https://www.twilio.com/docs/errors/21211",
    "status": 400,
}
NIKITA_ACCEPTED = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b"<response><id>MQ7f3a9c2d1e0b</id><status>0</status><phones>1</phones><smscnt>1</smscnt></response>"
)
NIKITA_NO_FUNDS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b"<response><id>MQ7f3a9c2d1e0b</id><status>4</status><phones>1</phones><smscnt>1</smscnt></response>"
)


@pytest.fixture(autouse=True)
def no_credentials(settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_FROM_NUMBER = settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, "twilio-auth-token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    with mock.patch("twilio.http.http_client.TwilioHttpClient.request") as request:
        request.return_value = Response(201, json.dumps(TWILIO_MESSAGE))
        yield request


@pytest.fixture
def kg_gateway(settings):
    settings.KG_SMS_GATEWAY_URL = "https://smspro.nikita.kg/api/message"
    settings.KG_SMS_GATEWAY_LOGIN, settings.KG_SMS_GATEWAY_PASSWORD = "marque", "gateway-password"
    settings.KG_SMS_GATEWAY_SENDER = "MARQUE"
    with mock.patch("urllib.request.urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.read.return_value = NIKITA_ACCEPTED
        yield urlopen


# --- which provider ----------------------------------------------------------------------------


def test_without_credentials_both_markets_text_through_the_console(caplog):
    assert isinstance(sms.provider_for(MARKETS["KG"]), sms.ConsoleProvider)
    assert isinstance(sms.provider_for(MARKETS["US"]), sms.ConsoleProvider)
    with caplog.at_level(logging.INFO, logger="storefront.sms"):
        message_id = sms.send_sms(phone=KG_PHONE, text="MARQUE code: 123456", market=MARKETS["KG"])
    assert message_id.startswith("console-")
    assert sms.outbox == [sms.SMSMessage(phone=KG_PHONE, text="MARQUE code: 123456", market="KG", provider="console")]
    assert "MARQUE code: 123456" in caplog.text and KG_PHONE in caplog.text


def test_with_credentials_us_goes_to_twilio_and_kg_to_the_kg_gateway(twilio, kg_gateway):
    assert isinstance(sms.provider_for(MARKETS["US"]), sms.TwilioProvider)
    assert isinstance(sms.provider_for(MARKETS["KG"]), sms.KGGatewayProvider)
    sms.send_sms(phone=US_PHONE, text="hello US", market=MARKETS["US"])
    sms.send_sms(phone=KG_PHONE, text="hello KG", market=MARKETS["KG"])
    assert twilio.call_count == 1 and kg_gateway.call_count == 1
    assert sms.outbox == []


def test_a_market_missing_its_own_credentials_falls_back_to_the_console(twilio):
    assert isinstance(sms.provider_for(MARKETS["KG"]), sms.ConsoleProvider)
    sms.send_sms(phone=KG_PHONE, text="hi", market=MARKETS["KG"])
    assert twilio.call_count == 0 and sms.outbox[0].provider == "console"


def test_twilio_without_a_sender_is_not_configured(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, "token"
    assert isinstance(sms.provider_for(MARKETS["US"]), sms.ConsoleProvider)


# --- Twilio --------------------------------------------------------------------------------------


def test_twilio_gets_a_messages_create_request_and_its_sid_is_returned(twilio, settings):
    message_id = sms.send_sms(phone=US_PHONE, text="MARQUE code: 123456", market=MARKETS["US"])
    assert message_id == TWILIO_MESSAGE["sid"]
    args, kwargs = twilio.call_args
    method, url = args[:2]
    assert method == "POST"
    assert url == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert kwargs["data"] == {"To": US_PHONE, "Body": "MARQUE code: 123456", "From": "+15005550006"}
    assert kwargs["auth"] == (ACCOUNT_SID, "twilio-auth-token")


def test_twilio_sends_through_a_messaging_service_when_one_is_set(twilio, settings):
    settings.TWILIO_FROM_NUMBER, settings.TWILIO_MESSAGING_SERVICE_SID = "", "MG" + "c3" * 16
    sms.send_sms(phone=US_PHONE, text="hi", market=MARKETS["US"])
    assert twilio.call_args.kwargs["data"]["MessagingServiceSid"] == "MG" + "c3" * 16
    assert "From" not in twilio.call_args.kwargs["data"]


def test_a_twilio_refusal_is_an_sms_error(twilio):
    twilio.return_value = Response(400, json.dumps(TWILIO_INVALID_TO))
    with pytest.raises(sms.SMSError):
        sms.send_sms(phone=US_PHONE, text="hi", market=MARKETS["US"])


@pytest.mark.parametrize("failure", [requests.exceptions.ReadTimeout(), requests.exceptions.ConnectionError()])
def test_twilio_timeouts_and_network_errors_are_sms_errors(twilio, failure):
    twilio.side_effect = failure
    with pytest.raises(sms.SMSError):
        sms.send_sms(phone=US_PHONE, text="hi", market=MARKETS["US"])


def test_twilio_is_asked_with_the_configured_timeout(settings):
    settings.SMS_TIMEOUT = 4.5
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, "token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    with mock.patch("requests.Session.send") as send:
        send.return_value = mock.Mock(status_code=201, text=json.dumps(TWILIO_MESSAGE), headers={})
        sms.send_sms(phone=US_PHONE, text="hi", market=MARKETS["US"])
    assert send.call_args.kwargs["timeout"] == 4.5


# --- the KG gateway ----------------------------------------------------------------------------


def test_the_kg_gateway_gets_the_xml_message_and_its_id_is_returned(kg_gateway, settings):
    settings.SMS_TIMEOUT = 7
    message_id = sms.send_sms(phone=KG_PHONE, text="MARQUE код: 123456", market=MARKETS["KG"])
    assert message_id == "MQ7f3a9c2d1e0b"
    request = kg_gateway.call_args.args[0]
    assert kg_gateway.call_args.kwargs["timeout"] == 7
    assert (request.full_url, request.get_method()) == ("https://smspro.nikita.kg/api/message", "POST")
    assert request.get_header("Content-type") == "application/xml; charset=utf-8"
    body = ET.fromstring(request.data)  # noqa: S314 - the XML our own code built
    assert body.tag == "message"
    assert body.findtext("login") == "marque" and body.findtext("pwd") == "gateway-password"
    assert body.findtext("sender") == "MARQUE"
    assert body.findtext("text") == "MARQUE код: 123456"
    assert [p.text for p in body.find("phones")] == ["996555123456"]
    assert 1 <= len(body.findtext("id")) <= 12


def test_each_kg_message_has_its_own_transaction_id(kg_gateway):
    sms.send_sms(phone=KG_PHONE, text="one", market=MARKETS["KG"])
    sms.send_sms(phone=KG_PHONE, text="two", market=MARKETS["KG"])
    ids = [ET.fromstring(c.args[0].data).findtext("id") for c in kg_gateway.call_args_list]  # noqa: S314
    assert len(set(ids)) == 2


def test_a_kg_gateway_refusal_is_an_sms_error_naming_the_status(kg_gateway):
    kg_gateway.return_value.__enter__.return_value.read.return_value = NIKITA_NO_FUNDS
    with pytest.raises(sms.SMSError, match="not enough funds"):
        sms.send_sms(phone=KG_PHONE, text="hi", market=MARKETS["KG"])


@pytest.mark.parametrize("answer", [b"<html>502 Bad Gateway</html>", b"not xml at all", b""])
def test_a_kg_gateway_answer_that_is_not_a_receipt_is_an_sms_error(kg_gateway, answer):
    kg_gateway.return_value.__enter__.return_value.read.return_value = answer
    with pytest.raises(sms.SMSError):
        sms.send_sms(phone=KG_PHONE, text="hi", market=MARKETS["KG"])


@pytest.mark.parametrize(
    "failure",
    [TimeoutError("timed out"), urllib.error.URLError("Name or service not known"), ConnectionResetError()],
)
def test_kg_gateway_timeouts_and_network_errors_are_sms_errors(kg_gateway, failure, caplog):
    kg_gateway.side_effect = failure
    with caplog.at_level(logging.WARNING, logger="storefront.sms"), pytest.raises(sms.SMSError):
        sms.send_sms(phone=KG_PHONE, text="MARQUE code: 654321", market=MARKETS["KG"])
    assert "failed" in caplog.text
    assert "654321" not in caplog.text  # a failure is logged without the text


# --- which failures may be tried again ----------------------------------------------------------------


def test_a_gateway_that_refuses_the_connection_may_be_tried_again():
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    provider = sms.KGGatewayProvider(
        url=f"http://127.0.0.1:{port}/api/message", login="l", password="p", sender="MARQUE", timeout=2
    )
    with pytest.raises(sms.SMSError) as refused:
        provider.send(phone="+996555123456", text="hi")
    assert refused.value.retryable


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (requests.ConnectionError("refused"), True),
        (requests.ConnectTimeout("no answer to connect"), True),
        (requests.ReadTimeout("sent, no answer"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_only_a_send_that_surely_did_not_go_out_may_be_tried_again(error, retryable):
    assert sms._surely_not_sent(error) is retryable


@pytest.mark.parametrize(
    "text",
    [
        "MARQUE code: 482913. It expires in 3 minutes.",
        "Код MARQUE: 482913. Действует 3 минуты.",
        "MARQUE коду: 482913.",
    ],
)
def test_the_console_log_shows_the_code_in_one_greppable_form_in_any_language(caplog, text):
    with caplog.at_level(logging.INFO, logger="storefront.sms"):
        sms.send_sms(phone=KG_PHONE, text=text, market=MARKETS["KG"])

    assert f"(KG, console provider) code=482913: {text}" in caplog.text


def test_the_readme_says_how_to_find_the_code_and_how_to_pick_the_port():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()

    assert "code=" in readme and "grep" in readme
    assert "make run PORT=" in readme and "HOST=" in readme
