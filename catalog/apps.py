from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        # Importing freshness connects the receivers that renew the shared pages (and with them the
        # kept category menus and rows) when what they show changes.
        from catalog import audit, facets, freshness, search, search_index, selectors, stock  # noqa: F401
        from catalog.models import SKU, Category, Product, Subcategory
        from storefront.market_urls import register_market_landing

        # A shopper switching markets on a product the other market does not sell lands on its category.
        register_market_landing("catalog:product_detail", selectors.product_landing)
        # Who changed products, SKUs and prices, and how (catalog.audit).
        audit.register()
        # Recount the listings' facets when what they count changes.
        facets.connect_receivers()
        connection_created.connect(search.set_typo_similarity, dispatch_uid="search.set_typo_similarity")
        # The stored search columns follow a product's text, its SKUs' colors and its category's and
        # subcategory's names.
        post_save.connect(search_index.product_saved, sender=Product, dispatch_uid="search_index.product_saved")
        post_save.connect(search_index.sku_saved, sender=SKU, dispatch_uid="search_index.sku_saved")
        post_delete.connect(search_index.sku_deleted, sender=SKU, dispatch_uid="search_index.sku_deleted")
        # A product is in stock while any active SKU has stock (catalog.stock).
        post_save.connect(stock.sku_changed, sender=SKU, dispatch_uid="stock.sku_saved")
        post_delete.connect(stock.sku_changed, sender=SKU, dispatch_uid="stock.sku_deleted")
        for model in (Category, Subcategory):
            uid = f"search_index.{model._meta.model_name}"
            pre_save.connect(search_index.remember_names, sender=model, dispatch_uid=f"{uid}.remember_names")
            post_save.connect(search_index.names_saved, sender=model, dispatch_uid=f"{uid}.names_saved")
