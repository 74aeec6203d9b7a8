"""The few pictures the benchmark's products share, drawn once into the media storage."""

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from bench.catalog import COLORS, PICTURES

SIZE = (480, 600)


def picture_name(n):
    return f"bench/look-{n}.jpg"


def draw_pictures():
    """Write bench/look-0.jpg … in the media storage, leaving the ones already there."""
    for n in range(PICTURES):
        name = picture_name(n)
        if default_storage.exists(name):
            continue
        background = COLORS[n % len(COLORS)][1]
        garment = COLORS[(n + 3) % len(COLORS)][1]
        image = Image.new("RGB", SIZE, background)
        ImageDraw.Draw(image).rounded_rectangle((120, 110, 360, 500), radius=40, fill=garment)
        buffer = BytesIO()
        image.save(buffer, "JPEG", quality=80)
        default_storage.save(name, ContentFile(buffer.getvalue()))
