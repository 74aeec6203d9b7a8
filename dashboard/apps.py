from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Sales dashboard")

    def ready(self):
        # The daily figures are a cache of the orders: an order placed or moved refreshes its day.
        from django.db.models.signals import post_save

        from checkout.models import Order
        from dashboard.rollups import order_saved

        post_save.connect(order_saved, sender=Order, dispatch_uid="dashboard-order-saved")
