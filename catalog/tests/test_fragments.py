"""Product cards and the filter sidebar rendered once and kept (catalog.fragments): the same HTML as
rendered afresh, each page's own CSRF token and return path, hearts only for their shopper, and
every change to what a card shows visible at once."""

import json
import pickle
import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from catalog import fragments
from catalog.facets import refresh_listing_facets
from catalog.fragments import CSRF_STAND_IN, NEXT_STAND_IN
from catalog.models import SKU, MarketPrice, Product, Wishlist, WishlistItem
from catalog.stock import sync_in_stock
from catalog.tests.conftest import TOKEN, without_tokens
from marketing.models import Banner
from marketing.tests.factories import BannerFactory
from reviews.services import approve_reviews
from reviews.tests.factories import ReviewFactory
from storefront import page_cache

pytestmark = pytest.mark.django_db

CARDS = re.compile(r"<article.*?</article>", re.S)


def cards(response):
    return CARDS.findall(response.content.decode())


def card_of(response, name):
    found = [card for card in cards(response) if f">{name}</h3>" in card]
    assert len(found) == 1, name
    return found[0]


@pytest.mark.parametrize("url", ["/kg/c/men/", "/kg/products/", "/us/c/men/", "/kg/c/men/shirts/?sort=price_asc"])
def test_a_page_from_kept_pieces_is_the_page_rendered_afresh(client, wardrobe, url):
    cache.clear()
    fresh = client.get(url).content.decode()
    kept = client.get(url).content.decode()
    cache.clear()
    again = client.get(url).content.decode()

    assert without_tokens(kept) == without_tokens(fresh) == without_tokens(again)
    assert CSRF_STAND_IN not in kept and NEXT_STAND_IN not in kept


def test_each_page_puts_its_own_return_path_and_csrf_token_in_kept_cards(client, wardrobe):
    client.get("/kg/c/men/")  # keeps the cards

    response = client.get("/kg/c/men/", {"sort": "new"})
    oxford = card_of(response, "Oxford")

    assert oxford.count('name="next" value="/kg/c/men/?sort=new"') == 2  # the heart and quick add
    page_token = re.search(r'"X-CSRFToken": "([^"]+)"', response.content.decode()).group(1)
    assert set(TOKEN.findall(oxford)) == {page_token}


def test_a_heart_is_full_only_for_the_shopper_whose_wishlist_holds_it(client, wardrobe, signed_in):
    oxford = Product.objects.get(name="Oxford")
    WishlistItem.objects.create(wishlist=Wishlist.objects.create(user=signed_in), product=oxford)

    own = client.get("/kg/c/men/")
    client.logout()
    visitor = client.get("/kg/c/men/")
    client.force_login(signed_in)
    own_again = client.get("/kg/c/men/")

    for page in (own, own_again):
        assert 'aria-pressed="true"' in card_of(page, "Oxford")
        assert 'aria-pressed="false"' in card_of(page, "Poplin")
    assert 'aria-pressed="true"' not in visitor.content.decode()
    shopper_tokens = set(TOKEN.findall(own.content.decode()))
    assert not shopper_tokens & set(TOKEN.findall(visitor.content.decode()))


def test_a_new_price_shows_on_the_next_page(client, wardrobe, django_capture_on_commit_callbacks):
    cargo = "Cargo"
    assert "2 189 som" in card_of(client.get("/kg/c/men/"), cargo)  # $25 converted, and now kept

    Product.objects.filter(name=cargo).update(reviews_count=3, rating="4.00")  # no signal: kept rows stay
    assert "3 reviews" not in card_of(client.get("/kg/c/men/"), cargo)
    with django_capture_on_commit_callbacks(execute=True):
        MarketPrice.objects.create(product=Product.objects.get(name=cargo), market="KG", price="1990.00")

    card = card_of(client.get("/kg/c/men/"), cargo)
    assert "1 990 som" in card
    assert "4.0 out of 5, 3 reviews" in card  # read again with the price


def test_a_change_without_a_signal_shows_once_the_kept_rows_expire(client, wardrobe, monkeypatch):
    monkeypatch.setattr(fragments, "KEPT_ROWS_SECONDS", 1)
    assert "out of 5" not in card_of(client.get("/kg/c/men/"), "Oxford")
    Product.objects.filter(name="Oxford").update(reviews_count=2, rating="5.00")  # as a bulk update: no signal
    assert "out of 5" not in card_of(client.get("/kg/c/men/"), "Oxford")

    time.sleep(1.1)

    assert "5.0 out of 5, 2 reviews" in card_of(client.get("/kg/c/men/"), "Oxford")


def test_a_card_is_kept_per_language(client, wardrobe):
    Product.objects.filter(name="Oxford").update(name_ru="Оксфорд")
    client.get("/kg/c/men/", HTTP_ACCEPT_LANGUAGE="en")

    russian = client.get("/kg/c/men/?lang=ru")

    assert "Добавить в корзину" in card_of(russian, "Оксфорд")  # "Quick add"
    # A name with no Russian version reads the same in both: the rest of its card is still Russian.
    assert "Добавить в корзину" in card_of(russian, "Poplin")
    assert "Quick add" in card_of(client.get("/kg/c/men/?lang=en"), "Poplin")


def test_the_sidebar_shows_the_counts_of_the_listing_it_is_on(client, wardrobe):
    client.get("/kg/c/men/")  # keeps the unfiltered sidebar

    filtered = client.get("/kg/c/men/", {"brand": "Atelier"}).content.decode()
    unfiltered = client.get("/kg/c/men/").content.decode()

    assert re.search(r'value="Nord" checked', filtered) is None
    assert 'value="Atelier" checked' in filtered and 'value="Atelier" checked' not in unfiltered
    assert re.search(r"<span>S</span> <span[^>]*>\(1\)</span>", filtered)  # sizes among Atelier's products
    assert re.search(r"<span>S</span> <span[^>]*>\(2\)</span>", unfiltered)


# --- a product page's rows, kept until a change (catalog.fragments.kept_until_changed) -----------------


@pytest.fixture
def fresh_pages(settings):
    """Pages rendered for every request (no shared page cache), so only the kept rows are kept."""
    settings.PAGE_CACHE_SECONDS = 0


def product_page(client, name):
    return client.get(f"/kg/p/{Product.objects.get(name=name).slug}/")


def buy_box_part(response, part):
    """The text of the buy box's price or stock line, spaces made plain."""
    html = response.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    return re.sub(r"<[^>]+>|\s+", " ", re.search(rf'id="product-{part}".*?</p>', html, re.S).group(0))


def test_a_product_page_reads_its_product_pictures_features_and_related_once(
    client, wardrobe, fresh_pages, django_assert_num_queries
):
    url = f"/kg/p/{Product.objects.get(name='Oxford').slug}/"
    first = client.get(url).content.decode()
    # Then only what changes without a signal: the SKUs' stock (its reviews' summary is kept; it has none to list).
    with django_assert_num_queries(1):
        again = client.get(url).content.decode()

    assert without_tokens(again) == without_tokens(first)
    # Poplin's page shares Oxford's list of the category's best sellers, and leaves itself out.
    poplin = product_page(client, "Poplin")
    assert ">Oxford</h3>" in poplin.content.decode() and ">Poplin</h3>" not in poplin.content.decode()


def test_a_merchandisers_price_product_and_picture_changes_show_on_the_next_product_page(
    client, wardrobe, fresh_pages, django_capture_on_commit_callbacks
):
    product_page(client, "Oxford")
    poplin, oxford = Product.objects.get(name="Poplin"), Product.objects.get(name="Oxford")

    with django_capture_on_commit_callbacks(execute=True):
        MarketPrice.objects.create(product=oxford, market="KG", price="900.00")
        MarketPrice.objects.create(product=poplin, market="KG", price="1500.00")
        oxford.name_ru, oxford.description = "Оксфорд", "Heavy cotton, button-down collar."
        oxford.save()
        oxford.features.create(feature_text="Mother-of-pearl buttons")

    response = product_page(client, "Oxford")
    page = response.content.decode()
    assert "900 som" in buy_box_part(response, "price")
    assert "Heavy cotton, button-down collar." in page and "Mother-of-pearl buttons" in page
    assert "1 500 som" in card_of(product_page(client, "Oxford"), "Poplin").replace("\xa0", " ")
    assert "Оксфорд" in client.get(f"/kg/p/{oxford.slug}/?lang=ru").content.decode()


def test_stock_taken_without_a_signal_shows_at_once_on_a_kept_product_page(client, wardrobe, fresh_pages):
    assert "Only 3 left" in buy_box_part(product_page(client, "Poplin"), "stock")

    SKU.objects.filter(product__name="Poplin").update(stock=0)  # as an order takes it: no signal

    assert "Out of stock" in buy_box_part(product_page(client, "Poplin"), "stock")


def head_of(response):
    return without_tokens(re.search(r"<head>.*</head>", response.content.decode(), re.S).group(0))


def json_ld_product(response):
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    return next(block for block in map(json.loads, blocks) if block["@type"] == "Product")


@pytest.mark.parametrize("query", ["", "?lang=ru", "?lang=ky", "?size=S&color=Black", "?size=M"])
def test_a_kept_product_head_is_the_head_rendered_afresh(client, wardrobe, fresh_pages, query):
    url = f"/kg/p/{Product.objects.get(name='Oxford').slug}/{query}"
    afresh = head_of(client.get(url))
    kept = head_of(client.get(url))
    fragments.forget_html()  # another process: from the cache
    from_cache = head_of(client.get(url))

    assert kept == afresh == from_cache
    assert "<title>" in kept and "og:title" in kept and "hreflang" in kept and "application/ld+json" in kept


def test_a_kept_product_head_follows_a_merchandisers_change_the_stock_and_the_host(
    client, wardrobe, fresh_pages, django_capture_on_commit_callbacks
):
    oxford = Product.objects.get(name="Oxford")
    url = f"/kg/p/{oxford.slug}/?size=S&color=Black"
    first = client.get(url)
    assert json_ld_product(first)["offers"]["availability"] == "https://schema.org/InStock"

    SKU.objects.filter(product=oxford).update(stock=0)  # an order took the last one: no signal
    assert json_ld_product(client.get(url))["offers"]["availability"] == "https://schema.org/OutOfStock"

    with django_capture_on_commit_callbacks(execute=True):
        oxford.name = "Oxford Deluxe"
        oxford.save()
        MarketPrice.objects.create(product=oxford, market="KG", price="900.00")
    changed = client.get(url)
    assert "<title>Oxford Deluxe by Atelier — 900" in changed.content.decode().replace("\xa0", " ")
    assert (
        json_ld_product(changed)["name"] == "Oxford Deluxe" and json_ld_product(changed)["offers"]["price"] == "900.00"
    )

    elsewhere = client.get(url, HTTP_HOST="localhost")
    assert json_ld_product(elsewhere)["url"].startswith("http://localhost/")
    assert json_ld_product(client.get(url))["url"].startswith("http://testserver/")


def test_a_sku_switched_off_or_on_without_a_signal_shows_at_once_on_a_kept_product_page(client, wardrobe, fresh_pages):
    oxford = Product.objects.get(name="Oxford")
    assert 'value="S"' in product_page(client, "Oxford").content.decode()

    SKU.objects.filter(product=oxford, size="S").update(is_active=False)  # a bulk update: no signal
    page = product_page(client, "Oxford").content.decode()
    assert 'value="S"' not in page and 'value="M"' in page

    SKU.objects.filter(product=oxford).update(is_active=True, stock=4)
    page = product_page(client, "Oxford").content.decode()
    assert 'value="S"' in page and 'value="M"' in page and 'max="4"' not in page  # no size picked yet


def test_a_moderated_review_shows_in_the_kept_rating_summary_of_its_product_page(
    client, wardrobe, fresh_pages, admin_user, django_capture_on_commit_callbacks
):
    poplin = Product.objects.get(name="Poplin")
    review = ReviewFactory(product=poplin, rating=4, is_approved=False)
    assert 'id="reviews"' in product_page(client, "Poplin").content.decode()
    assert "1 review" not in product_page(client, "Poplin").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approve_reviews(review_ids=[review.pk], by=admin_user)

    assert "4.0 · 1 review" in product_page(client, "Poplin").content.decode()


def test_a_moderated_review_shows_in_the_related_cards_of_a_kept_product_page(
    client, wardrobe, fresh_pages, admin_user, django_capture_on_commit_callbacks
):
    poplin = Product.objects.get(name="Poplin")
    review = ReviewFactory(product=poplin, rating=5, is_approved=False)
    before = card_of(product_page(client, "Oxford"), "Poplin")

    with django_capture_on_commit_callbacks(execute=True):
        approve_reviews(review_ids=[review.pk], by=admin_user)

    after = card_of(product_page(client, "Oxford"), "Poplin")
    assert "review" not in before
    assert "5.0 out of 5, 1 review" in after


def test_a_product_page_is_read_afresh_when_the_kept_rows_cannot_be_reached(client, wardrobe, fresh_pages, monkeypatch):
    def unreachable():
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache, "version", unreachable)

    assert product_page(client, "Oxford").status_code == 200
    assert "Oxford</h3>" in product_page(client, "Poplin").content.decode()


def test_a_cards_digest_is_worked_out_once_per_language_and_follows_a_new_card(monkeypatch):
    digests = []
    digest = fragments._digest
    monkeypatch.setattr(fragments, "_digest", lambda shown: digests.append(shown) or digest(shown))
    card = {"name": "Oxford", "price": "2 400 сом"}

    with translation.override("ru"):
        in_russian = {fragments._card_digest(card) for _page in range(3)}
    with translation.override("en"):
        in_english = fragments._card_digest(card)
        repriced = fragments._card_digest({**card, "price": "2 200 сом"})
        alike = fragments._card_digest(dict(card))

    assert len(in_russian) == 1 and in_english not in in_russian
    assert repriced != in_english == alike
    assert len(digests) == 4  # once for each card and language, not once for each page


def test_rows_held_in_the_process_are_each_reads_own_and_need_no_cache_round_trip(monkeypatch):
    reads = []

    def read():
        reads.append(1)
        return [{"name": "Oxford", "sizes": ["S", "M"]}]

    first = fragments.kept_until_changed("test-rows", ("oxford",), read)
    first[0]["sizes"].append("XL")  # a page changing what it read
    asked = []
    monkeypatch.setattr(fragments, "_read", lambda keys: asked.append(keys) or {})
    second = fragments.kept_until_changed("test-rows", ("oxford",), read)

    assert second == [{"name": "Oxford", "sizes": ["S", "M"]}] and second is not first
    assert reads == [1] and asked == []  # held in the process: neither read nor asked of the cache


def test_model_rows_held_in_the_process_are_each_reads_own(wardrobe):
    def read():
        product = Product.objects.select_related("category").get(name="Oxford")
        product.card = {"name": "Oxford", "badges": ["new"]}
        return product, list(product.skus.all())

    product, skus = fragments.kept_until_changed("test-model-rows", ("oxford",), read)
    # A page changing what it read: a price, a stock, its card, its category, its list of SKUs.
    product.price = 1
    product.card["badges"].append("sale")
    product.category.name = "Changed"
    skus[0].stock = 999
    skus.pop()
    again, skus_again = fragments.kept_until_changed("test-model-rows", ("oxford",), read)

    fresh = Product.objects.get(name="Oxford")
    assert again is not product and again.price == fresh.price
    assert again.card == {"name": "Oxford", "badges": ["new"]}
    assert again.category.name == fresh.category.name != "Changed"
    assert [sku.stock for sku in skus_again] == [sku.stock for sku in fresh.skus.all()]
    assert 999 not in [sku.stock for sku in skus_again]
    # And the copy is the same row: it saves and compares as the product it was read as.
    assert again == fresh and again.pk == fresh.pk and not again._state.adding


@pytest.mark.parametrize(
    "url", ["/kg/", "/kg/products/", "/kg/c/men/", "/kg/search/?q=oxford", "/kg/p/{oxford}/", "/us/best-sellers/"]
)
def test_rows_shared_by_every_read_are_changed_by_no_page(client, wardrobe, url, monkeypatch):
    as_kept = {}  # what the process began holding as it is (`read_only`), as it was then
    for held in (fragments._rows_in_process, fragments._products_in_process):

        def put(key, value, held=held, put=held.put):
            if not isinstance(value[1], bytes):
                as_kept[key] = pickle.dumps(value[1])
            put(key, value)

        monkeypatch.setattr(held, "put", put)
    oxford = Product.objects.get(name="Oxford").slug
    url = url.format(oxford=oxford)
    pages = [url, "/kg/", "/kg/products/", "/kg/search/?q=shirt", f"/kg/p/{oxford}/", f"/kg/p/{oxford}/?size=S"]

    for page in pages:  # pages reading them, and reading them again, as a visitor and a signed-in shopper
        assert client.get(page).status_code == 200
    client.force_login(UserFactory())  # a KG shopper: a US page sends them to their market's
    for page in pages:
        assert client.get(page, follow=True).status_code == 200

    held = {**fragments._rows_in_process._items, **fragments._products_in_process._items}
    assert as_kept
    assert {key: pickle.dumps(held[key][1]) for key in as_kept} == as_kept


def test_rows_held_in_the_process_are_read_afresh_after_a_change(django_capture_on_commit_callbacks):
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    assert fragments.kept_until_changed("test-rows", ("count",), read) == 1
    assert fragments.kept_until_changed("test-rows", ("count",), read) == 1
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.invalidate()  # what every merchandiser's change does

    assert fragments.kept_until_changed("test-rows", ("count",), read) == 2


def test_rows_from_the_cache_are_held_in_the_process_only_until_they_lapse_there():
    reads = []

    def read():
        reads.append(1)
        return f"read {len(reads)}"

    assert fragments.kept_until_changed("test-rows", ("lapse",), read) == "read 1"
    fragments.forget_html()  # another process: the rows are in the cache, not in it
    key = fragments._rows_key("test-rows", ("lapse",), page_cache.version())
    cache.set(key, (time.time() + 0.5, "kept elsewhere"), 60)  # they lapse half a second from now
    assert fragments.kept_until_changed("test-rows", ("lapse",), read) == "kept elsewhere"

    time.sleep(0.6)  # lapsed in the cache: the process's copy lapses with it

    assert fragments.kept_until_changed("test-rows", ("lapse",), read) == "read 2"


# --- the home page's banners and shelves, kept until a change ---------------------------------------------


@pytest.fixture
def shop_window(wardrobe):
    """Oxford featured, and a KG hero banner live now."""
    Product.objects.filter(name="Oxford").update(is_featured=True)
    BannerFactory(title="Linen week", market="KG")
    cache.clear()


def test_the_home_page_reads_its_banners_and_shelves_once(client, shop_window, fresh_pages, django_assert_num_queries):
    first = client.get("/kg/").content.decode()
    with django_assert_num_queries(0):
        again = client.get("/kg/").content.decode()

    assert without_tokens(again) == without_tokens(first)
    assert "Linen week" in again and ">Oxford</h3>" in again


def test_a_merchandisers_change_shows_on_the_next_home_page(
    client, shop_window, fresh_pages, django_capture_on_commit_callbacks
):
    client.get("/kg/")  # keeps the rows

    poplin = Product.objects.get(name="Poplin")
    poplin.name, poplin.is_featured = "Poplin Deluxe", True
    with django_capture_on_commit_callbacks(execute=True):
        poplin.save()
        BannerFactory(title="Wool week", market="KG")

    page = client.get("/kg/").content.decode()
    assert ">Poplin Deluxe</h3>" in page and "Wool week" in page


def test_a_scheduled_banner_shows_on_a_kept_home_page_the_moment_it_starts_and_ends(
    client, shop_window, fresh_pages, monkeypatch
):
    now = timezone.now()
    starts, ends = now + timedelta(minutes=10), now + timedelta(minutes=40)
    BannerFactory(title="Winter drop", market="KG", start_date=starts, end_date=ends)
    cache.clear()

    assert "Winter drop" not in client.get("/kg/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: starts + timedelta(seconds=1))
    assert "Winter drop" in client.get("/kg/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: ends)
    assert "Winter drop" not in client.get("/kg/").content.decode()


def test_a_banners_start_and_end_are_the_shared_pages_next_scheduled_changes():
    now = timezone.now()
    BannerFactory(start_date=now + timedelta(hours=2), end_date=now + timedelta(hours=5))
    BannerFactory(end_date=now + timedelta(hours=3))
    BannerFactory(start_date=now + timedelta(hours=1), is_active=False)  # switched off: never shows

    assert Banner.objects.next_boundary(now) == now + timedelta(hours=2)
    assert Banner.objects.next_boundary(now + timedelta(hours=2)) == now + timedelta(hours=3)
    assert Banner.objects.next_boundary(now + timedelta(hours=5)) is None


# --- an unfiltered listing's page of rows, kept until a change ---------------------------------------------


def test_an_unfiltered_listing_reads_its_category_and_rows_once_and_a_filtered_one_reads_them_live(
    client, wardrobe, fresh_pages, django_assert_num_queries
):
    refresh_listing_facets()  # its counts from the kept rows, as in production
    client.get("/kg/c/men/")
    with django_assert_num_queries(0):
        again = client.get("/kg/c/men/")
    assert ">Oxford</h3>" in again.content.decode()

    Product.objects.filter(name="Oxford").update(brand="Nord")  # no signal
    assert ">Oxford</h3>" in client.get("/kg/c/men/").content.decode()  # kept
    assert ">Oxford</h3>" in client.get("/kg/c/men/", {"brand": "Nord"}).content.decode()  # live
    assert ">Oxford</h3>" not in client.get("/kg/c/men/", {"brand": "Atelier"}).content.decode()


def test_a_product_out_of_stock_or_new_shows_on_the_next_unfiltered_listing(
    client, wardrobe, fresh_pages, django_capture_on_commit_callbacks
):
    assert "Quick add" in card_of(client.get("/kg/c/men/"), "Poplin")

    with django_capture_on_commit_callbacks(execute=True):
        SKU.objects.filter(product__name="Poplin").update(stock=0)
        sync_in_stock([Product.objects.get(name="Poplin").pk])  # as an order that takes the last unit does

    assert "Quick add" not in card_of(client.get("/kg/c/men/"), "Poplin")
