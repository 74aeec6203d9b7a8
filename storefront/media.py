"""Pictures that are either uploaded here or hosted elsewhere (the original backend kept URLs)."""

from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class UploadedOrLinkedImage(models.Model):
    """An `image` upload or an external `image_url`; `picture_url` gives whichever is set."""

    image_url = models.URLField(
        _("image URL"), max_length=500, blank=True, help_text=_("Leave empty when you upload an image.")
    )

    class Meta:
        abstract = True

    @property
    def picture_url(self):
        if self.image:
            return self.image.url
        return self.image_url


# Pictures in admin lists and inlines.
ADMIN_THUMBNAIL_WIDTH = 48


def image_preview(url, alt, *, width):
    """A small <img> for an admin list or form, or a dash when there is no picture."""
    if not url:
        return "—"
    # Width only: the picture keeps its proportions (the CSP allows no inline style).
    return format_html('<img src="{}" alt="{}" width="{}" loading="lazy">', url, alt, width)


class WithRenditions(models.Model):
    """A picture (`image`) kept in several widths and formats; storefront/renditions.py makes them."""

    # The database default serves rows written without the ORM (the demo seed's COPY).
    renditions = models.JSONField(
        _("renditions"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True
