from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        # Connects the receivers that drop the cached category menus when a category changes.
        from catalog import navigation  # noqa: F401
