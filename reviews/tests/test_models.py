"""The review rows' own rules, kept by the database."""

import pytest
from django.db import IntegrityError, transaction

from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def refused_by_database():
    return pytest.raises(IntegrityError)


@pytest.mark.parametrize("rating", [1, 3, 5])
def test_a_rating_from_1_to_5_is_kept(rating):
    assert ReviewFactory(rating=rating).rating == rating


@pytest.mark.parametrize("rating", [0, 6, 10])
def test_a_rating_outside_1_to_5_is_refused(rating):
    with refused_by_database(), transaction.atomic():
        ReviewFactory(rating=rating)
