from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = _("Promotions")

    def ready(self):
        # Sale prices reach every catalog price through catalog.pricing; a sale's start or end
        # renews the shared pages through storefront.page_cache; saving one renews them at once.
        from promotions import sales  # noqa: F401
