"""A merchandiser's change to the catalog shows on the shared pages at the next request
(storefront.page_cache): every model a storefront page shows invalidates them when saved or deleted."""

from django.db.models.signals import post_delete, post_save

from catalog.models import SKU, Category, ExchangeRate, MarketPrice, Product, ProductFeature, ProductImage, Subcategory
from storefront.page_cache import invalidate_on_change

SHOWN_ON_PAGES = (Product, SKU, MarketPrice, ProductImage, ProductFeature, Category, Subcategory, ExchangeRate)

for model in SHOWN_ON_PAGES:
    post_save.connect(invalidate_on_change, sender=model, dispatch_uid=f"page-cache-save-{model._meta.label}")
    post_delete.connect(invalidate_on_change, sender=model, dispatch_uid=f"page-cache-delete-{model._meta.label}")
