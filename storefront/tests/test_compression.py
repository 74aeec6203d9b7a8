"""Compressed responses: HTML and JSON gzipped for clients that accept it, with BREACH's guess-by-length
defeated on pages holding a token; static files compressed ahead of time and cached for a year."""

import gzip

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(db):
    for n in range(12):
        ProductFactory(name=f"Linen Shirt {n}")


def test_a_listing_is_sent_gzipped_to_a_browser_that_accepts_it(client, listing):
    plain = client.get("/kg/products/")
    packed = client.get("/kg/products/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).decode().count("Linen Shirt") == plain.text.count("Linen Shirt")
    assert len(packed.content) * 4 < len(plain.content)


def test_a_page_with_a_token_compresses_to_a_different_length_each_time(signed_in, client, listing):
    """Django's gzip pads every response with random bytes, so the compressed length does not betray
    how well a secret on the page compresses against what an attacker reflected (BREACH)."""
    lengths = {len(client.get("/kg/cart/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(6)}

    assert len(lengths) > 1


def test_api_responses_are_compressed_too(client, listing):
    response = client.get("/api/v1/products?market=KG", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert b"Linen Shirt" in gzip.decompress(response.content)


@pytest.fixture
def collected(settings, tmp_path):
    """Static files as production keeps them: collected, hashed, with gzip and brotli copies."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    # The project's own folder only: the apps' files (the admin's, the API docs') take long to compress.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_static_files_are_served_compressed_and_cached_for_a_year(collected):
    url = staticfiles_storage.url("js/storefront.js")
    assert url != "/static/js/storefront.js", "the file name carries its hash"
    client = Client()

    brotli = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url)

    assert brotli.status_code == gzipped.status_code == plain.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    assert gzipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    for response in (brotli, gzipped, plain):
        control = response["Cache-Control"]
        assert "immutable" in control and "max-age=315360000" in control
    body = b"".join(plain.streaming_content)
    assert gzip.decompress(b"".join(gzipped.streaming_content)) == body
