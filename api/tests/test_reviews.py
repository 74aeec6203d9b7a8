"""Reviews in the API: a product's published reviews, the caller's own, what they may still review,
and writing one on the web's eligibility rules (reviews.services)."""

import pytest

from accounts.tests.factories import KGUserFactory
from api.tests.conftest import authed, error, error_code
from catalog.tests.factories import ProductFactory
from checkout.models import Order
from reviews.models import Review
from reviews.tests.factories import ReviewImageFactory
from reviews.tests.review_data import order_of, review_of

pytestmark = pytest.mark.django_db

MINE, AWAITING = "/api/v1/profile/reviews", "/api/v1/profile/reviews/awaiting"


def write_url(order):
    return f"/api/v1/orders/{order.order_number}/reviews"


def product_url(product):
    return f"/api/v1/products/{product.slug}/reviews"


@pytest.fixture
def shirt():
    return ProductFactory(name="Linen Shirt", market="KG")


@pytest.fixture
def delivered(kg_shopper, shirt):
    return order_of(kg_shopper, shirt)


REVIEW = {"rating": 4, "title": "Good linen", "comment": "Soft and true to size."}


# --- writing ------------------------------------------------------------------------------------


def test_writing_needs_a_token(api_client, delivered, shirt):
    response = api_client.post(write_url(delivered), {"product_id": shirt.pk, **REVIEW}, format="json")
    assert response.status_code == 401


def test_a_bought_and_delivered_product_is_reviewed_and_waits_for_a_moderator(api, kg_shopper, delivered, shirt):
    response = api.post(write_url(delivered), {"product_id": shirt.pk, **REVIEW}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["rating"], body["title"], body["state"]) == (4, "Good linen", "pending")
    assert body["product"]["id"] == shirt.pk and body["order_number"] == delivered.order_number
    review = Review.objects.get()
    assert (review.user, review.order, review.is_verified_purchase, review.is_approved) == (
        kg_shopper,
        delivered,
        True,
        False,
    )


def test_a_second_review_of_the_same_product_and_order_is_refused(api, delivered, shirt):
    api.post(write_url(delivered), {"product_id": shirt.pk, **REVIEW}, format="json")
    response = api.post(write_url(delivered), {"product_id": shirt.pk, **REVIEW}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "review_refused"
    assert Review.objects.count() == 1


@pytest.mark.parametrize("status", [Order.Status.PENDING, Order.Status.SHIPPED, Order.Status.CANCELLED])
def test_an_order_not_yet_delivered_cannot_be_reviewed(api, kg_shopper, shirt, status):
    order = order_of(kg_shopper, shirt, status=status)
    response = api.post(write_url(order), {"product_id": shirt.pk, **REVIEW}, format="json")
    assert response.status_code == 400
    assert error(response)["message"] == "You can review a product once its order is delivered."
    assert not Review.objects.exists()


def test_a_product_not_in_the_order_cannot_be_reviewed(api, delivered):
    for product_id in (ProductFactory(market="KG").pk, 999999):
        response = api.post(write_url(delivered), {"product_id": product_id, **REVIEW}, format="json")
        assert response.status_code == 400
        assert error(response)["message"] == "This product is not in that order."
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"comment": "   "}, "comment"),
        ({"title": "x" * 151}, "title"),
        ({"comment": "x" * 5001}, "comment"),
        ({"product_id": "shirt"}, "product_id"),
    ],
)
def test_bad_input_is_a_400_with_field_messages(api, delivered, shirt, change, field):
    response = api.post(write_url(delivered), {"product_id": shirt.pk, **REVIEW, **change}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert field in error(response)["details"]
    assert not Review.objects.exists()


def test_another_shoppers_order_is_a_404(delivered, shirt):
    response = authed(KGUserFactory()).post(write_url(delivered), {"product_id": shirt.pk, **REVIEW}, format="json")
    assert response.status_code == 404
    assert error_code(response) == "order_not_found"
    assert not Review.objects.exists()


# --- the caller's own -----------------------------------------------------------------------------


def test_my_reviews_list_only_mine_with_their_moderation_state(api, kg_shopper, shirt, delivered):
    review_of(shirt, order=delivered, approved=True)
    review_of(ProductFactory(), user=kg_shopper, rejected=True)
    review_of(shirt, user=KGUserFactory(), approved=True)
    response = api.get(MINE)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {r["state"] for r in body["results"]} == {"approved", "rejected"}


def test_awaiting_lists_what_is_still_to_review(api, kg_shopper, shirt, delivered):
    other = ProductFactory(name="Wool Scarf", market="KG")
    second = order_of(kg_shopper, other)
    review_of(shirt, order=delivered)
    order_of(kg_shopper, ProductFactory(), status=Order.Status.SHIPPED)
    body = api.get(AWAITING).json()
    assert [(line["order_number"], line["product_id"]) for line in body] == [(second.order_number, other.pk)]


def test_my_reviews_query_budget_does_not_grow(api, kg_shopper, django_assert_max_num_queries):
    def add():
        order = order_of(kg_shopper)
        review = review_of(order.items.get().product, order=order)
        ReviewImageFactory(review=review)

    add()
    with django_assert_max_num_queries(6) as one:
        api.get(MINE)
    for _ in range(5):
        add()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get(MINE).json()["count"] == 6


# --- a product's published reviews ----------------------------------------------------------------


def test_a_products_reviews_are_only_the_approved_ones_for_anyone(api_client, shirt, delivered):
    approved = review_of(shirt, order=delivered, approved=True, title="Great")
    review_of(shirt, user=KGUserFactory(), title="Waiting")
    review_of(shirt, user=KGUserFactory(), rejected=True, title="Rude")
    response = api_client.get(product_url(shirt))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == approved.pk and body["results"][0]["verified_purchase"] is True


def test_most_helpful_first_on_request(api_client, shirt):
    review_of(shirt, user=KGUserFactory(), approved=True, helpful_count=1, title="Some")
    review_of(shirt, user=KGUserFactory(), approved=True, helpful_count=9, title="Most")
    titles = [r["title"] for r in api_client.get(product_url(shirt), {"sort": "helpful"}).json()["results"]]
    assert titles == ["Most", "Some"]
    response = api_client.get(product_url(shirt), {"sort": "loudest"})
    assert response.status_code == 400
    assert "sort" in error(response)["details"]


def test_a_product_not_sold_in_the_market_is_a_404(api_client, api):
    us_only = ProductFactory(market="US")
    assert api_client.get(product_url(us_only)).status_code == 404
    assert api.get(product_url(us_only)).status_code == 404
    assert api_client.get(product_url(us_only), {"market": "US"}).status_code == 200


def test_a_products_reviews_query_budget_does_not_grow(api_client, shirt, django_assert_max_num_queries):
    def add():
        ReviewImageFactory(review=review_of(shirt, user=KGUserFactory(), approved=True))

    add()
    with django_assert_max_num_queries(5) as one:
        api_client.get(product_url(shirt))
    for _ in range(5):
        add()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api_client.get(product_url(shirt)).json()["count"] == 6
