from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # The product page (catalog) shows the reviews section this app registers.
        from reviews import product_page  # noqa: F401
