"""The email that carries a verification link."""

import smtplib

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from emails.services import VERIFICATION_MAX_AGE, verification_url
from storefront.background import RetryLater


def send_verification_email(*, user, email: str) -> bool:
    """Mail the link to `email` unless the profile has another address by now; True when sent."""
    if user.email.strip().casefold() != email.strip().casefold():
        return False
    with translation.override(user.language):
        subject = _("Confirm your email address for MARQUE")
        context = {
            "url": verification_url(user=user, email=email),
            "days": VERIFICATION_MAX_AGE // 86400,
            "subject": subject,
        }
        text = render_to_string("emails/verify_address.txt", context)
        html = render_to_string("emails/verify_address.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise RetryLater(f"mail server: {error}") from error
    return True
