from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = _("Promotions")

    def ready(self):
        # Sale prices reach every catalog price through catalog.pricing; a sale's start or end
        # renews the shared pages through storefront.page_cache; saving one renews them at once.
        from auditlog.registry import auditlog

        from catalog.audit import own_fields
        from promotions import sales  # noqa: F401
        from promotions.models import DiscountCode, Sale

        # Who changed a promotion, and how (shown on its admin page's history).
        auditlog.register(
            Sale,
            include_fields=own_fields(Sale, ["created_at", "updated_at"]),
            m2m_fields={"products", "categories", "skus"},
        )
        code_fields = own_fields(DiscountCode, ["created_at", "updated_at", "times_used"])
        auditlog.register(DiscountCode, include_fields=code_fields)
