from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = _("Email and message preferences")

    def ready(self):
        from checkout.notify import register_sms_consent
        from emails.preferences import takes_order_sms

        register_sms_consent(takes_order_sms)
