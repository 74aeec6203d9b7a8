"""The wishlist endpoints: reading, adding, removing, clearing, bad input, ownership, parity with the web, budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import KGUserFactory
from api.tests.conftest import authed, error_code
from catalog.models import WishlistItem
from catalog.tests.factories import ProductFactory, SKUFactory
from catalog.wishlist import add_to_wishlist, wishlist_product_ids

pytestmark = pytest.mark.django_db

GET, ADD, REMOVE, CLEAR = (f"/api/v1/wishlist/{name}" for name in ("get", "add", "remove", "clear"))


@pytest.fixture
def product():
    product = ProductFactory(name="Wool Coat", brand="Atelier Nord", market="KG", price=Decimal("12990"))
    SKUFactory(product=product, size="M", color="Grey", stock=3)
    return product


@pytest.fixture
def saved(kg_shopper, product):
    return add_to_wishlist(user=kg_shopper, product=product)


@pytest.fixture
def others_item():
    return add_to_wishlist(user=KGUserFactory(), product=ProductFactory(market="KG"))


@pytest.mark.parametrize("url", [GET, ADD, REMOVE, CLEAR])
def test_every_wishlist_endpoint_needs_a_token(api_client, url):
    response = api_client.post(url, {}, format="json")
    assert response.status_code == 401 and error_code(response) == "not_authenticated"


def test_wishlist_endpoints_are_post_only(api):
    assert api.get(GET).status_code == 405


def test_an_empty_wishlist(api):
    body = api.post(GET).json()
    assert body == {"items": [], "count": 0, "notice": ""}


def test_the_wishlist_lists_products_with_their_price_and_skus_in_stock(api, saved, product):
    SKUFactory(product=product, size="L", stock=0)  # sold out: not offered
    body = api.post(GET).json()
    [item] = body["items"]
    assert item["id"] == saved.pk and item["sold_here"] is True
    assert item["product"]["id"] == product.pk and item["product"]["slug"] == product.slug
    assert item["product"]["name"] == "Wool Coat" and item["product"]["brand"] == "Atelier Nord"
    assert item["product"]["price"] == {"amount": "12990.00", "currency": "KGS", "display": "12 990 som"}
    assert item["product"]["original_price"] is None
    assert [sku["size"] for sku in item["product"]["skus"]] == ["M"]


def test_add_saves_the_product_once(api, kg_shopper, product):
    first = api.post(ADD, {"product_id": product.pk}, format="json")
    again = api.post(ADD, {"product_id": product.pk}, format="json")
    assert first.status_code == again.status_code == 200
    assert again.json()["count"] == 1 and again.json()["notice"] == "Saved to your wishlist."
    assert wishlist_product_ids(kg_shopper) == {product.pk}


@pytest.mark.parametrize("product_id", ["abc", 0, -2, 2**70, None])
def test_a_malformed_product_id_is_a_400(api, product_id):
    response = api.post(ADD, {"product_id": product_id}, format="json")
    assert response.status_code == 400 and "product_id" in response.json()["error"]["details"]
    assert not WishlistItem.objects.exists()


def test_an_unknown_inactive_or_other_market_product_is_a_404(api, product):
    inactive = ProductFactory(market="KG", is_active=False)
    us_only = ProductFactory(market="US", price=Decimal("20"))
    for product_id in (987654321, inactive.pk, us_only.pk):
        response = api.post(ADD, {"product_id": product_id}, format="json")
        assert response.status_code == 404 and error_code(response) == "product_not_found"
    assert not WishlistItem.objects.exists()


def test_remove_by_item_id_or_by_product_id(api, kg_shopper, saved, product):
    other = add_to_wishlist(user=kg_shopper, product=ProductFactory(market="KG"))
    body = api.post(REMOVE, {"item_id": saved.pk}, format="json").json()
    assert [item["id"] for item in body["items"]] == [other.pk]
    assert body["notice"] == "Removed from your wishlist."
    assert api.post(REMOVE, {"product_id": other.product_id}, format="json").json()["items"] == []


@pytest.mark.parametrize("data", [{}, {"item_id": 1, "product_id": 1}, {"item_id": "x"}])
def test_remove_needs_exactly_one_valid_id(api, saved, data):
    response = api.post(REMOVE, data, format="json")
    assert response.status_code == 400
    assert WishlistItem.objects.filter(pk=saved.pk).exists()


def test_remove_of_something_not_on_the_wishlist_is_a_404(api, saved):
    response = api.post(REMOVE, {"product_id": saved.product_id + 1000}, format="json")
    assert response.status_code == 404 and error_code(response) == "wishlist_item_not_found"


@pytest.mark.parametrize("key", ["item_id", "product_id"])
def test_another_users_item_is_a_404_and_stays(api, saved, others_item, key):
    value = others_item.pk if key == "item_id" else others_item.product_id
    response = api.post(REMOVE, {key: value}, format="json")
    assert response.status_code == 404
    assert WishlistItem.objects.count() == 2


def test_clear_empties_only_the_callers_wishlist(api, saved, others_item):
    response = api.post(CLEAR)
    assert response.status_code == 200 and response.json()["items"] == []
    assert list(WishlistItem.objects.all()) == [others_item]


def test_a_product_no_longer_sold_in_the_market_stays_listed_without_a_price(api, kg_shopper, client):
    """A shopper whose number moved markets keeps their list: the API and the web page both show it."""
    us_only = ProductFactory(market="US", price=Decimal("20"), name="Denim Jacket")
    SKUFactory(product=us_only)
    add_to_wishlist(user=kg_shopper, product=us_only)
    [item] = api.post(GET).json()["items"]
    assert item["sold_here"] is False and item["product"]["price"] is None and item["product"]["skus"] == []
    client.force_login(kg_shopper)
    page = client.get("/kg/wishlist/")
    assert page.status_code == 200 and "Not available in your market" in page.text


def test_the_heart_on_the_web_and_add_in_the_api_save_the_same(product):
    web_user, api_user = KGUserFactory(), KGUserFactory()
    browser = Client()
    browser.force_login(web_user)
    browser.post(f"/kg/wishlist/toggle/{product.pk}/")
    authed(api_user).post(ADD, {"product_id": product.pk}, format="json")
    assert wishlist_product_ids(web_user) == wishlist_product_ids(api_user) == {product.pk}
    strip = [{**item, "id": None, "added_at": None} for item in authed(web_user).post(GET).json()["items"]]
    assert strip == [{**item, "id": None, "added_at": None} for item in authed(api_user).post(GET).json()["items"]]


def queries_for(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.post(GET).status_code == 200
    return len(captured)


def test_reading_costs_the_same_queries_for_one_item_and_many(kg_shopper):
    client = authed(kg_shopper)
    add_to_wishlist(user=kg_shopper, product=SKUFactory().product)
    queries_for(client)  # the exchange rate is cached from now on
    one = queries_for(client)
    for _ in range(8):
        product = ProductFactory(market="ALL", price=Decimal("15"))
        SKUFactory.create_batch(2, product=product)
        add_to_wishlist(user=kg_shopper, product=product)
    assert queries_for(client) == one
