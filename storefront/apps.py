from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "MARQUE"

    def ready(self):
        # Connects the receiver that logs admin sign-in lock-outs.
        from storefront import admin_lockout  # noqa: F401
