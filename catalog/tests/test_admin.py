import io
from decimal import Decimal

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import KGUserFactory, ManagedMarketFactory, staff_in_role
from catalog.models import (
    SKU,
    Category,
    ExchangeRate,
    MarketPrice,
    Product,
    ProductFeature,
    ProductImage,
    Subcategory,
    Wishlist,
    WishlistItem,
)
from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductFeatureFactory,
    ProductImageFactory,
    SKUFactory,
    SubcategoryFactory,
)


class MarketPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketPrice

    product = factory.SubFactory(ProductFactory, market="ALL", price=Decimal("29.00"))
    market = "KG"
    price = Decimal("2590.00")


class WishlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wishlist

    user = factory.SubFactory(KGUserFactory)


class WishlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishlistItem

    wishlist = factory.SubFactory(WishlistFactory)
    product = factory.SubFactory(ProductFactory)


@pytest.fixture
def merchandiser_client(db, client):
    client.force_login(staff_in_role(MERCHANDISER))
    return client


@pytest.fixture
def kg_manager_client(db, client):
    manager = staff_in_role(MARKET_MANAGER)
    ManagedMarketFactory(user=manager, market="KG")
    client.force_login(manager)
    return client


@pytest.fixture
def catalog_rows(db):
    product = ProductFactory(image="products/shirt.jpg")
    sku = SKUFactory(product=product, variant_image="variants/blue.jpg")
    ProductImageFactory(product=product, alt_text="Shirt, front")
    ProductFeatureFactory(product=product)
    MarketPriceFactory(product=product, sku=sku)
    WishlistItemFactory(product=product)
    return product


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def product_form(category, **fields):
    return {
        "name": "Wool Coat",
        "slug": "wool-coat",
        "brand": "Atelier Nord",
        "description": "",
        "market": "KG",
        "category": str(category.pk),
        "subcategory": "",
        "price": "12990.00",
        "original_price": "",
        "is_active": "on",
        "in_stock": "on",
        **management_form("skus"),
        **management_form("images"),
        **management_form("features"),
        **management_form("market_prices"),
        **fields,
    }


CATALOG_MODELS = [Category, Subcategory, Product, ProductImage, ProductFeature, SKU, MarketPrice, Wishlist]


@pytest.mark.parametrize("model", [*CATALOG_MODELS, ExchangeRate], ids=lambda m: m.__name__)
def test_catalog_changelists_load_for_superuser(admin_client, catalog_rows, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(
    "model",
    [Category, Subcategory, Product, ProductImage, ProductFeature, SKU, MarketPrice, ExchangeRate],
    ids=lambda m: m.__name__,
)
def test_catalog_add_pages_load_for_superuser(admin_client, catalog_rows, model):
    response = admin_client.get(reverse(f"admin:catalog_{model._meta.model_name}_add"))

    assert response.status_code == 200


def test_wishlists_are_the_shoppers_own(admin_client, catalog_rows):
    wishlist = Wishlist.objects.get()

    add = admin_client.get(reverse("admin:catalog_wishlist_add"))
    change = admin_client.get(reverse("admin:catalog_wishlist_change", args=[wishlist.pk]))

    assert add.status_code == 403
    assert catalog_rows.name in change.text
    assert 'name="items-0-product"' not in change.text


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m.__name__)
def test_catalog_change_pages_load_for_superuser(admin_client, catalog_rows, model):
    obj = model.objects.first()

    response = admin_client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    )

    assert response.status_code == 200


def test_product_changelist_shows_thumbnail_with_alt_text_price_and_stock(admin_client, catalog_rows):
    response = admin_client.get(reverse("admin:catalog_product_changelist"))

    html = response.text
    assert f'src="{catalog_rows.image.url}" alt="{catalog_rows.name}"' in html
    assert "2 990 som" in html
    assert '<td class="field-stock_total">10</td>' in html


def test_product_thumbnail_falls_back_to_the_first_gallery_picture(admin_client):
    product = ProductFactory()
    ProductImageFactory(product=product, image_url="https://cdn.example.com/gallery.jpg")

    response = admin_client.get(reverse("admin:catalog_product_changelist"))

    assert f'src="https://cdn.example.com/gallery.jpg" alt="{product.name}"' in response.text


def test_product_change_page_previews_sku_and_gallery_pictures(admin_client, catalog_rows):
    response = admin_client.get(reverse("admin:catalog_product_change", args=[catalog_rows.pk]))

    html = response.text
    assert 'src="https://cdn.example.com/p.jpg" alt="Shirt, front"' in html
    assert 'src="/media/variants/blue.jpg"' in html
    inline_prefixes = {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}
    assert inline_prefixes == {"skus", "images", "features", "market_prices"}


def test_market_price_inline_offers_only_the_products_own_skus(admin_client, catalog_rows):
    SKUFactory()  # another product's SKU

    response = admin_client.get(reverse("admin:catalog_product_change", args=[catalog_rows.pk]))

    market_prices = next(
        inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "market_prices"
    )
    choices = market_prices.formset.forms[0].fields["sku"].queryset
    assert list(choices) == list(catalog_rows.skus.all())


def test_category_change_page_has_subcategories_inline(admin_client):
    category = CategoryFactory()
    SubcategoryFactory(category=category, name="Shirts")

    response = admin_client.get(reverse("admin:catalog_category_change", args=[category.pk]))

    assert response.status_code == 200
    assert "Shirts" in response.text
    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == ["subcategories"]


def test_exchange_rate_market_is_read_only_once_saved(admin_client):
    rate = ExchangeRate.objects.first()

    response = admin_client.get(reverse("admin:catalog_exchangerate_change", args=[rate.pk]))

    assert "market" not in response.context["adminform"].form.fields
    assert "rate" in response.context["adminform"].form.fields


def test_product_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    def product_with_everything():
        product = ProductFactory()
        SKUFactory.create_batch(2, product=product)
        ProductImageFactory(product=product)
        return product

    url = reverse("admin:catalog_product_changelist")
    counts = []
    for rows in (3, 30):
        while Product.objects.count() < rows:
            product_with_everything()
        admin_client.get(url)  # warm caches (the storefront menu) so both counts compare alike
        with django_assert_max_num_queries(14) as captured:
            response = admin_client.get(url)
        assert response.context["cl"].result_count == rows
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_merchandiser_can_open_catalog_and_banner_admins(merchandiser_client, catalog_rows):
    category = Category.objects.first()
    urls = [
        reverse("admin:catalog_product_changelist"),
        reverse("admin:catalog_product_add"),
        reverse("admin:catalog_product_change", args=[catalog_rows.pk]),
        reverse("admin:catalog_category_changelist"),
        reverse("admin:catalog_category_change", args=[category.pk]),
        reverse("admin:catalog_sku_changelist"),
        reverse("admin:reviews_review_changelist"),
        reverse("admin:catalog_exchangerate_changelist"),
        reverse("admin:marketing_banner_changelist"),
        reverse("admin:marketing_banner_add"),
    ]

    statuses = {url: merchandiser_client.get(url).status_code for url in urls}

    assert statuses == dict.fromkeys(urls, 200)


def test_merchandiser_adds_a_product(merchandiser_client):
    category = CategoryFactory()

    response = merchandiser_client.post(reverse("admin:catalog_product_add"), product_form(category))

    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(slug="wool-coat")
    assert product.price == Decimal("12990.00")


def test_merchandiser_changes_a_product_with_a_new_sku(merchandiser_client, catalog_rows):
    product = ProductFactory()
    data = product_form(
        product.category,
        name="Linen Shirt, washed",
        slug=product.slug,
        **management_form("skus", total=1),
        **{"skus-0-sku_code": "SHIRT-M-SAND", "skus-0-size": "M", "skus-0-price": "2990.00", "skus-0-stock": "4"},
        **{"skus-0-is_active": "on"},
    )

    response = merchandiser_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Linen Shirt, washed"
    assert product.skus.get().sku_code == "SHIRT-M-SAND"


def test_merchandiser_cannot_open_users_or_add_exchange_rates(merchandiser_client):
    assert merchandiser_client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert merchandiser_client.get(reverse("admin:catalog_exchangerate_add")).status_code == 403


def test_market_manager_cannot_open_catalog_edit_pages(kg_manager_client, catalog_rows):
    urls = [
        reverse("admin:catalog_product_changelist"),
        reverse("admin:catalog_product_add"),
        reverse("admin:catalog_product_change", args=[catalog_rows.pk]),
        reverse("admin:catalog_category_changelist"),
        reverse("admin:catalog_sku_changelist"),
    ]

    statuses = {url: kg_manager_client.get(url).status_code for url in urls}

    assert statuses == dict.fromkeys(urls, 403)


def test_market_manager_cannot_change_a_product_by_post(kg_manager_client, catalog_rows):
    data = product_form(catalog_rows.category, name="Renamed", slug=catalog_rows.slug)

    response = kg_manager_client.post(reverse("admin:catalog_product_change", args=[catalog_rows.pk]), data)

    assert response.status_code == 403
    catalog_rows.refresh_from_db()
    assert catalog_rows.name != "Renamed"


def test_merchandiser_admin_index_offers_catalog_and_banners_but_no_orders(merchandiser_client):
    response = merchandiser_client.get(reverse("admin:index"))

    apps = {app["app_label"] for app in response.context["app_list"]}
    assert apps == {"alerts", "catalog", "help", "marketing", "promotions", "reviews"}


def test_uploading_a_product_picture_gets_its_renditions_from_the_task(
    admin_client, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 1750), (200, 180, 160)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("side.jpg", buffer.getvalue(), content_type="image/jpeg")
    form = {"product": product.pk, "image": upload, "image_url": "", "alt_text": "Side", "sort_order": "1"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_productimage_add"), form)

    assert response.status_code == 302
    picture = product.images.get()
    assert picture.renditions["source"] == picture.image.name
    assert sorted({item["width"] for item in picture.renditions["files"]}) == [320, 480, 800, 1200, 1400]
