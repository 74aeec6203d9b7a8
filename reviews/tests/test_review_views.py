"""Review pages: the review form of a delivered product, the shopper's reviews, the product page's
reviews with photos, sorting and helpful votes, the order page's review links; bad input, ownership
and query budgets."""

import json
import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image

from accounts.tests.factories import KGUserFactory
from catalog import fragments
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from checkout.models import Order, OrderItem
from reviews.models import Review, ReviewImage, ReviewVote
from reviews.tests.factories import ReviewImageFactory
from reviews.tests.pictures import big_upload, picture_upload, text_upload
from reviews.tests.review_data import order_of, review_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MY_REVIEWS = "/accounts/reviews/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_url(order, product):
    return f"/{order.market.lower()}/orders/{order.order_number}/review/{product.pk}/"


@pytest.fixture
def shirt():
    return ProductFactory(name="Linen Shirt", slug="linen-shirt")


@pytest.fixture
def delivered(signed_in, shirt):
    return order_of(signed_in, shirt)


def post_review(client, order, product, **data):
    fields = {"rating": "5", "title": "Lovely", "comment": "Soft and true to size.", **data}
    return client.post(form_url(order, product), fields)


# --- the review form ---------------------------------------------------------------------------------


def test_the_form_of_a_delivered_product_has_labelled_fields_and_csrf(client, delivered, shirt):
    response = client.get(form_url(delivered, shirt))

    assert response.status_code == 200
    html = response.text
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    for label in ("Your rating", "Title", "Your review", "Photos", "5 stars, excellent", "1 star, very poor"):
        assert label in html
    assert '<label class="mb-1 block text-sm font-medium" for="id_photos">' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html and "multiple" in html
    assert "Linen Shirt" in html and delivered.order_number in html


def test_a_shopper_reviews_a_delivered_product_with_photos(client, delivered, shirt, settings):
    response = post_review(client, delivered, shirt, photos=[picture_upload("a.jpg"), picture_upload("b.png", "PNG")])

    assert response.status_code == 302 and response["Location"] == MY_REVIEWS
    review = Review.objects.get()
    assert (review.order, review.product, review.rating, review.is_verified_purchase) == (delivered, shirt, 5, True)
    assert review.state == Review.State.PENDING
    assert ReviewImage.objects.filter(review=review).count() == 2
    assert "once we have checked it" in messages_of(response)[0]


def test_photos_with_a_location_are_accepted_without_it_and_the_shopper_is_told(client, delivered, shirt):
    response = post_review(client, delivered, shirt, photos=[picture_upload("gps.jpg", gps=True)])

    assert response.status_code == 302
    assert "We removed the location saved in your photos." in messages_of(response)
    image = ReviewImage.objects.get()
    with Image.open(image.image.path) as stored:
        assert dict(stored.getexif()) == {}


@pytest.mark.parametrize("rating", ["0", "6", "-1", "five", "", "4.5"])
def test_a_rating_out_of_range_redisplays_the_form_with_a_clear_message(client, delivered, shirt, rating):
    response = post_review(client, delivered, shirt, rating=rating)

    assert response.status_code == 400
    assert "Choose a rating from 1 to 5 stars." in response.text
    assert not Review.objects.exists()


def test_a_missing_comment_is_asked_for(client, delivered, shirt):
    response = post_review(client, delivered, shirt, comment="")

    assert response.status_code == 400
    assert "Tell other shoppers what you think of it." in response.text
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        (lambda: [big_upload(20, name="holiday.jpg")], "holiday.jpg is larger than 10 MB."),
        (lambda: [text_upload("notes.jpg")], "notes.jpg is not a JPEG, PNG or WebP picture."),
        (lambda: [picture_upload(f"{n}.jpg", size=(64, 64)) for n in range(6)], "Attach at most 5 photos."),
    ],
    ids=["20 MB", "not an image", "six photos"],
)
def test_a_bad_photo_keeps_the_form_with_a_clear_message_and_stores_nothing(
    client, delivered, shirt, settings, photos, message
):
    response = post_review(client, delivered, shirt, photos=[picture_upload("good.jpg"), *photos()])

    assert response.status_code == 400
    assert message in response.text
    assert 'id="id_photos_error"' in response.text
    assert not Review.objects.exists() and not ReviewImage.objects.exists()
    assert not (settings.MEDIA_ROOT / "reviews").exists() or not any((settings.MEDIA_ROOT / "reviews").iterdir())


def test_a_second_review_of_the_same_line_is_refused_with_a_message(client, delivered, shirt):
    post_review(client, delivered, shirt)

    for response in (client.get(form_url(delivered, shirt)), post_review(client, delivered, shirt, rating="1")):
        assert response.status_code == 302
        assert response["Location"] == f"/kg/orders/{delivered.order_number}/"
        assert "You have already reviewed this product from this order." in messages_of(response)
    assert list(Review.objects.values_list("rating", flat=True)) == [5]


def test_a_product_that_is_not_in_the_order_is_refused_with_a_message(client, delivered):
    scarf = ProductFactory(name="Scarf")

    response = post_review(client, delivered, scarf)

    assert response.status_code == 302
    assert "This product is not in that order." in messages_of(response)
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [Order.Status.PENDING, Order.Status.SHIPPED, Order.Status.CANCELLED])
def test_a_product_of_an_order_not_yet_delivered_is_refused_with_a_message(client, signed_in, shirt, status):
    order = order_of(signed_in, shirt, status=status)

    response = post_review(client, order, shirt)

    assert response.status_code == 302
    assert "You can review a product once its order is delivered." in messages_of(response)
    assert not Review.objects.exists()


def test_someone_elses_order_is_a_404_for_every_method(client, signed_in, shirt):
    others = order_of(KGUserFactory(), shirt)

    assert client.get(form_url(others, shirt)).status_code == 404
    assert post_review(client, others, shirt).status_code == 404
    assert not Review.objects.exists()


def test_an_unknown_order_or_product_is_a_404(client, delivered, shirt):
    assert client.get(f"/kg/orders/MQ-NOPE1234/review/{shirt.pk}/").status_code == 404
    assert client.get(f"/kg/orders/{delivered.order_number}/review/999999/").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, shirt):
    order = order_of(KGUserFactory(), shirt)

    response = client.get(form_url(order, shirt))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_posting_a_review_needs_the_csrf_token(kg_shopper, shirt):
    order = order_of(kg_shopper, shirt)
    client = Client(enforce_csrf_checks=True)
    client.force_login(kg_shopper)

    response = post_review(client, order, shirt)

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_the_review_form_stays_within_its_query_budget(
    client, delivered, shirt, django_assert_max_num_queries, pages_version_started
):
    with django_assert_max_num_queries(12):
        assert client.get(form_url(delivered, shirt)).status_code == 200
    with django_assert_max_num_queries(12):
        assert post_review(client, delivered, shirt, rating="9").status_code == 400


def test_posting_a_review_with_photos_stays_within_its_query_budget(
    client, delivered, shirt, django_assert_max_num_queries
):
    photos = [picture_upload(f"{n}.jpg", size=(64, 64)) for n in range(5)]

    # The ownership checks, the review and one row per photo, all in one transaction.
    with django_assert_max_num_queries(18):
        assert post_review(client, delivered, shirt, photos=photos).status_code == 302


# --- the shopper's reviews ------------------------------------------------------------------------------


def test_my_reviews_shows_each_review_with_its_state_and_what_is_left_to_review(client, signed_in, shirt):
    coat, scarf = ProductFactory(name="Wool Coat"), ProductFactory(name="Silk Scarf")
    order = order_of(signed_in, shirt, coat, scarf)
    review_of(shirt, order=order, approved=True, title="Great shirt")
    review_of(coat, order=order, rejected=True, title="Bad coat")
    review_of(ProductFactory(name="Old Hat"), user=signed_in, title="Hat review")
    review_of(shirt, user=KGUserFactory(), title="Someone else's")

    response = client.get(MY_REVIEWS)

    assert response.status_code == 200
    html = response.text
    for text in ("Great shirt", "Published", "Bad coat", "Not published", "Hat review", "Waiting for approval"):
        assert text in html
    assert "Someone else" not in html
    awaiting = re.search(r'data-testid="awaiting-review".*?</ul>', html, re.S).group(0)
    assert "Silk Scarf" in awaiting and "Wool Coat" not in awaiting
    assert form_url(order, scarf) in awaiting
    assert 'aria-current="page"' in html and ">Reviews</a>" in html


def test_my_reviews_needs_sign_in(client):
    assert client.get(MY_REVIEWS)["Location"].startswith("/accounts/login/")


def my_reviews_queries(client, user, count):
    shirt = ProductFactory()
    for _ in range(count):
        order = order_of(user, shirt, ProductFactory())
        ReviewImageFactory(review=review_of(shirt, order=order))
    cache.clear()  # each count from the same start: nothing kept (the category menu, the pages' version)
    fragments.forget_html()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MY_REVIEWS).status_code == 200
    return len(queries)


def test_my_reviews_stays_within_its_query_budget_whatever_the_number_of_reviews(
    client, signed_in, django_assert_max_num_queries
):
    few = my_reviews_queries(client, signed_in, 2)
    many = my_reviews_queries(client, signed_in, 12)

    assert few == many
    with django_assert_max_num_queries(10):
        client.get(MY_REVIEWS)


# --- the product page ------------------------------------------------------------------------------------


def test_the_product_page_shows_approved_reviews_with_photos_and_the_verified_badge(client, shirt):
    order = order_of(KGUserFactory(full_name="Aida Bekova"), shirt)
    verified = review_of(shirt, order=order, approved=True, comment="Verified words", rating=4)
    ReviewImageFactory(review=verified, image_url="https://cdn.example.com/review-photo.jpg")
    review_of(shirt, approved=True, comment="Unverified words", rating=2)
    review_of(shirt, comment="Waiting words")
    review_of(shirt, rejected=True, comment="Rejected words")

    html = client.get("/kg/p/linen-shirt/").text

    assert "Verified words" in html and "Unverified words" in html
    assert "Waiting words" not in html and "Rejected words" not in html
    assert html.count('data-testid="verified-badge"') == 1
    assert 'src="https://cdn.example.com/review-photo.jpg"' in html
    assert "Rated 3.0 out of 5" in html


def test_the_product_json_ld_carries_the_aggregate_rating_of_approved_reviews(client, shirt):
    for rating in (5, 4, 4):
        review_of(shirt, approved=True, rating=rating)
    review_of(shirt, rating=1)
    review_of(shirt, rating=1, rejected=True)

    html = client.get("/kg/p/linen-shirt/").text

    blocks = [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]
    product = next(block for block in blocks if block["@type"] == "Product")
    assert product["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.3",
        "reviewCount": 3,
        "bestRating": "5",
        "worstRating": "1",
    }


def test_reviews_sort_newest_first_or_most_helpful_first(client, shirt):
    old_helpful = review_of(shirt, approved=True, comment="Old but helpful", helpful_count=9)
    new_plain = review_of(shirt, approved=True, comment="New and plain", helpful_count=0)
    Review.objects.filter(pk=old_helpful.pk).update(created_at=new_plain.created_at.replace(year=2020))

    newest = client.get("/kg/p/linen-shirt/").context["reviews_page"].object_list
    helpful = client.get("/kg/p/linen-shirt/?reviews_sort=helpful").context["reviews_page"].object_list
    unknown = client.get("/kg/p/linen-shirt/?reviews_sort=');DROP").context["reviews_page"].object_list

    assert [r.comment for r in newest] == ["New and plain", "Old but helpful"]
    assert [r.comment for r in helpful] == ["Old but helpful", "New and plain"]
    assert [r.comment for r in unknown] == ["New and plain", "Old but helpful"]


def test_review_pages_keep_the_chosen_sort(client, shirt):
    for n in range(7):
        review_of(shirt, approved=True, comment=f"Review {n}", helpful_count=n)

    response = client.get("/kg/p/linen-shirt/?reviews_sort=helpful")

    assert [r.comment for r in response.context["reviews_page"]] == [f"Review {n}" for n in (6, 5, 4, 3, 2)]
    assert "?reviews_sort=helpful&amp;reviews=2#reviews" in response.text
    page_two = client.get("/kg/p/linen-shirt/?reviews_sort=helpful&reviews=2").context["reviews_page"]
    assert [r.comment for r in page_two] == ["Review 1", "Review 0"]


def product_page_queries(client, product, reviews):
    for n in range(reviews):
        order = order_of(KGUserFactory(), product)
        ReviewImageFactory.create_batch(2, review=review_of(product, order=order, approved=True, rating=1 + n % 5))
    cache.clear()  # the worst case: no menu and no exchange rate cached yet
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/kg/p/{product.slug}/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in_as", [None, "shopper"])
def test_the_product_page_with_reviews_stays_within_its_query_budget(
    client, shirt, signed_in_as, django_assert_max_num_queries
):
    if signed_in_as:
        client.force_login(KGUserFactory())
    few = product_page_queries(client, shirt, 2)
    many = product_page_queries(client, shirt, 8)

    assert few == many
    cache.clear()
    # Cold cache: the running sales of the market are read once too (promotions/sales.py), and the
    # shared pages' next scheduled change (a sale's or a banner's start or end).
    with django_assert_max_num_queries(19 if signed_in_as else 13):
        client.get("/kg/p/linen-shirt/?reviews_sort=helpful")


# --- helpful votes ------------------------------------------------------------------------------------------


@pytest.fixture
def published(shirt):
    return review_of(shirt, user=KGUserFactory(full_name="Aida Bekova"), approved=True, helpful_count=2)


def vote_url(review):
    return f"/kg/reviews/{review.pk}/helpful/"


def test_a_visitor_sees_a_sign_in_link_instead_of_the_vote_button(client, published):
    html = client.get("/kg/p/linen-shirt/").text

    assert "Sign in to vote" in html and vote_url(published) not in html
    assert "2 people found this helpful" in html


def test_a_shopper_sees_the_vote_button_in_a_real_form_but_not_on_their_own_review(client, signed_in, shirt, published):
    review_of(shirt, user=signed_in, approved=True, comment="My own words")

    html = client.get("/kg/p/linen-shirt/").text

    assert html.count('hx-post="/kg/reviews/') == 1
    assert f'action="{vote_url(published)}"' in html
    assert f'hx-target="#review-helpful-{published.pk}"' in html and f'id="review-helpful-{published.pk}"' in html


def test_an_htmx_vote_answers_with_the_vote_fragment_only(client, signed_in, published):
    response = client.post(vote_url(published), headers=HTMX)

    assert response.status_code == 200
    body = response.text.strip()
    assert body.startswith(f'<div id="review-helpful-{published.pk}"') and "<html" not in body
    assert "3 people found this helpful" in body and "You found this helpful." in body
    assert response["Vary"].count("HX-Request") == 1


def test_a_vote_without_javascript_redirects_back_with_a_message(client, signed_in, published):
    response = client.post(vote_url(published), {"next": "/kg/p/linen-shirt/?reviews_sort=helpful#reviews"})

    assert response.status_code == 302 and response["Location"] == "/kg/p/linen-shirt/?reviews_sort=helpful#reviews"
    assert "Thank you for your vote." in messages_of(response)
    assert client.post(vote_url(published), {"next": "https://evil.example/"})["Location"] == (
        "/kg/p/linen-shirt/#reviews"
    )


def test_voting_twice_counts_once(client, signed_in, published):
    client.post(vote_url(published), headers=HTMX)
    again = client.post(vote_url(published), headers=HTMX)

    published.refresh_from_db()
    assert published.helpful_count == 3
    assert ReviewVote.objects.count() == 1
    assert "You found this helpful." in again.text
    assert "aria-pressed" not in again.text and "<form" not in again.text


def test_voting_for_ones_own_review_is_refused_with_a_message(client, signed_in, shirt):
    own = review_of(shirt, user=signed_in, approved=True)

    response = client.post(vote_url(own), headers=HTMX)

    assert "You cannot vote for your own review." in response.text
    own.refresh_from_db()
    assert own.helpful_count == 0 and not ReviewVote.objects.exists()


def test_voting_needs_a_published_review_a_post_and_a_signed_in_shopper(client, shirt, published):
    assert client.post(vote_url(published))["Location"].startswith("/accounts/login/")
    client.force_login(KGUserFactory())
    assert client.post(vote_url(review_of(shirt))).status_code == 404
    assert client.post(vote_url(review_of(shirt, rejected=True))).status_code == 404
    client.force_login(KGUserFactory())
    assert client.get(vote_url(published)).status_code == 405
    assert not ReviewVote.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full", "htmx"])
def test_a_vote_stays_within_its_query_budget(client, signed_in, published, headers, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        assert client.post(vote_url(published), headers=headers).status_code in (200, 302)


# --- the order page's review links ------------------------------------------------------------------------


def render_links(order, user):
    request = RequestFactory().get(f"/kg/orders/{order.order_number}/")
    request.market, request.user = "KG", user
    template = Template('{% include "reviews/_order_review_links.html" %}')
    return template.render(Context({"order": order, "request": request}))


def test_the_order_links_offer_a_review_per_product_or_show_its_state(signed_in, shirt):
    coat = ProductFactory(name="Wool Coat")
    order = order_of(signed_in, shirt, coat, coat)
    review_of(coat, order=order, approved=True)

    html = render_links(order, signed_in)

    assert html.count('data-testid="order-review-line"') == 2
    assert f'href="{form_url(order, shirt)}"' in html and form_url(order, coat) not in html
    assert "Write a review" in html and "Published" in html


def test_the_order_links_are_empty_until_the_order_is_delivered(signed_in, shirt):
    assert render_links(order_of(signed_in, shirt, status=Order.Status.SHIPPED), signed_in).strip() == ""


def test_the_order_links_cost_one_query_with_the_items_prefetched(signed_in, shirt, django_assert_num_queries):
    order = order_of(signed_in, shirt, *(ProductFactory() for _ in range(5)))
    items = OrderItem.objects.select_related("product", "sku")  # as the order page reads them
    order = Order.objects.prefetch_related(Prefetch("items", queryset=items)).get(pk=order.pk)

    with django_assert_num_queries(1):
        render_links(order, signed_in)


def test_the_order_links_and_the_reviews_page_name_the_product_in_the_pages_language(client, signed_in, shirt):
    Product.objects.filter(pk=shirt.pk).update(name_ru="Оксфордская рубашка")
    order = order_of(signed_in, shirt)
    signed_in.language = "ru"
    signed_in.save(update_fields=["language"])

    with translation.override("ru"):
        html = render_links(order, signed_in)
    page = client.get("/accounts/reviews/").content.decode()

    for shown in (html, page):
        assert "Оксфордская рубашка" in shown and shirt.name not in shown
