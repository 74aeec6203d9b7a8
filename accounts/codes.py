"""The one policy for SMS codes, shared by the web sign-in and the JSON API.

- 6 digits, valid 3 minutes to sign in and 10 minutes to sign up (allauth's
  ACCOUNT_LOGIN_BY_CODE_TIMEOUT / ACCOUNT_PHONE_VERIFICATION_TIMEOUT), single use, bound to the
  session (or API client key) that asked for it.
- At most 3 wrong tries per code, counted by one atomic UPDATE in the database, so parallel
  guesses cannot get more tries than that.
- Send limits per phone number (minute, day) and per IP address (minute; IPv6 per /64), counted
  from the VerificationCode rows, failed sends included: over a limit, CodeLimitExceeded (429).
- Only +996 and +1 (US) numbers: anything else is refused before a row or an SMS exists.
- The same answer whether or not a number has an account. A new number gets a sign-up code;
  on a login-only path (`allow_signup=False`) an unknown number gets no SMS at all, yet a row
  is recorded so that limits and answers stay the same.
- Only a keyed hash of the code is stored. The code itself is drawn by the task that texts it
  (`deliver_code`), so it never sits in the database or in a task queue's arguments.
"""

import hashlib
import ipaddress
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from allauth.account import app_settings as allauth_settings
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User, VerificationCode
from storefront import sms
from storefront.background import RetryLater, enqueue_after_commit
from storefront.errors import Refused
from storefront.markets import get_market, normalize_phone

logger = logging.getLogger(__name__)

CODE_LENGTH = 6
HASH_ALGORITHM = "hmac-sha256"
# A row whose code was never drawn (no SMS for an unknown number on a login-only path).
NEVER_SENT = "!"
PENDING = ""


class CodeLimitExceeded(Refused):
    """Too many codes asked for; `message` says what to do, `retry_after` in seconds."""

    code = "too_many_requests"

    def __init__(self, message, *, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


class CodeRejected(Exception):
    """The code cannot sign anyone in; `reason` is one of the constants below."""

    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    TOO_MANY_TRIES = "too_many_tries"
    UNKNOWN = "unknown"

    MESSAGES = {
        WRONG: gettext_lazy("That code is not right. Check the SMS and try again."),
        EXPIRED: gettext_lazy("This code has expired. Ask for a new one."),
        USED: gettext_lazy("This code was already used. Ask for a new one."),
        TOO_MANY_TRIES: gettext_lazy("Too many wrong tries for this code. Ask for a new one."),
        UNKNOWN: gettext_lazy("This code is no longer valid. Ask for a new one."),
    }

    def __init__(self, reason, *, tries_left=0):
        super().__init__(reason)
        self.reason = reason
        self.tries_left = tries_left

    @property
    def message(self):
        return self.MESSAGES[self.reason]


@dataclass(frozen=True)
class Lifetimes:
    login: timedelta
    signup: timedelta


def lifetimes() -> Lifetimes:
    """How long codes live: never more than 10 minutes, whatever the settings say."""
    ceiling = 10 * 60
    return Lifetimes(
        login=timedelta(seconds=min(allauth_settings.LOGIN_BY_CODE_TIMEOUT, ceiling)),
        signup=timedelta(seconds=min(allauth_settings.PHONE_VERIFICATION_TIMEOUT, ceiling)),
    )


def max_tries() -> int:
    return min(allauth_settings.LOGIN_BY_CODE_MAX_ATTEMPTS, allauth_settings.PHONE_VERIFICATION_MAX_ATTEMPTS, 3)


def hash_code(code: str, *, phone: str, salt: str | None = None) -> str:
    """A keyed (SECRET_KEY) hash of `code` for `phone`, with a per-code salt."""
    salt = salt or secrets.token_hex(8)
    digest = salted_hmac("accounts.codes", f"{salt}:{phone}:{code}", algorithm="sha256").hexdigest()
    return f"{HASH_ALGORITHM}${salt}${digest}"


def code_matches(stored: str, code: str, *, phone: str) -> bool:
    """Whether `code` is the one hashed in `stored` (constant time; pending/never-sent never match)."""
    algorithm, _sep, rest = stored.partition("$")
    salt, _sep, _digest = rest.partition("$")
    if algorithm != HASH_ALGORITHM or not salt:
        # Spend the same time as a real comparison.
        constant_time_compare(hash_code(code, phone=phone), hashlib.sha256(b"x").hexdigest())
        return False
    return constant_time_compare(stored, hash_code(code, phone=phone, salt=salt))


def generate_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def limit_address(ip_address: str | None) -> str | None:
    """The address limits count by: an IPv4 address, or the /64 network of an IPv6 one
    (one subscriber usually holds a whole /64 and could otherwise rotate through it)."""
    if not ip_address:
        return None
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _serialize_sends(*keys):
    """On PostgreSQL, one send at a time per phone and per IP, so concurrent requests count right."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one writing transaction at a time anyway.
    with connection.cursor() as cursor:
        for key in sorted(k for k in keys if k):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"vcode:{key}"])


def _check_limits(*, phone, ip_address, now):
    limits = settings.SMS_CODE_LIMITS
    minute_ago, day_ago = now - timedelta(minutes=1), now - timedelta(days=1)
    recent = Q(phone=phone, created_at__gt=day_ago)
    if ip_address:
        recent |= Q(ip_address=ip_address, created_at__gt=minute_ago)
    counts = VerificationCode.objects.filter(recent).aggregate(
        phone_minute=Count("pk", filter=Q(phone=phone, created_at__gt=minute_ago)),
        phone_day=Count("pk", filter=Q(phone=phone)),
        ip_minute=Count("pk", filter=Q(ip_address=ip_address, created_at__gt=minute_ago) if ip_address else Q(pk=None)),
    )
    if counts["phone_day"] >= limits["phone_per_day"]:
        raise CodeLimitExceeded(
            _("Too many codes were sent to this number today. Try again tomorrow."), retry_after=24 * 60 * 60
        )
    if counts["phone_minute"] >= limits["phone_per_minute"]:
        raise CodeLimitExceeded(
            _("A code was just sent to this number. Wait a minute before asking for another one."), retry_after=60
        )
    if ip_address and counts["ip_minute"] >= limits["ip_per_minute"]:
        raise CodeLimitExceeded(
            _("Too many codes were asked for from your network. Try again in a minute."), retry_after=60
        )


def issue_code(*, phone: str, session_key: str, ip_address: str | None, allow_signup: bool = True) -> VerificationCode:
    """Record a new code for `phone` and text it after commit, or raise a refusal.

    The code remembers the active language (the page's or the app's), for a new number's SMS.

    Raises PhoneNumberRefused (not +996/+1) before anything is written or sent, and
    CodeLimitExceeded over a send limit. The caller's answer must not depend on the returned
    row's purpose: that is what keeps known and unknown numbers indistinguishable.
    """
    if not session_key:
        raise ValueError("A code is bound to a session: pass its key.")
    phone, market = normalize_phone(phone)
    ip_address = limit_address(ip_address)
    now = timezone.now()
    with transaction.atomic():
        _serialize_sends(f"phone:{phone}", ip_address and f"ip:{ip_address}")
        _check_limits(phone=phone, ip_address=ip_address, now=now)
        has_account = User.objects.filter(phone=phone).exists()
        texted = has_account or allow_signup
        purpose = VerificationCode.Purpose.LOGIN if has_account or not allow_signup else VerificationCode.Purpose.SIGNUP
        lifetime = lifetimes().login if purpose == VerificationCode.Purpose.LOGIN else lifetimes().signup
        # A new code replaces the ones this session asked for earlier for the same number.
        VerificationCode.objects.filter(phone=phone, session_key=session_key, is_used=False, expires_at__gt=now).update(
            expires_at=now
        )
        verification = VerificationCode.objects.create(
            phone=phone,
            market=market,
            purpose=purpose,
            code=PENDING if texted else NEVER_SENT,
            session_key=session_key,
            ip_address=ip_address,
            language=translation.get_language() or "",
            expires_at=now + lifetime,
        )
        if texted:
            enqueue_after_commit(
                "accounts.tasks.send_verification_code",
                verification.pk,
                # A broken queue must not break the request: the shopper is told and may try again.
                on_failure=partial(mark_send_failed, verification.pk),
            )
    return verification


def mark_send_failed(verification_id):
    """The code of this row could not be texted: the sign-in page tells the shopper to ask again."""
    VerificationCode.objects.filter(pk=verification_id).update(send_failed=True)


def message_for(verification: VerificationCode, code: str) -> str:
    """The SMS text, in the shopper's language; for a new number, the one they asked in."""
    user = User.objects.filter(phone=verification.phone).only("language").first()
    market = get_market(verification.market)
    asked_in = verification.language if verification.language in market.languages else market.default_language
    language = user.language if user else asked_in
    minutes = round((verification.expires_at - verification.created_at).total_seconds() / 60)
    with translation.override(language):
        return _("MARQUE code: %(code)s. It expires in %(minutes)d minutes. Never share it.") % {
            "code": code,
            "minutes": minutes,
        }


def deliver_code(*, verification_id: int) -> bool:
    """Draw the code, store its hash and text it; on a provider failure mark the row failed.

    Runs once per row: a repeated delivery finds the hash already set and sends nothing. When the
    provider surely did not take the text (`SMSError.retryable`) the row is given back and
    RetryLater raised, so the task may try again with a new code; `mark_send_failed` once it gives up.
    """
    verification = VerificationCode.objects.filter(pk=verification_id).first()
    if verification is None or verification.code != PENDING:
        return False
    if verification.is_expired:
        # A queue that ran late: a code nobody can use any more is not worth an SMS.
        mark_send_failed(verification.pk)
        return False
    code = generate_code()
    claimed_hash = hash_code(code, phone=verification.phone)
    claimed = VerificationCode.objects.filter(pk=verification.pk, code=PENDING).update(code=claimed_hash)
    if not claimed:
        return False
    try:
        sms.send_sms(
            phone=verification.phone,
            text=message_for(verification, code),
            market=get_market(verification.market),
        )
    except Exception as exc:
        if isinstance(exc, sms.SMSError) and exc.retryable:
            # The text surely did not go out: give the row back, so another try draws a new code.
            VerificationCode.objects.filter(pk=verification.pk, code=claimed_hash).update(code=PENDING)
            raise RetryLater(str(exc)) from exc
        if not isinstance(exc, sms.SMSError):
            logger.exception("Unexpected failure texting verification code %s", verification.pk)
        mark_send_failed(verification.pk)
        return False
    return True


def verify_code(*, verification_id: int, session_key: str, code: str) -> VerificationCode:
    """The code row, now used, when `code` is right; CodeRejected otherwise.

    A try is reserved by an atomic UPDATE before the code is compared, so however many guesses
    arrive at once, at most `max_tries()` of them are ever evaluated.
    """
    now = timezone.now()
    verification = VerificationCode.objects.filter(pk=verification_id, session_key=session_key).first()
    if verification is None or not session_key:
        raise CodeRejected(CodeRejected.UNKNOWN)
    if verification.is_used:
        raise CodeRejected(CodeRejected.USED)
    if verification.expires_at <= now:
        raise CodeRejected(CodeRejected.EXPIRED)
    limit = max_tries()
    reserved = VerificationCode.objects.filter(
        pk=verification.pk, is_used=False, expires_at__gt=now, attempts__lt=limit
    ).update(attempts=F("attempts") + 1)
    if not reserved:
        verification.refresh_from_db(fields=["is_used", "attempts"])
        raise CodeRejected(CodeRejected.USED if verification.is_used else CodeRejected.TOO_MANY_TRIES)
    verification.refresh_from_db(fields=["code", "attempts"])
    if not code_matches(verification.code, (code or "").strip(), phone=verification.phone):
        tries_left = max(limit - verification.attempts, 0)
        if not tries_left:
            raise CodeRejected(CodeRejected.TOO_MANY_TRIES)
        raise CodeRejected(CodeRejected.WRONG, tries_left=tries_left)
    # The right code was not a wrong try: give the reserved one back while using the code up.
    used = VerificationCode.objects.filter(pk=verification.pk, is_used=False).update(
        is_used=True, attempts=F("attempts") - 1
    )
    if not used:
        raise CodeRejected(CodeRejected.USED)
    verification.refresh_from_db()
    return verification
