"""The demo catalog's texts in the shop's other content languages (storefront.content)."""

from demo.content_translations import CONTENT
from storefront.content import CONTENT_LANGUAGES


def in_content_languages(field, text):
    """`{"name_ru": …, "name_ky": …}` for a demo text that has translations, else `{}`."""
    versions = CONTENT.get(text)
    if versions is None:
        return {}
    return {f"{field}_{language}": version for language, version in zip(CONTENT_LANGUAGES, versions, strict=True)}
