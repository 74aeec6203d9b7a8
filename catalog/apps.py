from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        # Connects the receivers that drop the cached category menus when a category changes.
        # Connects the receivers that renew the shared pages when the catalog changes.
        from catalog import (
            facets,
            freshness,  # noqa: F401
            navigation,  # noqa: F401
        )

        # Recount the listings' facets when what they count changes.
        facets.connect_receivers()
