"""Emails about a shopper's return, one per step (requested, approved, rejected, received, refunded),
in their language, with the words of the in-app notification and SMS (`returns.notify.texts`)."""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from emails.events import MessageKind
from emails.models import SentReturnEmail
from emails.order_emails import absolute
from emails.preferences import EMAIL, verified_address, wants
from returns.models import ReturnRequest
from returns.notify import texts
from storefront.background import RetryLater
from storefront.market_urls import market_reverse

logger = logging.getLogger(__name__)


def build_return_email(*, return_request, status: str, to: str) -> EmailMultiAlternatives:
    """The email for `return_request` reaching `status`, to `to`, in the shopper's language."""
    language = return_request.user.language if return_request.user_id else None
    with translation.override(language):
        subject, message = texts(return_request, status)
        context = {
            "subject": subject,
            "message": message,
            "return_request": return_request,
            "items": list(return_request.items.select_related("order_item")),
            "return_url": absolute(
                market_reverse("returns:return_detail", return_request.market_config, kwargs={"pk": return_request.pk})
            ),
            "profile_url": absolute(reverse("accounts:profile")),
        }
        text = render_to_string("emails/return_update.txt", context)
        html = render_to_string("emails/return_update.html", context)
    email = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    email.attach_alternative(html, "text/html")
    return email


def email_return_update(*, return_id: int, status: str) -> bool:
    """Email the shopper that their return reached `status`, once, if they take order emails at a
    verified address; True when it was sent now. A mail server failure gives the claim back first."""
    return_request = ReturnRequest.objects.select_related("order", "user", "refund").filter(pk=return_id).first()
    if return_request is None or return_request.user is None:
        return False
    user = return_request.user
    to = verified_address(user)
    if not to or not wants(user, MessageKind.ORDER_UPDATES, EMAIL):
        return False
    try:
        with transaction.atomic():
            claim = SentReturnEmail.objects.create(
                return_request=return_request, status=status, to_email=to, language=user.language
            )
    except IntegrityError:
        logger.info("Return %s: the %s email was already sent", return_request.pk, status)
        return False
    try:
        build_return_email(return_request=return_request, status=status, to=to).send()
    except (smtplib.SMTPException, OSError) as error:
        claim.delete()
        raise RetryLater(f"mail server: {error}") from error
    return True
