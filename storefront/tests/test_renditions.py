"""Renditions of the shop's pictures (storefront/renditions.py), the `{% picture %}` tag, the task,
the command, and pages that print them without a query more."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image, features

from catalog.tests.factories import ProductFactory, ProductImageFactory
from marketing.tests.factories import BannerFactory
from storefront import renditions
from storefront.renditions import (
    Picture,
    RenditionError,
    make_missing_renditions,
    make_renditions,
    picture_of,
    renew_renditions,
)
from storefront.tasks import make_image_renditions

MODERN = ("avif", "webp") if features.check("avif") else ("webp",)


def jpeg(width, height, name="photo.jpg", color=(120, 80, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


def png_with_alpha(width, height):
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="clear.png")


@pytest.fixture
def big_product(db):
    return ProductFactory(image=jpeg(2000, 2500, "big.jpg"))


def test_a_large_product_picture_gets_every_width_in_every_format(big_product):
    record = make_renditions(big_product.image, kind="product")

    widths = sorted({item["width"] for item in record["files"]})
    assert widths == [320, 480, 800, 1200, 1600]
    assert {item["format"] for item in record["files"]} == {*MODERN, "jpeg"}
    assert (record["width"], record["height"], record["source"]) == (2000, 2500, big_product.image.name)
    for item in record["files"]:
        with default_storage.open(item["name"]) as stored, Image.open(stored) as made:
            assert made.size == (item["width"], item["height"])
            assert made.format == {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}[item["format"]]
    assert {item["height"] for item in record["files"] if item["width"] == 800} == {1000}


def test_a_small_picture_is_never_upscaled(db):
    product = ProductFactory(image=jpeg(600, 750))

    record = make_renditions(product.image, kind="product")

    assert sorted({item["width"] for item in record["files"]}) == [320, 480, 600]
    assert max(item["width"] for item in record["files"]) <= 600


def test_a_transparent_png_is_flattened_for_jpeg(db):
    product = ProductFactory(image=png_with_alpha(400, 500))

    record = make_renditions(product.image, kind="product")

    assert {item["format"] for item in record["files"]} == {*MODERN, "jpeg"}


def test_making_renditions_again_writes_nothing(big_product, monkeypatch):
    first = make_renditions(big_product.image, kind="product")
    saved = []
    storage = big_product.image.storage
    monkeypatch.setattr(storage, "save", lambda name, content, **kw: saved.append(name) or name)

    again = make_renditions(big_product.image, kind="product")

    assert again == first
    assert saved == []


def test_a_file_that_is_not_a_picture_gives_a_clear_error(db):
    product = ProductFactory(image=ContentFile(b"%PDF-1.4 not a picture", name="catalogue.jpg"))

    with pytest.raises(RenditionError, match=r"is not a picture Pillow can read"):
        make_renditions(product.image, kind="product")


def test_a_missing_file_gives_a_clear_error(db):
    product = ProductFactory(image="products/gone.jpg")

    with pytest.raises(RenditionError, match=r"products/gone\.jpg is missing"):
        make_renditions(product.image, kind="product")


def test_the_task_stores_the_record_once(big_product):
    assert make_image_renditions.call("catalog.product", big_product.pk) is True
    big_product.refresh_from_db()

    assert big_product.renditions["source"] == big_product.image.name
    assert make_image_renditions.call("catalog.product", big_product.pk) is False
    assert make_image_renditions.call("catalog.product", 0) is False


def test_a_replaced_picture_falls_back_to_the_original_until_its_renditions_exist(big_product):
    renew_renditions(big_product)
    big_product.image = jpeg(900, 1200, "new.jpg")
    big_product.save()

    shown = picture_of(big_product.image, big_product.renditions)

    assert shown == Picture(url=big_product.image.url)
    assert renew_renditions(big_product) is True
    assert max(item["width"] for item in big_product.renditions["files"]) == 900


def test_the_command_makes_missing_renditions_and_names_unreadable_files(db, capsys):
    shared = jpeg(700, 875, "shared.jpg")
    first = ProductFactory(image=shared)
    second = ProductFactory(image=first.image.name)  # the demo's products share their files
    broken = ProductFactory(image=ContentFile(b"nonsense", name="broken.jpg"))
    BannerFactory(image=jpeg(1600, 640, "banner.jpg"), image_url="")

    call_command("make_image_renditions")

    first.refresh_from_db()
    second.refresh_from_db()
    broken.refresh_from_db()
    assert first.renditions == second.renditions != {}
    assert broken.renditions == {}
    out, err = capsys.readouterr()
    assert f"catalog.product {broken.pk}" in err
    assert "could not be read" in out
    assert make_missing_renditions() == (0, [f"catalog.product {broken.pk}: {_error_of(broken)}"])


def _error_of(product):
    try:
        make_renditions(product.image, kind="product")
    except RenditionError as error:
        return str(error)
    return ""


# --- the tag ----------------------------------------------------------------------------------------------


def render(value, **options):
    arguments = " ".join(f"{key}={key}" for key in options)
    template = Template("{% load pictures %}{% picture value " + arguments + " %}")
    return template.render(Context({"value": value, **options}))


TAG = {"alt": "A linen shirt", "sizes": "(min-width: 768px) 50vw, 100vw", "width": 800, "height": 1000}


def test_the_tag_prints_the_original_until_renditions_exist(big_product):
    html = render(big_product.image and picture_of(big_product.image, big_product.renditions), **TAG)

    assert "<picture>" not in html
    assert f'src="{big_product.image.url}"' in html
    assert 'width="800" height="1000"' in html
    assert 'loading="lazy"' in html
    assert "srcset" not in html


def test_the_tag_prints_a_picture_with_srcsets_sizes_and_the_real_size(big_product):
    renew_renditions(big_product)

    html = render(picture_of(big_product.image, big_product.renditions), **TAG)

    assert html.startswith("<picture>") and html.endswith("</picture>")
    types = re.findall(r'<source type="([^"]+)"', html)
    assert types == [f"image/{fmt}" for fmt in MODERN]
    assert html.count('sizes="(min-width: 768px) 50vw, 100vw"') == len(MODERN) + 1
    assert "renditions/products/big-480w.webp 480w" in html
    assert "renditions/products/big-1600w.jpg 1600w" in html
    assert 'width="2000" height="2500"' in html  # the proportions of the picture itself
    assert 'alt="A linen shirt"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "fetchpriority" not in html


def test_an_eager_picture_is_fetched_first_and_not_lazily(big_product):
    renew_renditions(big_product)

    html = render(picture_of(big_product.image, big_product.renditions), eager=True, **TAG)

    assert 'fetchpriority="high"' in html
    assert "loading=" not in html


def test_the_tag_takes_a_model_an_outside_url_or_nothing(db):
    banner = BannerFactory(image_url="https://cdn.example.com/b.jpg")

    assert 'src="https://cdn.example.com/b.jpg"' in render(banner, **TAG)
    assert render(None, **TAG) == ""
    assert render("", **TAG) == ""


def test_the_tag_escapes_the_alt_text(big_product):
    html = render(picture_of(big_product.image), **{**TAG, "alt": '"><script>'})

    assert "<script>" not in html


# --- pages: renditions are read from the rows already loaded ------------------------------------------------


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_pages_print_renditions_without_a_query_more(client, db):
    product = ProductFactory(slug="measured", market="ALL", image=jpeg(1300, 1625, "measured.jpg"), is_featured=True)
    ProductImageFactory(product=product, image=jpeg(1300, 1625, "side.jpg"), image_url="")
    BannerFactory(image=jpeg(1600, 640, "hero.jpg"), image_url="")
    pages = ("/kg/", "/kg/products/", "/kg/p/measured/")
    before = {url: _queries(client, url) for url in pages}
    assert all("<picture>" not in html for _count, html in before.values())

    call_command("make_image_renditions", verbosity=0)

    for url in pages:
        count, html = _queries(client, url)
        assert count == before[url][0], url
        assert "<picture>" in html, url
    _count, page = _queries(client, "/kg/p/measured/")
    main = re.search(r'<img id="product-main-image"[^>]*>', page).group(0)
    assert 'fetchpriority="high"' in main
    assert "renditions/products/measured-1200w.jpg 1200w" in main
    assert 'width="1300" height="1625"' in main


def test_rendition_widths_for_each_kind_stay_within_the_source():
    assert renditions.widths_for("banner", 1600) == [320, 480, 800, 1200, 1600]
    assert renditions.widths_for("review", 500) == [160, 320, 500]
    assert renditions.widths_for("product", 200) == [200]


@pytest.mark.parametrize(("heroes", "eager"), [(1, [True]), (2, [True, True]), (3, [True, False, False])])
def test_the_home_page_fetches_the_first_row_of_banners_first(client, db, heroes, eager):
    for n in range(heroes):
        BannerFactory(image=jpeg(1600, 640, f"row-{n}.jpg"), image_url="", sort_order=n)
    call_command("make_image_renditions", verbosity=0)

    html = client.get("/kg/").content.decode()

    pictures = re.findall(r"<img[^>]*renditions/banners/row-[^>]*>", html)
    assert ['fetchpriority="high"' in tag for tag in pictures] == eager
    assert all('loading="lazy"' in tag for tag, first in zip(pictures, eager, strict=True) if not first)
    assert all('width="1600" height="640"' in tag for tag in pictures)


def test_a_variants_own_picture_gets_renditions_from_the_task_and_the_command(db):
    from catalog.tests.factories import SKUFactory

    product = ProductFactory(slug="two-tone", market="KG", image=jpeg(1000, 1250, "main.jpg"))
    navy = SKUFactory(product=product, size="M", color="Navy", stock=3, variant_image=jpeg(1400, 1750, "navy.jpg"))
    sand = SKUFactory(product=product, size="M", color="Sand", stock=3, variant_image=jpeg(900, 1125, "sand.jpg"))

    assert make_image_renditions.call("catalog.sku", navy.pk) is True
    navy.refresh_from_db()
    assert navy.renditions["source"] == navy.variant_image.name
    assert max(item["width"] for item in navy.renditions["files"]) == 1400
    assert make_image_renditions.call("catalog.sku", navy.pk) is False

    assert make_missing_renditions() == (2, [])  # the product's picture and the other variant's
    sand.refresh_from_db()
    assert sand.renditions["source"] == sand.variant_image.name


def test_a_picked_variant_and_a_cart_line_show_the_variants_smaller_copies(client, db):
    from catalog.tests.factories import SKUFactory

    product = ProductFactory(slug="two-tone", market="KG", image=jpeg(1000, 1250, "main.jpg"))
    navy = SKUFactory(product=product, size="M", color="Navy", stock=3, variant_image=jpeg(1400, 1750, "navy.jpg"))
    SKUFactory(product=product, size="L", color="Sand", stock=3)
    call_command("make_image_renditions", verbosity=0)
    variant = "/kg/p/two-tone/?size=M&color=Navy"
    before, _html = _queries(client, variant)

    count, page = _queries(client, variant)
    main = re.search(r'<img id="product-main-image"[^>]*>', page).group(0)
    assert "renditions/variants/navy-800w.jpg 800w" in main and 'width="1400" height="1750"' in main
    assert count == before

    client.post("/kg/cart/add/", {"sku": navy.pk, "quantity": 1})
    cart = client.get("/kg/cart/").text
    line = re.search(r'<li [^>]*data-testid="cart-line".*?</li>', cart, re.S).group(0)
    assert 'sizes="(min-width: 640px) 96px, 80px"' in line and "renditions/variants/navy-320w.jpg 320w" in line
    assert f'<source type="image/{MODERN[0]}" srcset="/media/renditions/variants/navy-320w.{MODERN[0]} 320w' in line


def test_order_review_return_and_wishlist_pages_print_smaller_copies(client, db):
    from accounts.tests.factories import KGUserFactory
    from catalog.models import Wishlist
    from catalog.tests.factories import SKUFactory
    from checkout.models import Order
    from checkout.tests.factories import OrderFactory, OrderItemFactory

    product = ProductFactory(slug="bought", market="KG", image=jpeg(1000, 1250, "bought.jpg"))
    navy = SKUFactory(product=product, size="M", color="Navy", stock=3, variant_image=jpeg(900, 1125, "navy.jpg"))
    sand = SKUFactory(product=product, size="L", color="Sand", stock=3)
    shopper = KGUserFactory()
    order = OrderFactory(user=shopper, market="KG", status=Order.Status.DELIVERED, delivered_date=timezone.now())
    OrderItemFactory(order=order, sku=navy, image_url=navy.variant_image.url)
    OrderItemFactory(order=order, sku=sand, image_url=product.image.url)
    client.force_login(shopper)
    pages = (
        f"/kg/orders/{order.order_number}/",
        f"/kg/orders/{order.order_number}/confirmation/",
        f"/kg/orders/{order.order_number}/review/{product.pk}/",
        f"/kg/orders/{order.order_number}/return/",
        "/accounts/reviews/",
        "/kg/wishlist/",
    )
    Wishlist.objects.create(user=shopper).items.create(product=product)
    before = {url: _queries(client, url) for url in pages}
    assert all("<picture>" not in html and 'src="/media/' in html for _count, html in before.values())

    call_command("make_image_renditions", verbosity=0)

    for url in pages:
        count, html = _queries(client, url)
        assert count == before[url][0], url
        assert re.search(r'sizes="(80|56|96)px"', html), url
        # The first line's variant picture; the wishlist's product picture.
        assert re.search(r"renditions/(variants/navy|products/bought)-320w\.jpg 320w", html), url
    detail = _queries(client, pages[0])[1]
    assert "renditions/products/bought-320w.jpg 320w" in detail

    # A picture replaced since: the order shows the file bought, not the product's new one.
    product.image = jpeg(800, 1000, "new.jpg")
    product.save()
    detail = _queries(client, pages[0])[1]
    assert "renditions/products/bought-320w.jpg" not in detail and "new" not in detail
    assert re.search(r'<img src="/media/products/bought[^"]*\.jpg" alt="[^"]+" width="80" height="96"', detail)
