import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Avg, Count
from django.http import QueryDict
from django.utils import timezone

from accounts.models import Address, PaymentMethod, User
from accounts.roles import MARKET_MANAGER, MERCHANDISER
from alerts.models import StockAlert
from catalog.facets import ListingScope, precomputed_counts
from catalog.listing import live_counts, parse_filters
from catalog.models import SKU, Category, Product, ProductImage
from catalog.pricing import MarketPricing
from catalog.search import search_products
from catalog.search_index import unindexed_products
from catalog.selectors import listed_products
from checkout.models import Order
from marketing.models import Banner
from reviews.models import Review
from storefront.markets import Market, MarketScope, PaymentType, get_market, market_from_phone
from storefront.money import quantize, round_to_shown_unit

SMALL_CATALOG = 40


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    # One picture pool for the module: each test's database is new, its pictures need not be.
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture
def seed(db, settings, demo_media):
    settings.MEDIA_ROOT = demo_media
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def run():
        call_command("seed_demo", products=SMALL_CATALOG, no_progress=True, verbosity=0)

    return run


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_run_twice_adds_no_rows(seed):
    seed()
    first = row_counts()
    seed()

    assert row_counts() == first
    assert first["catalog.Product"] == SMALL_CATALOG


def test_seed_demo_fills_both_markets_with_products_categories_and_banners(seed):
    seed()

    scopes = {scope.value for scope in MarketScope}
    assert set(Product.objects.values_list("market", flat=True)) == scopes
    assert set(Category.objects.values_list("market", flat=True)) == scopes
    banner_slots = set(Banner.objects.values_list("market", "banner_type"))
    assert banner_slots == {(scope, kind) for scope in scopes for kind in Banner.Type.values}
    for market in Market:
        live_types = set(Banner.objects.for_market(get_market(market)).live().values_list("banner_type", flat=True))
        assert live_types == set(Banner.Type.values)
    now = timezone.now()
    assert Banner.objects.filter(end_date__lt=now).exists()
    assert Banner.objects.filter(start_date__gt=now).exists()
    assert all(banner.image and banner.link_url.startswith("/") for banner in Banner.objects.all())


def test_seed_demo_names_its_categories_and_banners_in_russian_and_kyrgyz(seed):
    seed()

    for category in Category.objects.prefetch_related("subcategories"):
        assert category.name_ru and category.name_ky and category.description_ru, category.name
        assert all(sub.name_ru and sub.name_ky for sub in category.subcategories.all()), category.name
    for banner in Banner.objects.all():
        assert banner.title_ru and banner.title_ky and banner.subtitle_ru, banner.title


CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
KYRGYZ_LETTERS = re.compile("[өүң]", re.IGNORECASE)


def test_seed_demo_writes_every_product_text_in_russian_and_kyrgyz(seed):
    seed()

    for product in Product.objects.prefetch_related("skus", "features", "images"):
        texts = [product.name_ru, product.name_ky, product.description_ru, product.description_ky]
        texts += [text for sku in product.skus.all() for text in (sku.color_ru, sku.color_ky)]
        texts += [
            text for feature in product.features.all() for text in (feature.feature_text_ru, feature.feature_text_ky)
        ]
        texts += [text for image in product.images.all() for text in (image.alt_text_ru, image.alt_text_ky)]
        assert all(CYRILLIC.search(text) for text in texts), (product.name, texts)
        # Kyrgyz, not Russian a second time: its own letters show up in every description.
        assert KYRGYZ_LETTERS.search(product.description_ky), product.description_ky
        assert product.name_ru != product.name_ky
    assert SKU.objects.filter(size="One size", size_ru="Единый размер", size_ky="Бир өлчөм").exists()


def test_seed_demo_translates_products_an_earlier_run_left_in_english(seed):
    seed()
    translated = dict(Product.objects.values_list("pk", "name_ru"))
    Product.objects.update(name_ru="", name_ky="", description_ru="", description_ky="")
    SKU.objects.update(color_ru="", color_ky="")

    seed()

    assert dict(Product.objects.values_list("pk", "name_ru")) == translated
    assert not SKU.objects.filter(color_ru="").exists()


def test_seed_demo_ends_with_every_product_searchable(seed):
    seed()

    dress = Product.objects.filter(subcategory__slug="dresses", market__in=["KG", "ALL"], is_active=True).first()
    if connection.vendor == "postgresql":
        # The bulk inserts skip save(); seeding builds the search columns itself.
        assert not unindexed_products().exists()
        assert not Product.objects.filter(search_text="").exists()
    # The subcategory's Russian name, "Платья", in its ordinary form.
    found = search_products(Product.objects.active().for_market(get_market("KG")), "платье", language="ru")
    assert dress is not None
    assert dress in found


def test_seed_demo_products_have_skus_and_honest_stock(seed):
    seed()

    assert not Product.objects.filter(skus__isnull=True).exists()
    with_stock = set(SKU.objects.filter(is_active=True, stock__gt=0).values_list("product_id", flat=True))
    for pk, in_stock in Product.objects.values_list("pk", "in_stock"):
        assert in_stock == (pk in with_stock)
    for product in Product.objects.all():
        assert 2 <= product.features.count() <= 5
        assert product.image
        if product.original_price is not None:
            assert product.original_price > product.price


def test_seed_demo_staff_have_their_roles_and_markets(seed):
    seed()

    expected = {
        "+996700000001": (MERCHANDISER, []),
        "+996700000002": (MARKET_MANAGER, ["KG"]),
        "+12025550142": (MARKET_MANAGER, ["US"]),
    }
    for phone, (group, markets) in expected.items():
        user = User.objects.get(phone=phone)
        assert user.is_staff
        assert not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.managed_market_codes == markets
        assert user.check_password("marque-demo")


def test_seed_demo_shoppers_belong_to_the_market_of_their_phone(seed):
    seed()

    shoppers = User.objects.filter(is_staff=False)
    assert {user.market for user in shoppers} == {Market.KG, Market.US}
    for user in User.objects.all():
        assert market_from_phone(user.phone) == user.market
    for address in Address.objects.select_related("user"):
        if address.market == Market.KG:
            assert address.city in ("Bishkek", "Osh")
            assert address.state == ""
        else:
            assert re.fullmatch(r"[A-Z]{2}", address.state)
            assert re.fullmatch(r"\d{5}", address.postal_code)
    for method in PaymentMethod.objects.all():
        assert method.payment_type in get_market(method.market).payment_types
        if method.payment_type == PaymentType.CARD:
            assert re.fullmatch(r"•••• \d{4}", method.card_number_masked)


def test_seed_demo_shoppers_wait_for_sold_out_sizes_of_their_market_and_were_told_of_one(seed):
    seed()

    alerts = StockAlert.objects.select_related("user", "sku__product")
    assert {alert.user.market for alert in alerts} == {Market.KG, Market.US}
    for alert in alerts:
        assert alert.sku.product in Product.objects.for_market(alert.user.market_config).active()
        if alert.is_pending:
            assert alert.sku.stock <= 0
        else:
            assert alert.created_at < alert.notified_at <= timezone.now()
    for user in {alert.user for alert in alerts}:
        mine = [alert for alert in alerts if alert.user == user]
        assert sum(not alert.is_pending for alert in mine) == 1 and 2 <= len(mine) <= 3


def test_seed_demo_ships_its_orders_in_parcels_and_one_order_per_market_waits_for_a_return(seed):
    from returns.models import ReturnRequest
    from returns.services import can_request_return
    from shipments.models import Parcel

    seed()

    sent = Order.objects.filter(status__in=("shipped", "delivered")).prefetch_related("items", "parcels__items")
    assert sent
    for order in sent:
        (parcel,) = order.parcels.all()
        assert parcel.carrier == {"US": "ups", "KG": "courier"}[order.market]
        assert bool(parcel.tracking_number) == (order.market == "US")
        assert {(i.order_item_id, i.quantity) for i in parcel.items.all()} == {
            (item.pk, item.quantity) for item in order.items.all()
        }
    assert not Parcel.objects.exclude(order__in=sent).exists()
    returns = ReturnRequest.objects.select_related("order")
    assert sorted(r.market for r in returns) == ["KG", "US"]
    for return_request in returns:
        assert return_request.status == "requested" and return_request.user == return_request.order.user
        assert can_request_return(return_request.order)
        assert [(i.quantity, i.order_item.order_id) for i in return_request.items.all()] == [
            (1, return_request.order_id)
        ]
        assert return_request.history.get().status == "requested"


def test_seed_demo_orders_add_up_in_their_market_currency(seed):
    seed()

    orders = Order.objects.prefetch_related("items__sku__product", "status_history")
    assert {order.market for order in orders} == {Market.KG, Market.US}
    assert {order.status for order in orders} == set(Order.Status.values)
    for order in orders:
        items = list(order.items.all())
        assert order.currency == get_market(order.market).currency
        assert order.subtotal == sum(item.price * item.quantity for item in items)
        for item in items:
            assert item.subtotal == item.price * item.quantity
            assert item.price == MarketPricing.load(order.market_config).sku_price(item.sku).amount
        if order.market == Market.KG:
            gross = order.subtotal + order.shipping_cost
            assert order.tax_included
            assert order.total_amount == gross
            assert order.tax == round_to_shown_unit(gross * Decimal("0.12") / Decimal("1.12"), "KGS")
        else:
            assert not order.tax_included
            assert order.total_amount == order.subtotal + order.shipping_cost + order.tax
        assert list(order.status_history.all())[-1].status == order.status


def test_seed_demo_ratings_come_from_approved_reviews(seed):
    seed()

    assert Review.objects.filter(is_approved=True).exists()
    assert Review.objects.filter(is_approved=False).exists()
    approved = {
        row["product"]: row
        for row in Review.objects.approved().values("product").annotate(average=Avg("rating"), count=Count("id"))
    }
    for product in Product.objects.all():
        row = approved.get(product.pk)
        assert product.reviews_count == (row["count"] if row else 0)
        assert product.rating == (quantize(Decimal(str(row["average"]))) if row else 0)


def test_seed_demo_leaves_every_listing_counted(seed):
    seed()

    unfiltered = parse_filters(QueryDict(""))
    for code in Market.values:
        market = get_market(code)
        base = listed_products(MarketPricing.load(market), ListingScope())
        kept = precomputed_counts(ListingScope(), market, unfiltered)
        assert kept is not None, code
        assert kept["total"] == base.count() > 0
        assert kept["flags"] == live_counts(base, unfiltered, market)["flags"]


def test_seed_demo_writes_help_pages_per_market_in_three_languages(seed, client):
    from help.models import HelpPage

    seed()
    pages = HelpPage.objects.all()
    assert {(page.kind, page.market) for page in pages} == {
        ("contact", "KG"), ("contact", "US"), ("delivery", "KG"), ("delivery", "US"),
        ("payment", "KG"), ("payment", "US"), ("returns", "ALL"), ("privacy", "ALL"),
    }  # fmt: skip
    assert all(page.title_ru and page.title_ky and page.body_ru and page.body_ky for page in pages)
    kg_payment = client.get("/kg/help/payment/?lang=ky").text
    assert "Төлөө ыкмалары</h1>" in kg_payment and "Банк которуусу" in kg_payment
    us_payment = client.get("/us/help/payment/").text
    assert "Stripe" in us_payment and "Cash on delivery:" not in us_payment


def test_seed_demo_gives_every_picture_its_renditions(seed):
    seed()

    for model in (Product, ProductImage, Banner):
        pictures = model.objects.exclude(image="")
        assert pictures.exists(), model
        assert not pictures.filter(renditions={}).exists(), model
    banner = Banner.objects.exclude(image="").first()
    assert min(item["width"] for item in banner.renditions["files"]) < 400
