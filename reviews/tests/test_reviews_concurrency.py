"""Moderators, voters and double submits at the same time: the database keeps the figures right.

Each action runs in its own thread with its own connection and real transactions. On SQLite, whose
writers take turns, the same actions run one after another (the rule is the same; the parallel run
needs PostgreSQL, which CI uses).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from accounts.tests.factories import KGUserFactory, StaffFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from reviews.models import Review, ReviewVote
from reviews.services import ReviewRefused, approve_reviews, mark_helpful, reject_reviews, submit_review
from reviews.tasks import recompute_ratings
from reviews.tests.review_data import order_of, review_of

# serialized_rollback keeps the rows migrations create (roles, exchange rates) for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_at_once(actions):
    """Run every action (at once on PostgreSQL); the outcome of each, or the exception it raised."""
    workers = len(actions) if connection.vendor == "postgresql" else 1
    start = threading.Barrier(workers)

    def run(action):
        try:
            if workers > 1:
                start.wait(timeout=30)
            return action()
        except ReviewRefused as refused:
            return refused
        finally:
            if workers > 1:
                connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, actions))


def test_moderators_approving_and_rejecting_reviews_of_one_product_at_once_leave_the_right_rating():
    product = ProductFactory()
    moderator = StaffFactory()
    approved = [review_of(product, rating=1 + n % 5) for n in range(8)]
    rejected = [review_of(product, rating=5, approved=True) for _ in range(4)]
    actions = [lambda r=r: approve_reviews(review_ids=[r.pk], by=moderator) for r in approved]
    actions += [lambda r=r: reject_reviews(review_ids=[r.pk], by=moderator) for r in rejected]

    run_at_once(actions)

    product.refresh_from_db()
    ratings = [review.rating for review in approved]
    assert product.reviews_count == len(ratings) == Review.objects.approved().count()
    assert product.rating == (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_a_double_submitted_review_is_stored_once():
    product = ProductFactory()
    shopper = KGUserFactory()
    order = order_of(shopper, product)

    def submit():
        return submit_review(user=shopper, order=order, product=product, rating=5, comment="Twice clicked.")

    outcomes = run_at_once([submit] * 6)

    assert Review.objects.count() == 1
    assert sum(isinstance(outcome, ReviewRefused) for outcome in outcomes) == 5


def test_one_shopper_voting_many_times_at_once_counts_once():
    review = review_of(ProductFactory(), approved=True)
    voter = KGUserFactory()

    run_at_once([lambda: mark_helpful(user=voter, review=Review.objects.get(pk=review.pk))] * 6)

    review.refresh_from_db()
    assert review.helpful_count == 1 == ReviewVote.objects.count()


def test_two_nightly_recounts_at_once_leave_every_rating_right():
    products = [ProductFactory() for _ in range(5)]
    for product in products[:3]:
        review_of(product, rating=4, approved=True)
        review_of(product, rating=5, approved=True)
    Product.objects.update(rating=Decimal("1.00"), reviews_count=9)

    changed = run_at_once([recompute_ratings.call, recompute_ratings.call])

    # One run takes the lock and fixes all five; the other, started meanwhile, checks nothing (or,
    # started after, finds nothing stale): no product is counted twice.
    assert sorted(changed) == [0, 5]
    figures = list(Product.objects.order_by("pk").values_list("rating", "reviews_count"))
    assert figures == [(Decimal("4.50"), 2)] * 3 + [(Decimal("0"), 0)] * 2
