"""Pictures on a phone, in Chromium: the product page's main picture and the home page's banners
come as renditions of a width suited to a 390 px screen, in a modern format, never the original."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from catalog.tests.factories import CategoryFactory, ProductFactory, SubcategoryFactory
from marketing.tests.factories import BannerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
MODERN = re.compile(r"-(\d+)w\.(avif|webp)$")


def jpeg(width, height, name):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (140, 110, 90)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


@pytest.fixture
def shop_with_pictures():
    coats = CategoryFactory(name="Coats", slug="coats", market="ALL")
    product = ProductFactory(
        slug="wool-coat",
        market="KG",
        category=coats,
        subcategory=SubcategoryFactory(category=coats, name="Wool", slug="wool"),
        image=jpeg(1400, 1750, "wool-coat.jpg"),
        is_featured=True,
    )
    banners = [BannerFactory(image=jpeg(1600, 640, f"hero-{n}.jpg"), image_url="", sort_order=n) for n in range(3)]
    call_command("make_image_renditions", verbosity=0)
    return product, banners


def _current_sources(page, selector):
    return page.eval_on_selector_all(selector, "pictures => pictures.map(p => p.currentSrc)")


def test_a_phone_gets_a_small_modern_main_picture_and_no_full_size_banner(page, live_server, shop_with_pictures):
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/kg/p/wool-coat/")
    page.wait_for_load_state("load")
    main = page.eval_on_selector("#product-main-image", "img => img.currentSrc")
    found = MODERN.search(main)
    assert found, main
    assert 390 <= int(found.group(1)) <= 800, main
    assert page.get_attribute("#product-main-image", "fetchpriority") == "high"

    page.goto(live_server.url + "/kg/")
    page.wait_for_load_state("load")
    # The first banner is on screen at once; lazy ones further down are fetched when scrolled to.
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(300)
    shown = _current_sources(page, "[data-banner-id] img")
    assert len(shown) == 3
    for source in shown:
        found = MODERN.search(source)
        assert found, source
        assert int(found.group(1)) < 1600, source
    assert page.get_attribute("[data-banner-id] img >> nth=0", "fetchpriority") == "high"
    assert page.get_attribute("[data-banner-id] img >> nth=1", "loading") == "lazy"
