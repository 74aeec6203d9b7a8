"""Pictures for review tests, made with Pillow: with or without EXIF GPS, in any format."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# Bishkek, as a phone camera writes it.
BISHKEK = {1: "N", 2: (42.0, 52.0, 29.0), 3: "E", 4: (74.0, 35.0, 59.0)}


def picture_bytes(image_format="JPEG", size=(800, 600), *, gps=False, orientation=None, color=(180, 40, 40)):
    image = Image.new("RGB", size, color)
    # A marker in the top-left corner, to see where it lands after turning by the orientation.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[GPS_IFD] = BISHKEK
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if image_format != "GIF" else {}
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def picture_upload(name="photo.jpg", image_format="JPEG", size=(800, 600), **kwargs):
    content = picture_bytes(image_format, size, **kwargs)
    return SimpleUploadedFile(name, content, content_type=CONTENT_TYPES[image_format])


def big_upload(megabytes=20, name="huge.jpg"):
    """A file of `megabytes` that starts like a JPEG; only its size matters."""
    head = picture_bytes("JPEG", (64, 64))
    return SimpleUploadedFile(name, head + b"\0" * (megabytes * 1024 * 1024), content_type="image/jpeg")


def text_upload(name="notes.jpg"):
    return SimpleUploadedFile(name, b"%PDF-1.7 not a picture at all\n" * 40, content_type="image/jpeg")
