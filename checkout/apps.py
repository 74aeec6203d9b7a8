from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckoutConfig(AppConfig):
    name = "checkout"
    verbose_name = _("Orders and carts")

    def ready(self):
        from checkout import signals  # noqa: F401  (connects the sign-in receiver)
