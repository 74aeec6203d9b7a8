from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "help"
    verbose_name = _("Help pages")

    def ready(self):
        # A merchandiser's edit shows on the shared pages (storefront.page_cache) at the next request.
        from django.db.models.signals import post_delete, post_save

        from help.models import HelpPage
        from storefront.page_cache import invalidate_on_change

        post_save.connect(invalidate_on_change, sender=HelpPage, dispatch_uid="page-cache-save-helppage")
        post_delete.connect(invalidate_on_change, sender=HelpPage, dispatch_uid="page-cache-delete-helppage")
