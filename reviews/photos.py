"""Photos shoppers attach to reviews: checked with Pillow, re-encoded without metadata, resized.

An upload is trusted for nothing: not its name, not its content type. Pillow must recognise it as a
JPEG, PNG or WebP picture of sane dimensions; the stored file is a fresh encoding of its pixels only,
so EXIF (GPS position, camera serial), XMP and comments never reach the shop's storage.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from storefront.errors import Refused

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_MEGABYTES = MAX_PHOTO_BYTES // (1024 * 1024)
MAX_PIXELS = 50_000_000  # 50 megapixels: any phone camera, well short of a decompression bomb
MAX_SIDE = 12_000
MIN_SIDE = 16
DISPLAY_SIDE = 1600  # the longest side of the stored picture
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = "image/jpeg,image/png,image/webp"
GPS_IFD = 0x8825


class PhotoRefused(Refused):
    code = "photo_refused"


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    had_location: bool


def _name_of(upload):
    return getattr(upload, "name", "") or _("The photo")


def _refuse_unreadable(upload):
    return PhotoRefused(
        _("%(name)s is not a JPEG, PNG or WebP picture.") % {"name": _name_of(upload)},
    )


def _probe(upload):
    """The format and size Pillow reads from the header, after checking the file is intact."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as probe:
                found, size = probe.format, probe.size
                probe.verify()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
        ) as error:
            raise _refuse_unreadable(upload) from error
    return found, size


def _has_location(image):
    try:
        return bool(image.getexif().get_ifd(GPS_IFD))
    except (OSError, ValueError, SyntaxError):
        return False


def _pixels_only(image, image_format):
    """A new image holding only the pixels, in a mode the format can store."""
    if image.mode in ("P", "PA", "LA", "I;16"):
        image = image.convert("RGBA")
    if image_format == "JPEG" or image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def clean_photo(upload):
    """The upload as a stored-ready picture (no metadata, longest side at most DISPLAY_SIDE).

    Raises PhotoRefused with a message for the shopper: too big, not a picture, another format,
    or absurd dimensions.
    """
    name = _name_of(upload)
    if upload.size > MAX_PHOTO_BYTES:
        raise PhotoRefused(
            _("%(name)s is larger than %(size)d MB.") % {"name": name, "size": MAX_PHOTO_MEGABYTES},
        )
    if upload.size == 0:
        raise _refuse_unreadable(upload)
    image_format, (width, height) = _probe(upload)
    if image_format not in EXTENSIONS:
        raise _refuse_unreadable(upload)
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise PhotoRefused(_("%(name)s has too many pixels; send a smaller picture.") % {"name": name})
    if min(width, height) < MIN_SIDE:
        raise PhotoRefused(_("%(name)s is too small to show.") % {"name": name})

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            had_location = _has_location(image)
            # Turn the picture upright by its EXIF orientation before that EXIF is dropped.
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE), Image.Resampling.LANCZOS)
            clean = _pixels_only(upright, image_format)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _refuse_unreadable(upload) from error

    output = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 85}, "PNG": {"optimize": True}}
    clean.save(output, image_format, **options[image_format])
    filename = f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}"
    return CleanPhoto(content=ContentFile(output.getvalue(), name=filename), had_location=had_location)


def clean_photos(uploads):
    """Every upload cleaned, or PhotoRefused for the first bad one (or for too many)."""
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise PhotoRefused(_("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS})
    return [clean_photo(upload) for upload in uploads]
