"""Merchandised text in the shop's languages: category, product and banner names and copy.

The base fields (`name`, `description`, `title`…) hold the source text a merchandiser writes,
usually English; `name_ru`, `name_ky`… hold its Russian and Kyrgyz versions, edited beside it in
the admin. A page, the menu, the structured data and the API show the version of the active
language and fall back to the base text when none was written.
"""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import format_lazy
from django.utils.translation import get_language

from storefront.markets import Language

# Languages with their own content columns; English is the base fields'.
CONTENT_LANGUAGES = (Language.RU.value, Language.KY.value)


def translated(obj, field, language=None):
    """`obj.<field>` (a model or a `.values()` row) in `language` (the active one), else the base text."""
    language = language or get_language()
    if isinstance(obj, dict):  # a row of .values()
        text = obj.get(f"{field}_{language}") if language in CONTENT_LANGUAGES else None
        return text or obj.get(field, "")
    if language in CONTENT_LANGUAGES:
        text = getattr(obj, f"{field}_{language}", "")
        if text:
            return text
    return getattr(obj, field)


def translated_column(path, language=None):
    """A query expression for `path` (such as "subcategory__name") in `language`, else the base text:
    for `.values()` and `.annotate()`, where `translated` cannot reach."""
    language = language or get_language()
    if language not in CONTENT_LANGUAGES:
        return F(path)
    return Coalesce(NullIf(F(f"{path}_{language}"), Value("")), F(path))


def translation_columns(field):
    """The names of `field`'s columns in every content language (for fieldsets, values_list)."""
    return tuple(f"{field}_{language}" for language in CONTENT_LANGUAGES)


def content_field(field_class, label, language, **options):
    """A column holding `label`'s text in `language`: "name (Russian)", blank when not written."""
    return field_class(format_lazy("{} ({})", label, Language(language).label), blank=True, **options)
