"""Emails about a shopper's return, one per step (requested, approved, rejected, received, refunded),
in their language, with the words of the in-app notification and SMS (`returns.notify.texts`)."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from emails.events import MessageKind
from emails.models import SentReturnEmail
from emails.order_emails import absolute, send_once
from returns.models import ReturnRequest
from returns.notify import texts
from storefront.market_urls import market_reverse


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
    verified address (`emails.order_emails.send_once`)."""
    return_request = ReturnRequest.objects.select_related("order", "user", "refund").filter(pk=return_id).first()
    if return_request is None or return_request.user is None:
        return False
    user = return_request.user
    return send_once(
        user,
        MessageKind.ORDER_UPDATES,
        claim=lambda to: SentReturnEmail.objects.create(
            return_request=return_request, status=status, to_email=to, language=user.language
        ),
        build=lambda to: build_return_email(return_request=return_request, status=status, to=to),
        already=f"Return {return_request.pk}: the {status} email",
    )
