"""Moving reviews out of catalog keeps every row: the tables are renamed, the content types (and
with them the roles' permissions) relabelled, on a database that already holds reviews."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from reviews.models import Review, ReviewImage, ReviewVote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [("catalog", "0006_content_translations"), ("accounts", "0006_verification_code_language")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_reviews_move_to_their_app_without_losing_a_row():
    old = migrate(BEFORE_THE_MOVE)
    try:
        user = old.get_model("accounts", "User").objects.create(
            phone="+996555000111", market="KG", currency="KGS", country="KG", language="ru"
        )
        voter = old.get_model("accounts", "User").objects.create(
            phone="+996555000222", market="KG", currency="KGS", country="KG", language="ru"
        )
        category = old.get_model("catalog", "Category").objects.create(name="Coats", slug="coats", market="KG")
        product = old.get_model("catalog", "Product").objects.create(
            name="Felt coat", slug="felt-coat", brand="MARQUE", market="KG", category=category, price=Decimal("9990")
        )
        old_review = old.get_model("catalog", "Review")
        review = old_review.objects.create(
            user=user, product=product, rating=4, title="Warm", comment="Warm and light.", is_approved=True
        )
        old.get_model("catalog", "ReviewImage").objects.create(review=review, image_url="https://cdn.example.com/r.jpg")
        old.get_model("catalog", "ReviewVote").objects.create(review=review, user=voter)
        review_type = ContentType.objects.get(app_label="catalog", model="review")
    finally:
        migrate(latest())

    moved = Review.objects.get(pk=review.pk)
    assert (moved.product_id, moved.user_id, moved.rating, moved.comment) == (product.pk, user.pk, 4, "Warm and light.")
    assert moved.is_approved and moved.helpful_count == 0
    assert ReviewImage.objects.get(review=moved).image_url == "https://cdn.example.com/r.jpg"
    assert ReviewVote.objects.get(review=moved).user_id == voter.pk
    tables = connection.introspection.table_names()
    assert {"reviews_review", "reviews_reviewimage", "reviews_reviewvote"} <= set(tables)
    assert not {"catalog_review", "catalog_reviewimage", "catalog_reviewvote"} & set(tables)
    # The same content type, relabelled: permissions and the admin's history point at it still.
    assert ContentType.objects.get_for_model(Review).pk == review_type.pk
    assert not ContentType.objects.filter(app_label="catalog", model__startswith="review").exists()


def test_the_roles_keep_their_review_permissions_after_the_move():
    migrate(BEFORE_THE_MOVE)
    migrate(latest())

    def granted(role):
        return set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))

    assert {("reviews", "change_review"), ("reviews", "delete_review")} <= granted(MERCHANDISER)
    assert {("reviews", "view_review"), ("reviews", "change_review")} <= granted(MARKET_MANAGER)
    assert ("reviews", "delete_review") not in granted(MARKET_MANAGER)
    assert not Permission.objects.filter(content_type__app_label="catalog", codename__contains="review").exists()
