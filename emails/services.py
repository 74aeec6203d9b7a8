"""Writes of the emails app: message preferences and email verification by a signed link."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emails.models import MessagePreferences
from emails.preferences import preferences_for
from storefront.background import enqueue_after_commit
from storefront.errors import Refused

VERIFICATION_SALT = "emails.verify-address"
VERIFICATION_MAX_AGE = 3 * 24 * 3600  # three days
RESEND_SECONDS = 60

PREFERENCE_FIELDS = ("order_updates_sms", "order_updates_email", "shipping_updates_sms", "shipping_updates_email")


class VerificationFailed(Refused):
    """The link is expired, altered, or for an address the profile no longer has."""

    code = "email_verification_failed"


@dataclass(frozen=True)
class Verified:
    email: str
    already: bool


@transaction.atomic
def save_preferences(*, user, **choices: bool) -> MessagePreferences:
    """Store which kinds of messages `user` takes by SMS and by email."""
    preferences, _created = MessagePreferences.objects.select_for_update().get_or_create(user=user)
    for field in PREFERENCE_FIELDS:
        setattr(preferences, field, bool(choices.get(field, False)))
    preferences.save(update_fields=[*PREFERENCE_FIELDS, "updated_at"])
    return preferences


def verification_token(*, user, email: str) -> str:
    return signing.TimestampSigner(salt=VERIFICATION_SALT).sign_object({"user": user.pk, "email": email})


def verification_url(*, user, email: str) -> str:
    path = reverse("accounts:email_verify", kwargs={"token": verification_token(user=user, email=email)})
    return settings.SITE_URL.rstrip("/") + path


def request_verification(*, user) -> bool:
    """Queue a verification link to the user's address, unless it has none or is verified already;
    VerificationFailed when a link was sent less than a minute ago (no mailbox gets flooded)."""
    if not user.email or preferences_for(user).email_verified_for(user.email):
        return False
    if not cache.add(f"emails:verification-sent:{user.pk}", True, RESEND_SECONDS):
        raise VerificationFailed(_("We just sent you a link. Wait a minute before asking for another."))
    enqueue_after_commit("emails.tasks.send_verification_email", user.pk, user.email)
    return True


@transaction.atomic
def verify_email(*, token: str) -> Verified:
    """Mark the address in `token` verified for its user; VerificationFailed with a clear message when
    the link expired, was altered, or names an address the profile no longer has."""
    signer = signing.TimestampSigner(salt=VERIFICATION_SALT)
    try:
        claim = signer.unsign_object(token, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise VerificationFailed(_("This link has expired. Ask for a new one on your profile.")) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise VerificationFailed(_("This link is not valid. Ask for a new one on your profile.")) from error
    if not isinstance(claim, dict):
        raise VerificationFailed(_("This link is not valid. Ask for a new one on your profile."))
    user = get_user_model().objects.filter(pk=claim.get("user")).first()
    email = str(claim.get("email") or "")
    if user is None or not email or user.email.strip().casefold() != email.casefold():
        raise VerificationFailed(_("This link is for an address your profile no longer has."))
    preferences, _created = MessagePreferences.objects.select_for_update().get_or_create(user=user)
    if preferences.email_verified_for(email):
        return Verified(email=email, already=True)
    preferences.verified_email, preferences.verified_at = user.email.strip(), timezone.now()
    preferences.save(update_fields=["verified_email", "verified_at", "updated_at"])
    return Verified(email=email, already=False)
