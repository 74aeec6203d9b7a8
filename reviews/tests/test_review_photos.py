"""Review photos: only real JPEG, PNG and WebP pictures of sane size, stored without metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reviews.photos import DISPLAY_SIDE, MAX_PHOTOS, PhotoRefused, clean_photo, clean_photos
from reviews.tests.pictures import GPS_IFD, big_upload, picture_bytes, picture_upload, text_upload


def stored(photo):
    return Image.open(io.BytesIO(photo.content.read()))


@pytest.mark.parametrize(("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_jpeg_png_and_webp_are_kept_in_their_format_under_a_new_name(image_format, extension):
    photo = clean_photo(picture_upload(f"../../etc/My Photo.{extension}", image_format))

    assert photo.content.name.endswith(f".{extension}")
    assert "My Photo" not in photo.content.name and "/" not in photo.content.name
    assert stored(photo).format == image_format


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_gps_and_every_other_exif_field_are_stripped(image_format):
    upload = picture_upload("gps.jpg", image_format, gps=True)
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(GPS_IFD), "the test picture carries GPS"
    upload.seek(0)

    photo = clean_photo(upload)

    picture = stored(photo)
    assert photo.had_location
    assert dict(picture.getexif()) == {}
    assert "exif" not in picture.info and "xmp" not in picture.info


def test_a_picture_without_location_says_so():
    assert clean_photo(picture_upload()).had_location is False


def test_a_large_picture_is_resized_for_display_keeping_its_proportions():
    photo = clean_photo(picture_upload(size=(4000, 3000)))

    assert stored(photo).size == (DISPLAY_SIDE, 1200)


def test_a_small_picture_is_not_enlarged():
    assert stored(clean_photo(picture_upload(size=(640, 480)))).size == (640, 480)


def test_a_picture_is_turned_upright_by_its_orientation_before_the_exif_goes():
    # Orientation 6: the camera was turned; the viewer rotates the picture 90° clockwise.
    photo = clean_photo(picture_upload(size=(800, 400), orientation=6))

    picture = stored(photo).convert("RGB")
    assert picture.size == (400, 800)
    # The blue marker, top-left in the sensor's frame, is top-right once upright.
    assert picture.getpixel((390, 10))[2] > 200


def test_a_file_larger_than_10_mb_is_refused_before_it_is_read():
    with pytest.raises(PhotoRefused, match="larger than 10 MB"):
        clean_photo(big_upload(20, name="holiday.jpg"))


@pytest.mark.parametrize(
    "upload",
    [
        text_upload(),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
        SimpleUploadedFile("cut.jpg", picture_bytes("JPEG")[:300], content_type="image/jpeg"),
        SimpleUploadedFile("script.png", b"<script>alert(1)</script>", content_type="image/png"),
    ],
    ids=["text", "empty", "truncated", "script"],
)
def test_a_file_that_is_not_a_picture_is_refused(upload):
    with pytest.raises(PhotoRefused, match="not a JPEG, PNG or WebP picture"):
        clean_photo(upload)


def test_a_gif_is_refused_whatever_its_name_says():
    with pytest.raises(PhotoRefused, match="not a JPEG, PNG or WebP"):
        clean_photo(picture_upload("cat.jpg", "GIF"))


def test_a_picture_with_absurd_dimensions_is_refused():
    image = Image.new("1", (9000, 6000))  # 54 megapixels, a few kilobytes as PNG
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    with pytest.raises(PhotoRefused, match="too many pixels"):
        clean_photo(SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png"))


def test_a_tiny_picture_is_refused():
    with pytest.raises(PhotoRefused, match="too small"):
        clean_photo(picture_upload(size=(8, 8)))


def test_at_most_five_photos():
    uploads = [picture_upload(f"{n}.jpg", size=(64, 64)) for n in range(MAX_PHOTOS + 1)]

    with pytest.raises(PhotoRefused, match="at most 5 photos"):
        clean_photos(uploads)
    assert len(clean_photos(uploads[:MAX_PHOTOS])) == MAX_PHOTOS
