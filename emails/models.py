"""A shopper's choice of channel per kind of message, their verified email address, and the
order emails already sent (so no event is emailed twice)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from emails.events import MessageKind, OrderEvent


class MessagePreferences(models.Model):
    """Which messages come by SMS and which by email. Until a shopper saves their own, the defaults
    of the fields hold: SMS as before, and email once an address is verified."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="message_preferences",
        verbose_name=_("user"),
    )
    order_updates_sms = models.BooleanField(_("order updates by SMS"), default=True)
    order_updates_email = models.BooleanField(_("order updates by email"), default=True)
    shipping_updates_sms = models.BooleanField(_("shipping updates by SMS"), default=True)
    shipping_updates_email = models.BooleanField(_("shipping updates by email"), default=True)
    # The address the shopper proved is theirs; the profile's address is verified while they match,
    # so changing it resets the verification without anything else to clear.
    verified_email = models.EmailField(_("verified email"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message preferences")
        verbose_name_plural = _("message preferences")

    def __str__(self):
        return str(self.user)

    def wants(self, kind: str, channel: str) -> bool:
        """Whether messages of `kind` (a MessageKind) go by `channel` ("sms" or "email")."""
        return getattr(self, f"{MessageKind(kind).value}_{channel}")

    def email_verified_for(self, email: str) -> bool:
        return bool(email) and self.verified_email.casefold() == email.strip().casefold()


class SentRecord(models.Model):
    """An email that went out (or is going out right now): to whom, in which language, when. Its row
    claims the email before it is sent (`emails.order_emails.send_once`), so it goes out once."""

    to_email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=5)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-sent_at"]


class SentReturnEmail(SentRecord):
    """A return's email: one row per return and step."""

    return_request = models.ForeignKey(
        "returns.ReturnRequest", on_delete=models.CASCADE, related_name="sent_emails", verbose_name=_("return")
    )
    status = models.CharField(_("status"), max_length=20)

    class Meta(SentRecord.Meta):
        verbose_name = _("sent return email")
        verbose_name_plural = _("sent return emails")
        constraints = [
            models.UniqueConstraint(fields=["return_request", "status"], name="sent_email_once_per_return_step")
        ]

    def __str__(self):
        return f"{self.return_request_id} {self.status} → {self.to_email}"


class SentParcelEmail(SentRecord):
    """The email about a later parcel of an order (`shipments.notify`): one row per parcel."""

    parcel = models.OneToOneField(
        "shipments.Parcel", on_delete=models.CASCADE, related_name="sent_email", verbose_name=_("parcel")
    )

    class Meta(SentRecord.Meta):
        verbose_name = _("sent parcel email")
        verbose_name_plural = _("sent parcel emails")

    def __str__(self):
        return f"{self.parcel_id} → {self.to_email}"


class SentEmail(SentRecord):
    """An order email: one row per order and event."""

    order = models.ForeignKey(
        "checkout.Order", on_delete=models.CASCADE, related_name="sent_emails", verbose_name=_("order")
    )
    event = models.CharField(_("event"), max_length=20, choices=OrderEvent.choices)

    class Meta(SentRecord.Meta):
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        constraints = [models.UniqueConstraint(fields=["order", "event"], name="sent_email_once_per_order_event")]

    def __str__(self):
        return f"{self.order_id} {self.event} → {self.to_email}"
