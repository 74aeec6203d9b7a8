"""Wishlist: the heart toggle, the wishlist page, remove, clear, move to cart, a visitor's heart after sign-in."""

import re

import pytest

from catalog import wishlist
from catalog.models import Wishlist, WishlistItem
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import CartItem
from storefront import sms

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
WISHLIST = "/kg/wishlist/"


@pytest.fixture
def product():
    return ProductFactory(name="Silk Scarf", slug="silk-scarf")


def saved(user):
    return set(WishlistItem.objects.owned_by(user).values_list("product_id", flat=True))


def test_toggle_service_adds_then_removes(kg_shopper, product):
    assert wishlist.toggle_wishlist(user=kg_shopper, product=product) is True
    assert wishlist.toggle_wishlist(user=kg_shopper, product=product) is False
    assert saved(kg_shopper) == set()


def test_heart_full_page_toggles_and_redirects_back(client, signed_in, product):
    response = client.post(f"/kg/wishlist/toggle/{product.pk}/", {"next": "/kg/products/"})
    assert response.status_code == 302 and response["Location"] == "/kg/products/"
    assert saved(signed_in) == {product.pk}
    client.post(f"/kg/wishlist/toggle/{product.pk}/")
    assert saved(signed_in) == set()


def test_heart_htmx_swaps_the_button_and_triggers_wishlist_updated(client, signed_in, product):
    response = client.post(f"/kg/wishlist/toggle/{product.pk}/", headers=HTMX)
    body = response.content.decode().strip()
    assert body.startswith(f'<form id="wishlist-button-{product.pk}"') and "<html" not in body
    assert 'aria-pressed="true"' in body and "wishlist-updated" in response["HX-Trigger"]
    response = client.post(f"/kg/wishlist/toggle/{product.pk}/", headers=HTMX)
    assert 'aria-pressed="false"' in response.content.decode()


def test_heart_on_an_unknown_or_inactive_product_is_a_404(client, signed_in):
    assert client.post("/kg/wishlist/toggle/999999/").status_code == 404
    assert client.post(f"/kg/wishlist/toggle/{ProductFactory(is_active=False).pk}/").status_code == 404


def test_visitor_heart_asks_to_sign_in_and_saves_the_product_after_sign_in(
    client, kg_shopper, product, settings, django_capture_on_commit_callbacks
):
    response = client.post(f"/kg/wishlist/toggle/{product.pk}/", headers=HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fkg%2Fp%2Fsilk-scarf%2F"
    response = client.post(f"/kg/wishlist/toggle/{product.pk}/")
    assert response["Location"] == "/accounts/login/?next=%2Fkg%2Fp%2Fsilk-scarf%2F"

    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"phone": kg_shopper.phone, "next": "/kg/p/silk-scarf/"})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    response = client.post("/accounts/login/code/", {"code": code})
    sms.outbox.clear()

    assert response["Location"] == "/kg/p/silk-scarf/"
    assert saved(kg_shopper) == {product.pk}
    page = client.get("/kg/p/silk-scarf/").content.decode()
    assert 'aria-pressed="true"' in page


def test_wishlist_page_needs_sign_in(client):
    response = client.get(WISHLIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_wishlist_page_full_and_htmx(client, signed_in, product):
    wishlist.add_to_wishlist(user=signed_in, product=product)
    page = client.get(WISHLIST).content.decode()
    assert "Silk Scarf" in page and "<html" in page
    fragment = client.get(WISHLIST, headers=HTMX).content.decode().strip()
    assert fragment.startswith('<div id="wishlist-contents"') and "Silk Scarf" in fragment


def test_remove_and_clear_full_page_and_htmx(client, signed_in, product):
    item = wishlist.add_to_wishlist(user=signed_in, product=product)
    response = client.post(f"/kg/wishlist/items/{item.pk}/remove/")
    assert response.status_code == 302 and saved(signed_in) == set()
    item = wishlist.add_to_wishlist(user=signed_in, product=product)
    response = client.post(f"/kg/wishlist/items/{item.pk}/remove/", headers=HTMX)
    assert response.content.decode().strip().startswith('<div id="wishlist-contents"')
    assert "wishlist-updated" in response["HX-Trigger"] and saved(signed_in) == set()
    wishlist.add_to_wishlist(user=signed_in, product=product)
    assert client.post("/kg/wishlist/clear/").status_code == 302 and saved(signed_in) == set()
    wishlist.add_to_wishlist(user=signed_in, product=product)
    response = client.post("/kg/wishlist/clear/", headers=HTMX)
    assert "wishlist-updated" in response["HX-Trigger"] and saved(signed_in) == set()


def test_another_users_wishlist_item_is_a_404(client, signed_in, kg_shopper, product):
    from accounts.tests.factories import KGUserFactory

    other = wishlist.add_to_wishlist(user=KGUserFactory(), product=product)
    assert client.post(f"/kg/wishlist/items/{other.pk}/remove/").status_code == 404
    assert client.post(f"/kg/wishlist/items/{other.pk}/move/").status_code == 404
    assert WishlistItem.objects.filter(pk=other.pk).exists()


def test_move_to_cart_with_one_sku(client, signed_in, product):
    sku = SKUFactory(product=product, stock=3)
    item = wishlist.add_to_wishlist(user=signed_in, product=product)
    response = client.post(f"/kg/wishlist/items/{item.pk}/move/", headers=HTMX)
    assert "cart-updated" in response["HX-Trigger"] and "wishlist-updated" in response["HX-Trigger"]
    assert CartItem.objects.get().sku == sku and saved(signed_in) == set()


def test_move_to_cart_needs_a_chosen_sku_when_there_are_several(client, signed_in, product):
    first = SKUFactory(product=product, size="S")
    second = SKUFactory(product=product, size="M")
    item = wishlist.add_to_wishlist(user=signed_in, product=product)
    response = client.post(f"/kg/wishlist/items/{item.pk}/move/")
    assert response.status_code == 302 and not CartItem.objects.exists()
    foreign = SKUFactory()
    client.post(f"/kg/wishlist/items/{item.pk}/move/", {"sku": foreign.pk})
    client.post(f"/kg/wishlist/items/{item.pk}/move/", {"sku": "junk"})
    assert not CartItem.objects.exists()
    client.post(f"/kg/wishlist/items/{item.pk}/move/", {"sku": second.pk})
    assert CartItem.objects.get().sku == second and first.pk != second.pk
    assert saved(signed_in) == set()


def test_wishlist_badge_fragment(client, signed_in, product):
    wishlist.add_to_wishlist(user=signed_in, product=product)
    badge = client.get("/kg/wishlist/badge/").content.decode()
    assert badge.startswith('<span id="wishlist-badge"') and 'data-count="1"' in badge


@pytest.mark.parametrize("items", [1, 30])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", WISHLIST),
        ("get", "/kg/wishlist/badge/"),
        ("post", "/kg/wishlist/toggle/{product}/"),
        ("post", "/kg/wishlist/items/{item}/remove/"),
        ("post", "/kg/wishlist/items/{item}/move/"),
        ("post", "/kg/wishlist/clear/"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_wishlist_query_budget_is_the_same_for_1_or_30_items(
    client, signed_in, django_assert_max_num_queries, items, method, url, htmx
):
    rows = []
    for _ in range(items):
        product = ProductFactory()
        SKUFactory.create_batch(2, product=product)
        rows.append(wishlist.add_to_wishlist(user=signed_in, product=product))
    client.get(WISHLIST)  # warm the caches a running shop has warm
    url = url.format(product=rows[-1].product_id, item=rows[-1].pk)
    with django_assert_max_num_queries(10):
        response = getattr(client, method)(url, headers=HTMX if htmx else {})
    assert response.status_code in (200, 302)
    assert Wishlist.objects.count() == 1
