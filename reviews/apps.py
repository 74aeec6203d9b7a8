from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # The product page (catalog) shows the reviews section this app registers.
        # A review published, hidden or removed shows on the shared product pages at the next request.
        from django.db.models.signals import post_delete, post_save

        from reviews import product_page  # noqa: F401
        from reviews.models import Review
        from storefront.page_cache import invalidate_on_change

        post_save.connect(invalidate_on_change, sender=Review, dispatch_uid="page-cache-save-review")
        post_delete.connect(invalidate_on_change, sender=Review, dispatch_uid="page-cache-delete-review")
