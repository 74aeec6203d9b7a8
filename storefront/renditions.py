"""Smaller, modern copies of the shop's pictures (renditions), made once per uploaded file.

A picture's model keeps, beside its `image` (a SKU's `variant_image`), a `renditions` record (a JSONField):
`{"source": <the image's name>, "width": W, "height": H, "files": [{"width": w, "height": h,
"format": "avif"|"webp"|"jpeg", "name": <storage name>}, ...]}`. Pages read it from the row they
already load (no extra query) and print a `<picture>` whose `srcset`s let the browser pick a width
for its slot; until the record matches the current image (none yet, or the image was replaced) the
page shows the original file.

Renditions are made by Pillow in the task worker after an admin save or a shopper's upload
(`queue_renditions`), and by `manage.py make_image_renditions` for the files already stored (the
demo seed runs it). A width is never larger than the source: no upscaling.
"""

import io
import logging
import posixpath
import warnings
from dataclasses import dataclass

from django.apps import apps
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

from storefront.background import enqueue_after_commit

logger = logging.getLogger(__name__)

# The models that keep renditions of their `image`, and the widths made of each kind of picture.
# Product pictures go up to 1600 px (a 2x phone or a wide screen's gallery); banners down to
# 480 px so a phone's 358 px slot never gets the 1600 px original.
WIDTHS = {
    "product": (320, 480, 800, 1200, 1600),
    "banner": (320, 480, 800, 1200, 1600),
    "review": (160, 320, 640),
}
MODELS = {
    "catalog.product": "product",
    "catalog.productimage": "product",
    # A variant's own picture: the product page's gallery when it is picked, its cart line.
    "catalog.sku": "product",
    "marketing.banner": "banner",
    "reviews.reviewimage": "review",
}
# The picture's field where it is not `image`.
IMAGE_FIELDS = {"catalog.sku": "variant_image"}
QUALITY = {"avif": 55, "webp": 78, "jpeg": 82}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
FOLDER = "renditions"


class RenditionError(Exception):
    """The stored file cannot be turned into renditions (missing, not a picture, damaged)."""


def formats() -> tuple[str, ...]:
    """The formats made, best first; JPEG last, as the fallback every browser reads."""
    modern = ("avif", "webp") if features.check("avif") else ("webp",)
    return (*modern, "jpeg")


def widths_for(kind: str, source_width: int) -> list[int]:
    """The kind's widths no larger than the source, plus the source's own width when it falls
    between them (a 1000 px source gets 320, 480, 800 and 1000)."""
    chosen = [width for width in WIDTHS[kind] if width <= source_width]
    if source_width < WIDTHS[kind][-1] and source_width not in chosen:
        chosen.append(source_width)
    return chosen


def rendition_name(source: str, width: int, image_format: str) -> str:
    stem, _extension = posixpath.splitext(source)
    return f"{FOLDER}/{stem}-{width}w.{EXTENSION[image_format]}"


def stored_renditions_of(source: str, storage) -> list[str]:
    """The names of the renditions of `source` in `storage`, whatever their widths."""
    stem, _extension = posixpath.splitext(f"{FOLDER}/{source}")
    folder, prefix = posixpath.split(stem)
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [
        posixpath.join(folder, name)
        for name in files
        if name.startswith(f"{prefix}-") and name.removeprefix(f"{prefix}-").split("w.")[0].isdigit()
    ]


def is_current(record, field_file) -> bool:
    """The record was made from the file the field holds now."""
    return bool(field_file and record and record.get("source") == field_file.name and record.get("files"))


def _open(field_file):
    try:
        field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise RenditionError(_("The file %(name)s is missing.") % {"name": field_file.name}) from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(field_file) as opened:
                opened.load()
                picture = ImageOps.exif_transpose(opened)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        raise RenditionError(
            _("The file %(name)s is not a picture Pillow can read.") % {"name": field_file.name}
        ) from error
    finally:
        field_file.close()
    if picture.mode not in ("RGB", "L"):
        flat = Image.new("RGB", picture.size, "white")
        rgba = picture.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        picture = flat
    return picture.convert("RGB")


def make_renditions(field_file, *, kind: str) -> dict:
    """The renditions record of `field_file`, writing each file not already in its storage.

    Running it again for the same file writes nothing; a file that is not a picture raises
    RenditionError naming it.
    """
    if not field_file:
        raise RenditionError(_("There is no uploaded file to make renditions of."))
    storage = field_file.storage
    picture = _open(field_file)
    source_width, source_height = picture.size
    files = []
    for width in widths_for(kind, source_width):
        height = max(1, round(source_height * width / source_width))
        resized = None
        for image_format in formats():
            name = rendition_name(field_file.name, width, image_format)
            if not storage.exists(name):
                if resized is None:
                    resized = (
                        picture if width == source_width else picture.resize((width, height), Image.Resampling.LANCZOS)
                    )
                buffer = io.BytesIO()
                resized.save(buffer, image_format.upper(), quality=QUALITY[image_format])
                saved = storage.save(name, ContentFile(buffer.getvalue()))
                if saved != name:  # a file appeared meanwhile: keep the one whose name we record
                    storage.delete(saved)
            files.append({"width": width, "height": height, "format": image_format, "name": name})
    return {"source": field_file.name, "width": source_width, "height": source_height, "files": files}


def kind_of(model) -> str:
    return MODELS[model._meta.label_lower]


def image_field(model) -> str:
    """The name of the field of `model` whose picture gets renditions."""
    return IMAGE_FIELDS.get(model._meta.label_lower, "image")


def renew_renditions(instance) -> bool:
    """Make the renditions of `instance`'s picture and store their record on its row, unless the
    row's record is current already; False when there is nothing to do."""
    field = image_field(type(instance))
    image = getattr(instance, field)
    if not image or is_current(instance.renditions, image):
        return False
    record = make_renditions(image, kind=kind_of(type(instance)))
    # Only while the row still holds the same file: a newer upload queued its own task.
    type(instance)._default_manager.filter(pk=instance.pk, **{field: image.name}).update(renditions=record)
    instance.renditions = record
    return True


def queue_renditions(instance) -> None:
    """Ask the task worker for `instance`'s renditions once the transaction commits (when its
    picture has none for the current file)."""
    image = getattr(instance, image_field(type(instance)))
    if image and not is_current(instance.renditions, image):
        enqueue_after_commit("storefront.tasks.make_image_renditions", instance._meta.label_lower, instance.pk)


def make_missing_renditions() -> tuple[int, list[str]]:
    """Renditions for every stored picture lacking current ones, each source file encoded once
    however many rows share it; the number of rows updated and the errors met."""
    updated, errors = 0, []
    for label, kind in MODELS.items():
        model = apps.get_model(label)
        field = image_field(model)
        done: dict[str, dict] = {}
        rows = model._default_manager.exclude(**{field: ""}).only("pk", field, "renditions").order_by("pk")
        for row in rows.iterator(chunk_size=500):
            image = getattr(row, field)
            if is_current(row.renditions, image):
                continue
            name = image.name
            if name not in done:
                try:
                    done[name] = make_renditions(image, kind=kind)
                except RenditionError as error:
                    errors.append(f"{label} {row.pk}: {error}")
                    done[name] = None
            if done[name] is not None:
                updated += model._default_manager.filter(pk=row.pk, **{field: name}).update(renditions=done[name])
    return updated, errors


# --- what templates print -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """What a `<picture>` needs: the original's URL, its size when known, and per format the
    srcset of its renditions (empty until they exist)."""

    url: str
    width: int | None = None
    height: int | None = None
    sources: tuple[tuple[str, str], ...] = ()  # (MIME type, srcset), best format first
    fallback_srcset: str = ""


def picture_of(field_file, record=None, *, url: str = "") -> Picture | None:
    """The Picture of an image field (and its renditions record), or of an outside `url`; None
    when there is neither."""
    if not field_file:
        return Picture(url=url) if url else None
    if not is_current(record, field_file):
        return Picture(url=field_file.url)
    storage = field_file.storage
    by_format: dict[str, list[str]] = {}
    for item in record["files"]:
        by_format.setdefault(item["format"], []).append(f"{storage.url(item['name'])} {item['width']}w")
    sources = tuple((MIME[fmt], ", ".join(entries)) for fmt, entries in by_format.items() if fmt != "jpeg")
    return Picture(
        url=field_file.url,
        width=record["width"],
        height=record["height"],
        sources=sources,
        fallback_srcset=", ".join(by_format.get("jpeg", ())),
    )
