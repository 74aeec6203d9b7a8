"""Profile: name, email and language; market and currency shown, following the phone."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def test_the_profile_shows_market_and_currency_without_letting_them_change(
    client, kg_shopper, django_assert_max_num_queries
):
    client.force_login(kg_shopper)
    with django_assert_max_num_queries(10):
        response = client.get("/accounts/profile/")
    page = text(response)
    assert kg_shopper.phone in page and "Kyrgyzstan" in page and "KGS" in page
    assert set(response.context["form"].fields) == {"full_name", "email", "language"}
    profile_section = page.split("<section>", 1)[1]  # the header's market switcher is not the profile
    assert not re.search(r'name="(market|currency|country|phone)"', profile_section)
    for field in ("full_name", "email", "language"):
        assert re.search(rf'<label[^>]*for="id_{field}"', page)
    assert re.search(r'<button type="submit"[^>]*>Save profile</button>', page)


def test_a_shopper_saves_name_email_and_a_language_of_their_market(client, kg_shopper):
    client.force_login(kg_shopper)
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "Aida Toktogulova",
            "email": "aida@example.kg",
            "language": "ky",
            "market": "US",
            "currency": "USD",
        },
    )
    assert response.status_code == 302
    kg_shopper.refresh_from_db()
    assert (kg_shopper.full_name, kg_shopper.email, kg_shopper.language) == (
        "Aida Toktogulova",
        "aida@example.kg",
        "ky",
    )
    assert (kg_shopper.market, kg_shopper.currency) == ("KG", "KGS")


def test_a_language_the_market_does_not_speak_is_refused(client, us_shopper):
    client.force_login(us_shopper)
    assert [code for code, _ in client.get("/accounts/profile/").context["form"].fields["language"].choices] == ["en"]
    response = client.post("/accounts/profile/", {"full_name": "", "email": "", "language": "ru"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    us_shopper.refresh_from_db()
    assert us_shopper.language == "en"


def test_an_invalid_email_gets_a_clear_error(client, us_shopper):
    client.force_login(us_shopper)
    response = client.post("/accounts/profile/", {"email": "not-an-email", "language": "en"})
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
