from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = _("Promotions")

    def ready(self):
        # Sale prices reach every catalog price through catalog.pricing; a sale's start or end
        # renews the shared pages through storefront.page_cache; saving one renews them at once.
        from auditlog.registry import auditlog

        from promotions import sales  # noqa: F401
        from promotions.models import DiscountCode, Sale

        # Who changed a promotion, and how (shown on its admin page's history).
        auditlog.register(
            Sale, exclude_fields=["created_at", "updated_at"], m2m_fields={"products", "categories", "skus"}
        )
        auditlog.register(DiscountCode, exclude_fields=["created_at", "updated_at", "times_used"])
