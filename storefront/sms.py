"""Text messages, sent through the SMS provider of the recipient's market.

One small interface: `send_sms(phone=..., text=..., market=...)` returns the provider's message id
or raises `SMSError`. The market table names each market's provider (`MARKETS[...].sms_provider`):
Twilio for US, the Kyrgyz gateway for KG. A provider without credentials falls back to the console
provider, which writes the message to the log (logger "storefront.sms") and to `outbox`, so the
shop runs offline and tests can read what was sent.
"""

import logging
import re
import socket
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Protocol

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client as TwilioClient

from storefront.markets import MarketConfig

logger = logging.getLogger("storefront.sms")

# A sign-in code in a message's text: six digits standing alone (settings.ALLAUTH_USER_CODE_FORMAT).
CODE_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?!\d)")

# Every message the console provider "sent", oldest first; tests read and clear it.
outbox: list["SMSMessage"] = []

# The most a gateway's answer may weigh; anything bigger is not a send receipt.
MAX_RESPONSE_BYTES = 64 * 1024


class SMSError(Exception):
    """The provider refused the message or could not be reached in time.

    `retryable` is True only when the message surely did not go out and another try may get it
    through (the provider could not be connected to, was overloaded or asked us to slow down); after
    a timeout it might have gone out, so it is False then, and a code is never texted twice.
    """

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


def _surely_not_sent(error: BaseException) -> bool:
    """Whether `error`, raised while handing a message over, proves the provider did not take it."""
    status = getattr(error, "status", None) or getattr(error, "code", None)
    if isinstance(status, int):
        return status == 429 or status >= 500
    if isinstance(error, requests.ConnectionError):
        # A connect timeout is a ConnectionError too; a read timeout is not (it may have gone out).
        return not isinstance(error, requests.ReadTimeout)
    reason = getattr(error, "reason", error)
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror))


@dataclass(frozen=True)
class SMSMessage:
    phone: str
    text: str
    market: str
    provider: str


class SMSProvider(Protocol):
    name: str

    def send(self, *, phone: str, text: str) -> str:
        """Hand the message to the provider; return its message id or raise SMSError."""


class ConsoleProvider:
    """Prints the message to the server log and keeps it in `outbox` (no credentials needed)."""

    name = "console"

    def __init__(self, market: str):
        self.market = market

    def send(self, *, phone: str, text: str) -> str:
        outbox.append(SMSMessage(phone=phone, text=text, market=self.market, provider=self.name))
        # The code in one fixed form whatever the message's language: `grep code=` finds it in the log.
        code = CODE_IN_TEXT.search(text)
        shown = f" code={code.group()}" if code else ""
        logger.info("SMS to %s (%s, console provider)%s: %s", phone, self.market, shown, text)
        return f"console-{uuid.uuid4().hex[:12]}"


class TwilioProvider:
    """Twilio's Messages API through the `twilio` SDK."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid,
        auth_token,
        from_number="",
        messaging_service_sid="",
        timeout=5.0,
        base_url="https://api.twilio.com",
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.timeout = timeout
        self.base_url = base_url

    def send(self, *, phone: str, text: str) -> str:
        # A deadline on every request and no retries: the shopper asks for a new code instead.
        http = TwilioHttpClient(timeout=self.timeout, max_retries=0)
        client = TwilioClient(self.account_sid, self.auth_token, http_client=http)
        client.api.base_url = self.base_url
        sender = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        try:
            message = client.messages.create(to=phone, body=text, **sender)
        except (TwilioException, requests.RequestException, OSError) as exc:
            raise SMSError(
                f"Twilio did not accept the message: {exc.__class__.__name__}", retryable=_surely_not_sent(exc)
            ) from exc
        return message.sid


class KGGatewayProvider:
    """A Kyrgyz SMS gateway speaking the Nikita smspro XML API (`POST <message>…</message>`).

    Request: login, pwd, a transaction id, the approved sender name, the text and the phones
    (digits only, such as 996555123456). Answer: `<response><id/><status/>…</response>`, where
    status 0 means accepted; any other status is a refusal (bad login, no funds, sender not
    approved, wrong number…).
    """

    name = "kg_gateway"
    STATUSES = {
        1: "malformed request",
        2: "wrong login or password",
        3: "sender IP address not allowed",
        4: "not enough funds",
        5: "sender name not approved",
        6: "blocked by stop words",
        7: "wrong phone number",
        8: "wrong send time",
        9: "blocked by the spam filter",
        10: "repeated transaction id",
        11: "test request, not sent",
    }

    def __init__(self, *, url, login, password, sender, timeout=5.0):
        self.url = url
        self.login = login
        self.password = password
        self.sender = sender
        self.timeout = timeout

    def request_body(self, *, transaction_id: str, phone: str, text: str) -> bytes:
        message = ET.Element("message")
        for tag, value in [
            ("login", self.login),
            ("pwd", self.password),
            ("id", transaction_id),
            ("sender", self.sender),
            ("text", text),
        ]:
            ET.SubElement(message, tag).text = value
        phones = ET.SubElement(message, "phones")
        ET.SubElement(phones, "phone").text = phone.lstrip("+")
        return ET.tostring(message, encoding="utf-8", xml_declaration=True)

    def send(self, *, phone: str, text: str) -> str:
        transaction_id = uuid.uuid4().hex[:12]
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's configured https gateway
            self.url,
            data=self.request_body(transaction_id=transaction_id, phone=phone, text=text),
            headers={"Content-Type": "application/xml; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read(MAX_RESPONSE_BYTES)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SMSError(
                f"The KG SMS gateway could not be reached: {exc.__class__.__name__}", retryable=_surely_not_sent(exc)
            ) from exc
        try:
            # The gateway's own answer, size-capped; expat refuses entity expansion bombs.
            root = ET.fromstring(payload)  # noqa: S314
            status = int(root.findtext("status", default=""))
        except (ET.ParseError, ValueError) as exc:
            raise SMSError("The KG SMS gateway answered something other than a send receipt.") from exc
        if status != 0:
            raise SMSError(f"The KG SMS gateway refused the message: {self.STATUSES.get(status, status)}")
        return root.findtext("id") or transaction_id


def provider_for(market: MarketConfig) -> SMSProvider:
    """The provider that texts numbers of `market`: its own when configured, else the console."""
    twilio_sender = settings.TWILIO_FROM_NUMBER or settings.TWILIO_MESSAGING_SERVICE_SID
    if market.sms_provider == "twilio" and settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and twilio_sender:
        return TwilioProvider(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            timeout=settings.SMS_TIMEOUT,
            base_url=settings.TWILIO_API_BASE,
        )
    if market.sms_provider == "kg_gateway" and settings.KG_SMS_GATEWAY_LOGIN and settings.KG_SMS_GATEWAY_PASSWORD:
        return KGGatewayProvider(
            url=settings.KG_SMS_GATEWAY_URL,
            login=settings.KG_SMS_GATEWAY_LOGIN,
            password=settings.KG_SMS_GATEWAY_PASSWORD,
            sender=settings.KG_SMS_GATEWAY_SENDER,
            timeout=settings.SMS_TIMEOUT,
        )
    return ConsoleProvider(market.code)


def send_sms(*, phone: str, text: str, market: MarketConfig) -> str:
    """Text `phone` (E.164) through its market's provider; the provider's message id, or SMSError."""
    provider = provider_for(market)
    try:
        return provider.send(phone=phone, text=text)
    except SMSError:
        # Never log the text: it may hold a sign-in code.
        logger.warning("SMS to %s through %s failed", phone, provider.name, exc_info=True)
        raise
