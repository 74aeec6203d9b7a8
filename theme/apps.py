from django.apps import AppConfig


class ThemeConfig(AppConfig):
    """The Tailwind sources (static_src/) and the CSS built from them (static/css/dist/)."""

    name = "theme"
