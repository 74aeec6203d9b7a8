from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Back-in-stock alerts")

    def ready(self):
        from alerts import product_page  # noqa: F401 - the buy box shows a shopper's waiting alerts
        from alerts.services import units_returned as receiver
        from catalog.stock import units_returned

        units_returned.connect(receiver, dispatch_uid="alerts.units_returned")
