"""Moderating reviews in the admin: bulk approve and reject, the decision on the change form,
deleting, photos previewed, filters, the rating kept in step, and market managers scoped to their
markets' reviews."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import KGUserFactory, USUserFactory, staff_in_role
from catalog.tests.factories import ProductFactory
from reviews.models import Review
from reviews.services import submit_review
from reviews.tests.factories import ReviewFactory, ReviewImageFactory
from reviews.tests.pictures import picture_upload
from reviews.tests.review_data import order_of, review_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:reviews_review_changelist")


@pytest.fixture
def merchandiser(client):
    client.force_login(staff_in_role(MERCHANDISER))
    return client


@pytest.fixture
def kg_manager(client):
    client.force_login(staff_in_role(MARKET_MANAGER, "KG"))
    return client


@pytest.fixture
def everywhere():
    return ProductFactory(name="Linen Shirt", market="ALL", price=Decimal("29.00"))


@pytest.fixture
def by_market(everywhere):
    """A waiting review from a KG order and one from a US order, of the same product."""
    return {
        "KG": review_of(everywhere, order=order_of(KGUserFactory(), everywhere), rating=5, title="From Bishkek"),
        "US": review_of(everywhere, order=order_of(USUserFactory(), everywhere), rating=2, title="From Boston"),
    }


def listed(client, query=""):
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def act(client, action, reviews, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(review.pk) for review in reviews], **extra}
    return client.post(CHANGELIST, data)


def figures(product):
    product.refresh_from_db()
    return product.rating, product.reviews_count


# --- merchandisers ----------------------------------------------------------------------------------


def test_merchandiser_approves_in_bulk_and_the_rating_follows(merchandiser, by_market, everywhere):
    response = act(merchandiser, "approve_selected", by_market.values())

    assert response.status_code == 302
    assert {review.state for review in Review.objects.all()} == {Review.State.APPROVED}
    assert figures(everywhere) == (Decimal("3.50"), 2)
    assert "2 reviews approved." in [str(m) for m in response.wsgi_request._messages]


def test_merchandiser_rejects_a_published_review_and_the_rating_follows(merchandiser, by_market, everywhere):
    act(merchandiser, "approve_selected", by_market.values())

    act(merchandiser, "reject_selected", [by_market["US"]])

    assert Review.objects.get(pk=by_market["US"].pk).state == Review.State.REJECTED
    assert figures(everywhere) == (Decimal("5.00"), 1)


def test_the_decision_on_the_change_form_goes_through_the_rating(merchandiser, by_market, everywhere):
    review = by_market["KG"]
    url = reverse("admin:reviews_review_change", args=[review.pk])
    data = {"decision": "approve", "title": "From Bishkek, tidied", "comment": review.comment}
    data.update({"images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0"})
    data.update({"images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000"})

    response = merchandiser.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    review.refresh_from_db()
    assert review.state == Review.State.APPROVED and review.title == "From Bishkek, tidied"
    assert review.moderated_by is not None
    assert figures(everywhere) == (Decimal("5.00"), 1)

    merchandiser.post(url, {**data, "decision": "reject"})
    assert figures(everywhere) == (Decimal("0"), 0)


def test_deleting_a_review_in_the_admin_updates_the_rating(merchandiser, by_market, everywhere):
    act(merchandiser, "approve_selected", by_market.values())
    url = reverse("admin:reviews_review_delete", args=[by_market["KG"].pk])

    response = merchandiser.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Review.objects.filter(pk=by_market["KG"].pk).exists()
    assert figures(everywhere) == (Decimal("2.00"), 1)


def test_bulk_deleting_reviews_updates_the_rating(merchandiser, by_market, everywhere):
    act(merchandiser, "approve_selected", by_market.values())

    response = act(merchandiser, "delete_selected", by_market.values(), post="yes")

    assert response.status_code == 302
    assert not Review.objects.exists()
    assert figures(everywhere) == (Decimal("0"), 0)


def test_merchandiser_sees_every_market_and_filters_by_market_rating_and_state(merchandiser, by_market, everywhere):
    approved = review_of(everywhere, approved=True, rating=5)
    rejected = review_of(everywhere, rejected=True, rating=1)

    assert listed(merchandiser) == {*by_market.values(), approved, rejected}
    assert listed(merchandiser, "?market=US") == {by_market["US"]}
    assert listed(merchandiser, "?market=KG") == {by_market["KG"]}
    assert listed(merchandiser, "?rating=5") == {by_market["KG"], approved}
    assert listed(merchandiser, "?state=pending") == set(by_market.values())
    assert listed(merchandiser, "?state=approved") == {approved}
    assert listed(merchandiser, "?state=rejected") == {rejected}


def test_photos_are_previewed_in_the_list_and_on_the_review(merchandiser, everywhere):
    review = review_of(everywhere)
    ReviewImageFactory(review=review, image_url="https://cdn.example.com/shopper-photo.jpg")

    listing = merchandiser.get(CHANGELIST).text
    change = merchandiser.get(reverse("admin:reviews_review_change", args=[review.pk])).text

    assert 'src="https://cdn.example.com/shopper-photo.jpg" alt="Picture from a review" width="48"' in listing
    assert 'src="https://cdn.example.com/shopper-photo.jpg" alt="Picture from a review" width="240"' in change
    assert 'name="images-0-image"' not in change, "staff cannot swap a shopper's photo"


def test_merchandiser_removes_a_shoppers_photo_and_its_file(
    merchandiser, everywhere, settings, django_capture_on_commit_callbacks
):
    shopper = KGUserFactory()
    order = order_of(shopper, everywhere)
    review = submit_review(
        user=shopper, order=order, product=everywhere, rating=4, comment="Nice.", photos=[picture_upload()]
    ).review
    photo = review.images.get()
    assert (settings.MEDIA_ROOT / photo.image.name).exists()
    data = {"decision": "", "title": review.title, "comment": review.comment}
    data.update({"images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1"})
    data.update({"images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000"})
    data.update({"images-0-id": str(photo.pk), "images-0-review": str(review.pk), "images-0-DELETE": "on"})

    with django_capture_on_commit_callbacks(execute=True):
        response = merchandiser.post(reverse("admin:reviews_review_change", args=[review.pk]), data)

    assert response.status_code == 302
    assert not review.images.exists()
    assert not (settings.MEDIA_ROOT / photo.image.name).exists()


def test_the_changelist_queries_do_not_grow_with_reviews(merchandiser, everywhere, django_assert_max_num_queries):
    counts = []
    for rows in (3, 30):
        while Review.objects.count() < rows:
            order = order_of(KGUserFactory(), everywhere)
            ReviewImageFactory.create_batch(2, review=review_of(everywhere, order=order))
        merchandiser.get(CHANGELIST)
        with django_assert_max_num_queries(12) as captured:
            assert len(listed(merchandiser)) == rows
        counts.append(len(captured))

    assert counts[0] == counts[1]


# --- market managers ----------------------------------------------------------------------------------


def test_market_manager_sees_and_moderates_only_their_markets_reviews(kg_manager, by_market, everywhere):
    us_review = by_market["US"]

    assert listed(kg_manager) == {by_market["KG"]}
    assert kg_manager.get(reverse("admin:reviews_review_change", args=[us_review.pk])).status_code == 302

    act(kg_manager, "approve_selected", by_market.values())

    assert Review.objects.get(pk=by_market["KG"].pk).state == Review.State.APPROVED
    assert Review.objects.get(pk=us_review.pk).state == Review.State.PENDING
    assert figures(everywhere) == (Decimal("5.00"), 1)


def test_market_manager_without_markets_sees_no_reviews(client, by_market):
    client.force_login(staff_in_role(MARKET_MANAGER))

    assert listed(client) == set()


def test_market_manager_of_both_markets_may_filter(client, by_market):
    client.force_login(staff_in_role(MARKET_MANAGER, "KG", "US"))

    assert listed(client) == set(by_market.values())
    assert listed(client, "?market=US") == {by_market["US"]}


def test_market_manager_cannot_delete_reviews(kg_manager, by_market):
    review = by_market["KG"]

    assert kg_manager.post(reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}).status_code == 403
    act(kg_manager, "delete_selected", [review], post="yes")

    assert Review.objects.filter(pk=review.pk).exists()


def test_market_manager_admin_index_offers_reviews_but_no_catalog_model(kg_manager):
    response = kg_manager.get(reverse("admin:index"))

    apps = {app["app_label"]: app for app in response.context["app_list"]}
    assert [model["object_name"] for model in apps["reviews"]["models"]] == ["Review"]
    assert "catalog" not in apps


def test_the_roles_carry_the_review_permissions():
    def codenames(role):
        permissions = Permission.objects.filter(group__name=role, content_type__app_label="reviews")
        return set(permissions.filter(codename__contains="review").values_list("codename", flat=True))

    assert codenames(MARKET_MANAGER) == {"view_review", "change_review", "view_reviewimage"}
    assert codenames(MERCHANDISER) == {
        "view_review",
        "change_review",
        "delete_review",
        "view_reviewimage",
        "delete_reviewimage",
    }


def test_reviews_are_written_by_shoppers_never_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:reviews_review_add")).status_code == 403


def test_review_keeps_what_the_shopper_wrote_read_only_on_change(admin_client):
    review = ReviewFactory()

    response = admin_client.get(reverse("admin:reviews_review_change", args=[review.pk]))

    form_fields = response.context["adminform"].form.fields
    assert "rating" not in form_fields
    assert "user" not in form_fields
    # Approval goes through the moderation decision (and the rating service), never a bare checkbox.
    assert "is_approved" not in form_fields
    assert "decision" in form_fields


def test_review_changelist_and_change_page_load_for_superuser(admin_client):
    review = ReviewImageFactory(review=ReviewFactory()).review

    changelist = admin_client.get(reverse("admin:reviews_review_changelist"))
    change = admin_client.get(reverse("admin:reviews_review_change", args=[review.pk]))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert change.status_code == 200
