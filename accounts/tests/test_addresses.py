"""Addresses: list, add, edit, delete, set default; the market's address format decides the fields."""

import html
import re

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Address
from accounts.tests.factories import AddressFactory
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

KG_ADDRESS = {"title": "Home", "street": "Chui Avenue", "building": "120", "apartment": "5", "city": "Bishkek"}
US_ADDRESS = {"title": "Work", "street": "Market Street", "building": "1455", "city": "San Francisco", "state": "CA"}


def text(response):
    return html.unescape(response.content.decode())


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


def test_the_list_shows_the_shoppers_addresses_default_first(kg_client, kg_shopper, django_assert_max_num_queries):
    AddressFactory(user=kg_shopper, title="Office", street="Manas Avenue")
    AddressFactory(user=kg_shopper, title="Home", street="Chui Avenue", is_default=True)
    AddressFactory(title="Somebody else's", street="Secret Street")
    with django_assert_max_num_queries(10):
        response = kg_client.get("/accounts/addresses/")
    assert response.status_code == 200
    page = text(response)
    assert page.index("Chui Avenue") < page.index("Manas Avenue")
    assert "Secret Street" not in page
    assert "Add an address" in page


def test_the_kg_form_offers_bishkek_osh_and_the_regions_centres_and_no_state(kg_client):
    response = kg_client.get("/accounts/addresses/new/")
    form = response.context["form"]
    assert "state" not in form.fields
    offered = [value for value, _label in form.fields["city"].choices if value]
    assert offered == list(MARKETS["KG"].address.cities)
    assert {"Bishkek", "Osh", "Jalal-Abad", "Karakol", "Naryn", "Talas", "Batken"} <= set(offered)
    page = text(response)
    for field in ("title", "street", "building", "apartment", "city", "postal_code", "make_default"):
        assert re.search(rf'<label[^>]*for="id_{field}"', page), field
    assert re.search(r'<button type="submit"[^>]*>Save address</button>', page)


def test_a_kg_address_is_saved_with_the_users_market_and_becomes_the_first_default(kg_client, kg_shopper):
    response = kg_client.post("/accounts/addresses/new/", {**KG_ADDRESS, "state": "CA", "market": "US"})
    assert response.status_code == 302 and response["Location"] == "/accounts/addresses/"
    address = kg_shopper.addresses.get()
    assert (address.market, address.country, address.city, address.state) == ("KG", "KG", "Bishkek", "")
    assert address.is_default
    assert address.full_address == "Chui Avenue, 120, apt. 5, Bishkek"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"city": "Moscow"}, "city", "Select a valid choice"),
        ({"city": ""}, "city", "This field is required."),
        ({"street": ""}, "street", "This field is required."),
        ({"postal_code": "1234"}, "postal_code", "A postal code in Kyrgyzstan has 6 digits, such as 720001."),
    ],
)
def test_kg_addresses_get_clear_field_errors(kg_client, kg_shopper, data, field, message):
    response = kg_client.post("/accounts/addresses/new/", {**KG_ADDRESS, **data})
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response, field))
    assert message.split(" such")[0] in text(response)
    assert not kg_shopper.addresses.exists()


def test_the_us_form_asks_for_a_state_and_a_zip_code(us_client):
    form = us_client.get("/accounts/addresses/new/").context["form"]
    assert form.fields["state"].required and form.fields["postal_code"].required
    states = [value for value, _label in form.fields["state"].choices if value]
    assert len(states) == 51 and {"CA", "NY", "TX", "DC"} <= set(states)
    assert form.fields["postal_code"].label == "ZIP code"


@pytest.mark.parametrize(
    ("zip_code", "stored"), [("94103", "94103"), ("94103-1234", "94103-1234"), ("941031234", "94103-1234")]
)
def test_us_zip_codes_of_five_or_nine_digits_are_accepted(us_client, us_shopper, zip_code, stored):
    response = us_client.post("/accounts/addresses/new/", {**US_ADDRESS, "postal_code": zip_code})
    assert response.status_code == 302
    address = us_shopper.addresses.get()
    assert (address.postal_code, address.state, address.market, address.country) == (stored, "CA", "US", "US")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"postal_code": "9410"}, "postal_code", "Enter a 5-digit ZIP code, or ZIP+4 such as 10001-1234."),
        ({"postal_code": "94103-12"}, "postal_code", "Enter a 5-digit ZIP code, or ZIP+4 such as 10001-1234."),
        ({"postal_code": ""}, "postal_code", "This field is required."),
        ({"state": "XX"}, "state", "Select a valid choice"),
        ({"state": "ca"}, "state", "Select a valid choice"),
        ({"state": ""}, "state", "This field is required."),
    ],
)
def test_us_addresses_get_clear_field_errors(us_client, us_shopper, data, field, message):
    response = us_client.post("/accounts/addresses/new/", {**US_ADDRESS, "postal_code": "94103", **data})
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response, field))
    assert not us_shopper.addresses.exists()


def test_editing_an_address_changes_it_and_its_one_line_form(kg_client, kg_shopper):
    address = AddressFactory(user=kg_shopper, street="Old Street", building="1", city="Osh", is_default=True)
    page = kg_client.get(f"/accounts/addresses/{address.pk}/")
    assert page.context["form"].initial["street"] == "Old Street"
    response = kg_client.post(f"/accounts/addresses/{address.pk}/", {**KG_ADDRESS, "make_default": "on"})
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.street, address.city, address.full_address) == (
        "Chui Avenue",
        "Bishkek",
        "Chui Avenue, 120, apt. 5, Bishkek",
    )


def test_one_default_address_per_user(kg_client, kg_shopper):
    first = AddressFactory(user=kg_shopper, is_default=True)
    second = AddressFactory(user=kg_shopper)
    response = kg_client.post(f"/accounts/addresses/{second.pk}/default/")
    assert response.status_code == 302
    assert list(kg_shopper.addresses.filter(is_default=True)) == [second]
    first.refresh_from_db()
    assert not first.is_default
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.filter(pk=first.pk).update(is_default=True)


def test_adding_an_address_as_default_moves_the_default(kg_client, kg_shopper):
    old = AddressFactory(user=kg_shopper, is_default=True)
    kg_client.post("/accounts/addresses/new/", {**KG_ADDRESS, "make_default": "on"})
    old.refresh_from_db()
    assert not old.is_default
    assert kg_shopper.addresses.get(is_default=True).street == "Chui Avenue"


def test_deleting_asks_on_get_and_deletes_on_post_and_the_default_passes_on(kg_client, kg_shopper):
    older = AddressFactory(user=kg_shopper)
    default = AddressFactory(user=kg_shopper, is_default=True)
    page = kg_client.get(f"/accounts/addresses/{default.pk}/delete/")
    assert page.status_code == 200 and "Delete address" in text(page)
    assert Address.objects.filter(pk=default.pk).exists()
    response = kg_client.post(f"/accounts/addresses/{default.pk}/delete/")
    assert response.status_code == 302
    assert not Address.objects.filter(pk=default.pk).exists()
    older.refresh_from_db()
    assert older.is_default


@pytest.mark.parametrize(
    "path", ["/accounts/addresses/new/", "/accounts/addresses/{pk}/", "/accounts/addresses/{pk}/delete/"]
)
def test_address_pages_stay_within_the_query_budget(kg_client, kg_shopper, django_assert_max_num_queries, path):
    address = AddressFactory(user=kg_shopper)
    with django_assert_max_num_queries(10):
        assert kg_client.get(path.format(pk=address.pk)).status_code == 200


def test_address_pages_need_a_signed_in_shopper(client):
    assert client.get("/accounts/addresses/")["Location"].startswith("/accounts/login/?next=")
    response = client.post("/accounts/addresses/new/", {**US_ADDRESS, "postal_code": "94103"})
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Address.objects.exists()


def test_a_kg_user_editing_never_gets_a_state_even_if_posted(kg_client):
    kg_client.post("/accounts/addresses/new/", {**KG_ADDRESS, "state": "NY"})
    assert Address.objects.get().state == ""


def test_the_market_of_an_address_follows_its_user_not_the_form(kg_client):
    kg_client.post("/accounts/addresses/new/", {**KG_ADDRESS, "market": "US", "country": "US"})
    assert (Address.objects.get().market, Address.objects.get().country) == ("KG", "KG")


def test_a_us_address_takes_any_city_name(us_client, us_shopper):
    us_client.post(
        "/accounts/addresses/new/", {**US_ADDRESS, "city": "Walla Walla", "state": "WA", "postal_code": "99362"}
    )
    assert us_shopper.addresses.get().city == "Walla Walla"
