"""In Chromium: a shopper reviews a delivered product with a photo; a merchandiser approves it in the
admin; the review appears on the product page with its photo and the verified badge."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import MERCHANDISER
from accounts.tests.factories import KGUserFactory, StaffFactory
from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory
from reviews.models import Review
from reviews.tests.pictures import picture_bytes
from reviews.tests.review_data import order_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STAFF_PASSWORD = "a-long-merchandiser-password"


@pytest.fixture
def delivered_sneakers():
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    shoes = CategoryFactory(name="Shoes", slug="shoes", market="ALL")
    sneakers = ProductFactory(name="Court Sneakers", slug="court-sneakers", market="KG", category=shoes)
    shopper = KGUserFactory(full_name="Aida Bekova")
    order_of(shopper, sneakers)
    return shopper


@pytest.fixture
def merchandiser():
    staff = StaffFactory()
    staff.set_password(STAFF_PASSWORD)
    staff.save()
    staff.groups.add(Group.objects.get_or_create(name=MERCHANDISER)[0])
    return staff


def test_a_shoppers_review_with_a_photo_appears_on_the_product_page_once_approved(
    page, browser, live_server, browser_sign_in, delivered_sneakers, merchandiser
):
    browser_sign_in(delivered_sneakers)
    page.goto(live_server.url + "/accounts/reviews/")
    page.get_by_role("link", name=re.compile(r"^Write a review\W+Court Sneakers$")).click()

    page.get_by_label("4 stars, good").check()
    page.get_by_label("Title").fill("Comfortable from day one")
    page.get_by_label("Your review").fill("True to size and light on the feet.")
    photo = {"name": "sneakers.jpg", "mimeType": "image/jpeg", "buffer": picture_bytes("JPEG", gps=True)}
    page.get_by_label("Photos").set_input_files(photo)
    page.get_by_role("button", name="Submit review").click()

    expect(page).to_have_url(re.compile(r"/accounts/reviews/$"))
    expect(page.get_by_text("We removed the location saved in your photos.")).to_be_visible()
    mine = page.get_by_test_id("my-review")
    expect(mine).to_contain_text("Comfortable from day one")
    expect(mine.get_by_test_id("review-state")).to_have_text("Waiting for approval")
    expect(mine.get_by_test_id("review-photos").locator("img")).to_have_count(1)

    page.goto(live_server.url + "/kg/p/court-sneakers/")
    expect(page.get_by_text("No reviews yet.")).to_be_visible()

    admin = browser.new_page()
    admin.goto(live_server.url + "/admin/login/?next=/admin/reviews/review/")
    admin.locator("#id_username").fill(merchandiser.phone)
    admin.locator("#id_password").fill(STAFF_PASSWORD)
    admin.locator("input[type=submit], button[type=submit]").first.click()
    expect(admin).to_have_url(re.compile(r"/admin/reviews/review/$"))
    admin.get_by_role("link", name="Waiting for approval").click()
    row = admin.locator("#result_list tbody tr", has_text="Comfortable from day one")
    expect(row.locator("img[alt='Picture from a review']")).to_have_count(1)
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option(label="Approve selected reviews")
    admin.locator("button[name=index]").click()
    expect(admin.get_by_text("1 review approved.")).to_be_visible()
    admin.close()

    page.goto(live_server.url + "/kg/p/court-sneakers/")
    review = page.get_by_test_id("review")
    expect(review).to_contain_text("Comfortable from day one")
    expect(review).to_contain_text("True to size and light on the feet.")
    expect(review.get_by_test_id("verified-badge")).to_be_visible()
    expect(review.get_by_test_id("review-photos").locator("img")).to_have_attribute(
        "src", re.compile(r"/media/reviews/[0-9a-f]{32}\.jpg$")
    )
    expect(page.locator("#reviews")).to_contain_text("Rated 4.0 out of 5")
    assert Review.objects.get().product.rating == Decimal("4.00")
