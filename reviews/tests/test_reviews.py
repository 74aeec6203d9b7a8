"""reviews.services: who may review what, photos, moderation and the product's rating, votes."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.tests.factories import KGUserFactory, USUserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from checkout.models import Order
from reviews import services as reviews
from reviews.models import Review, ReviewImage, ReviewVote
from reviews.selectors import awaiting_review, review_lines
from reviews.services import (
    ReviewRefused,
    approve_reviews,
    average_rating,
    delete_reviews,
    mark_helpful,
    reject_reviews,
    submit_review,
)
from reviews.tests.factories import ReviewFactory
from reviews.tests.pictures import big_upload, picture_upload, text_upload
from reviews.tests.review_data import order_of, review_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt():
    return ProductFactory(name="Linen Shirt")


@pytest.fixture
def delivered(kg_shopper, shirt):
    return order_of(kg_shopper, shirt)


def submit(user, order, product, **kwargs):
    fields = {"rating": 4, "title": "Soft", "comment": "Washes well.", "photos": [], **kwargs}
    return submit_review(user=user, order=order, product=product, **fields)


def stored_files(settings):
    folder = settings.MEDIA_ROOT / "reviews"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# --- writing a review -----------------------------------------------------------------------------


def test_a_review_of_a_delivered_product_is_a_verified_purchase_waiting_for_approval(kg_shopper, delivered, shirt):
    submitted = submit(kg_shopper, delivered, shirt, rating="5", title="  Soft  ", comment=" Washes well. ")

    review = Review.objects.get()
    assert submitted.review == review
    assert (review.user, review.product, review.order) == (kg_shopper, shirt, delivered)
    assert (review.rating, review.title, review.comment) == (5, "Soft", "Washes well.")
    assert review.is_verified_purchase
    assert review.state == Review.State.PENDING
    shirt.refresh_from_db()
    assert (shirt.rating, shirt.reviews_count) == (Decimal("0"), 0), "a waiting review does not count yet"


def test_photos_are_stored_cleaned_and_gps_is_reported_removed(kg_shopper, delivered, shirt, settings):
    photos = [picture_upload("a.jpg", gps=True), picture_upload("b.png", "PNG"), picture_upload("c.webp", "WEBP")]

    submitted = submit(kg_shopper, delivered, shirt, photos=photos)

    assert submitted.location_removed
    images = list(ReviewImage.objects.filter(review=submitted.review).order_by("id"))
    assert [image.image.name.rsplit(".", 1)[1] for image in images] == ["jpg", "png", "webp"]
    assert len(stored_files(settings)) == 3


def test_one_review_per_product_and_order(kg_shopper, delivered, shirt):
    submit(kg_shopper, delivered, shirt)

    with pytest.raises(ReviewRefused, match="already reviewed"):
        submit(kg_shopper, delivered, shirt)
    assert Review.objects.count() == 1


def test_the_same_product_from_another_delivered_order_may_be_reviewed_again(kg_shopper, delivered, shirt):
    submit(kg_shopper, delivered, shirt)
    submit(kg_shopper, order_of(kg_shopper, shirt), shirt)

    assert Review.objects.filter(product=shirt).count() == 2


def test_a_product_bought_in_two_sizes_is_reviewed_once(kg_shopper, shirt):
    order = order_of(kg_shopper, shirt, shirt)

    assert len(review_lines(order)) == 1
    submit(kg_shopper, order, shirt)
    with pytest.raises(ReviewRefused):
        submit(kg_shopper, order, shirt)


@pytest.mark.parametrize(
    "status", [Order.Status.PENDING, Order.Status.CONFIRMED, Order.Status.SHIPPED, Order.Status.CANCELLED]
)
def test_a_product_of_an_order_not_delivered_cannot_be_reviewed(kg_shopper, shirt, status):
    order = order_of(kg_shopper, shirt, status=status)

    with pytest.raises(ReviewRefused, match="once its order is delivered"):
        submit(kg_shopper, order, shirt)
    assert not Review.objects.exists()


def test_a_product_not_in_the_order_cannot_be_reviewed(kg_shopper, delivered):
    with pytest.raises(ReviewRefused, match="not in that order"):
        submit(kg_shopper, delivered, ProductFactory())
    assert not Review.objects.exists()


def test_someone_elses_order_cannot_be_reviewed(delivered, shirt):
    with pytest.raises(ReviewRefused, match="not one of yours"):
        submit(KGUserFactory(), delivered, shirt)
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, "6", "", None, "five", 4.5, "4.0", True])
def test_a_rating_outside_one_to_five_is_refused(kg_shopper, delivered, shirt, rating):
    with pytest.raises(ReviewRefused, match="rating from 1 to 5") as refused:
        submit(kg_shopper, delivered, shirt, rating=rating)
    assert refused.value.field == "rating"
    assert not Review.objects.exists()


def test_an_empty_comment_or_an_overlong_title_is_refused(kg_shopper, delivered, shirt):
    with pytest.raises(ReviewRefused) as refused:
        submit(kg_shopper, delivered, shirt, comment="   ")
    assert refused.value.field == "comment"
    with pytest.raises(ReviewRefused) as refused:
        submit(kg_shopper, delivered, shirt, title="x" * 151)
    assert refused.value.field == "title"
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        (lambda: [big_upload(20)], "larger than 10 MB"),
        (lambda: [text_upload()], "not a JPEG, PNG or WebP"),
        (lambda: [picture_upload("cat.gif", "GIF")], "not a JPEG, PNG or WebP"),
        (lambda: [picture_upload(f"{n}.jpg", size=(64, 64)) for n in range(6)], "at most 5"),
    ],
    ids=["20 MB", "not an image", "gif", "six photos"],
)
def test_a_bad_photo_stores_neither_the_review_nor_any_photo(kg_shopper, delivered, shirt, settings, photos, message):
    good_then_bad = [picture_upload("good.jpg"), *photos()]

    with pytest.raises(ReviewRefused, match=message) as refused:
        submit(kg_shopper, delivered, shirt, photos=good_then_bad)

    assert refused.value.field == "photos"
    assert not Review.objects.exists() and not ReviewImage.objects.exists()
    assert stored_files(settings) == []


def test_a_review_racing_past_the_check_is_stopped_by_the_constraint_and_leaves_no_files(
    kg_shopper, delivered, shirt, settings, monkeypatch
):
    review_of(shirt, order=delivered)
    monkeypatch.setattr(reviews, "check_can_review", lambda **kwargs: None)

    with pytest.raises(ReviewRefused, match="already reviewed"):
        submit(kg_shopper, delivered, shirt, photos=[picture_upload()])

    assert Review.objects.count() == 1 and not ReviewImage.objects.exists()
    assert stored_files(settings) == []


def test_a_photo_failing_to_save_takes_the_review_and_earlier_photos_with_it(
    kg_shopper, delivered, shirt, settings, monkeypatch
):
    saves = []
    original = ReviewImage.save

    def second_save_fails(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReviewImage, "save", second_save_fails)

    with pytest.raises(OSError, match="disk full"):
        submit(kg_shopper, delivered, shirt, photos=[picture_upload("a.jpg"), picture_upload("b.jpg")])

    assert not Review.objects.exists() and not ReviewImage.objects.exists()
    assert stored_files(settings) == []


def test_the_database_refuses_a_second_review_of_the_same_line(kg_shopper, delivered, shirt):
    review_of(shirt, order=delivered)

    with pytest.raises(IntegrityError), transaction.atomic():
        review_of(shirt, order=delivered)


def test_the_database_refuses_a_review_both_approved_and_rejected(shirt):
    with pytest.raises(IntegrityError), transaction.atomic():
        review_of(shirt, approved=True, rejected=True)


# --- what the shopper may review ------------------------------------------------------------------


def test_review_lines_list_each_product_of_a_delivered_order_with_its_review(kg_shopper, shirt):
    coat = ProductFactory(name="Wool Coat")
    order = order_of(kg_shopper, shirt, coat)
    review = review_of(coat, order=order)

    lines = review_lines(order)

    assert [(line.product_name, line.review) for line in lines] == [("Linen Shirt", None), ("Wool Coat", review)]


def test_review_lines_are_empty_for_an_order_not_delivered(kg_shopper, shirt):
    assert review_lines(order_of(kg_shopper, shirt, status=Order.Status.SHIPPED)) == []


def test_awaiting_review_lists_unreviewed_products_of_own_delivered_orders_only(kg_shopper, shirt):
    coat, scarf = ProductFactory(name="Wool Coat"), ProductFactory(name="Scarf")
    order = order_of(kg_shopper, shirt, coat, coat)
    review_of(shirt, order=order)
    order_of(kg_shopper, scarf, status=Order.Status.SHIPPED)
    order_of(KGUserFactory(), scarf)

    assert [(line.order, line.product_name) for line in awaiting_review(kg_shopper)] == [(order, "Wool Coat")]


# --- moderation and the product's rating ----------------------------------------------------------


def figures(product):
    product.refresh_from_db()
    return product.rating, product.reviews_count


def test_average_rating_rounds_half_up_to_two_places():
    assert average_rating(0, 0) == Decimal("0")
    assert average_rating(14, 3) == Decimal("4.67")
    assert average_rating(33, 8) == Decimal("4.13")  # 4.125


def test_approving_publishes_and_updates_the_rating_at_once(shirt, admin_user):
    five, four, two = (review_of(shirt, rating=n) for n in (5, 4, 2))

    assert approve_reviews(review_ids=[five.pk, four.pk], by=admin_user) == 2

    assert figures(shirt) == (Decimal("4.50"), 2)
    five.refresh_from_db()
    assert five.state == Review.State.APPROVED and five.moderated_by == admin_user and five.moderated_at
    assert Review.objects.get(pk=two.pk).state == Review.State.PENDING


def test_rejecting_a_published_review_takes_it_out_of_the_rating(shirt, admin_user):
    five = review_of(shirt, rating=5, approved=True)
    review_of(shirt, rating=3, approved=True)

    assert reject_reviews(review_ids=[five.pk], by=admin_user) == 1

    assert figures(shirt) == (Decimal("3.00"), 1)
    five.refresh_from_db()
    assert five.state == Review.State.REJECTED and not five.is_approved


def test_rejecting_the_last_review_resets_the_rating(shirt, admin_user):
    only = review_of(shirt, rating=4)
    approve_reviews(review_ids=[only.pk], by=admin_user)
    assert figures(shirt) == (Decimal("4.00"), 1)

    reject_reviews(review_ids=[only.pk], by=admin_user)

    assert figures(shirt) == (Decimal("0"), 0)


def test_deleting_reviews_updates_the_rating_and_removes_their_photos(
    kg_shopper, delivered, shirt, admin_user, settings, django_capture_on_commit_callbacks
):
    kept = review_of(shirt, rating=2, approved=True)
    submitted = submit(kg_shopper, delivered, shirt, rating=5, photos=[picture_upload()])
    approve_reviews(review_ids=[submitted.review.pk, kept.pk], by=admin_user)
    assert figures(shirt) == (Decimal("3.50"), 2)

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_reviews(review_ids=[submitted.review.pk]) == 1

    assert figures(shirt) == (Decimal("2.00"), 1)
    assert not ReviewImage.objects.exists()
    assert stored_files(settings) == []


def test_moderating_reviews_of_several_products_updates_each(admin_user):
    shirt, coat = ProductFactory(), ProductFactory()
    ids = [review_of(shirt, rating=5).pk, review_of(coat, rating=1).pk, review_of(coat, rating=2).pk]

    approve_reviews(review_ids=ids, by=admin_user)

    assert figures(shirt) == (Decimal("5.00"), 1)
    assert figures(coat) == (Decimal("1.50"), 2)


def test_moderating_again_changes_nothing_and_counts_nothing(shirt, admin_user):
    review = review_of(shirt)
    approve_reviews(review_ids=[review.pk], by=admin_user)

    assert approve_reviews(review_ids=[review.pk], by=admin_user) == 0
    assert figures(shirt) == (Decimal("5.00"), 1)


def test_recompute_ratings_fixes_every_stale_product():
    shirt, coat, bare = ProductFactory(), ProductFactory(), ProductFactory()
    review_of(shirt, rating=5, approved=True)
    review_of(shirt, rating=4, approved=True)
    review_of(shirt, rating=1, rejected=True)
    review_of(coat, rating=3)
    Product.objects.filter(pk__in=[coat.pk, bare.pk]).update(rating=Decimal("4.90"), reviews_count=12)
    out = StringIO()

    call_command("recompute_ratings", "--batch-size", "2", stdout=out)

    assert figures(shirt) == (Decimal("4.50"), 2)
    assert figures(coat) == (Decimal("0"), 0)
    assert figures(bare) == (Decimal("0"), 0)
    assert "Checked 3 products; 3 had a stale" in out.getvalue()
    call_command("recompute_ratings", stdout=(again := StringIO()))
    assert "0 had a stale" in again.getvalue()


# --- helpful votes ---------------------------------------------------------------------------------


def test_a_vote_counts_once_per_shopper(shirt):
    review = review_of(shirt, approved=True, helpful_count=3)
    voter = KGUserFactory()

    assert mark_helpful(user=voter, review=review) is True
    assert mark_helpful(user=voter, review=review) is False
    assert mark_helpful(user=USUserFactory(), review=review) is True

    review.refresh_from_db()
    assert review.helpful_count == 5
    assert ReviewVote.objects.filter(review=review).count() == 2


def test_no_vote_on_ones_own_or_an_unpublished_review(shirt):
    own = review_of(shirt, approved=True)
    with pytest.raises(ReviewRefused, match="your own review"):
        mark_helpful(user=own.user, review=own)
    with pytest.raises(ReviewRefused, match="not published"):
        mark_helpful(user=KGUserFactory(), review=review_of(shirt))
    assert not ReviewVote.objects.exists()


# --- markets ----------------------------------------------------------------------------------------


def test_a_reviews_market_is_its_orders_or_without_an_order_its_products():
    everywhere = ProductFactory(market="ALL", price="25.00")
    kg_review = review_of(everywhere, order=order_of(KGUserFactory(), everywhere))
    us_review = review_of(everywhere, order=order_of(USUserFactory(), everywhere))
    us_product_review = ReviewFactory(product=ProductFactory(market="US", price="25.00"))
    ReviewFactory(product=everywhere)  # no order, sold everywhere: no one market's

    assert set(Review.objects.from_markets(["KG"])) == {kg_review}
    assert set(Review.objects.from_markets(["US"])) == {us_review, us_product_review}


def test_a_submitted_photo_gets_renditions_once_stored_and_loses_them_when_deleted(
    kg_shopper, delivered, shirt, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(kg_shopper, delivered, shirt, photos=[picture_upload()])

    photo = ReviewImage.objects.get(review=submitted.review)
    assert photo.renditions["source"] == photo.image.name
    copies = settings.MEDIA_ROOT / "renditions" / "reviews"
    assert sorted({item["format"] for item in photo.renditions["files"]}) == sorted(
        {path.suffix.lstrip(".").replace("jpg", "jpeg") for path in copies.iterdir()}
    )

    with django_capture_on_commit_callbacks(execute=True):
        delete_reviews(review_ids=[submitted.review.pk])

    assert list(copies.iterdir()) == []
