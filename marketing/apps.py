from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        # A banner's change shows on the shared pages (storefront.page_cache) at the next request, and
        # its start and end at their moment.
        from django.db.models.signals import post_delete, post_save

        from marketing.models import Banner
        from storefront.page_cache import invalidate_on_change, register_schedule

        register_schedule(Banner.objects.next_boundary)
        post_save.connect(invalidate_on_change, sender=Banner, dispatch_uid="page-cache-save-banner")
        post_delete.connect(invalidate_on_change, sender=Banner, dispatch_uid="page-cache-delete-banner")
