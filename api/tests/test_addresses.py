"""profile/addresses/{id} and …/default: reading, changing, deleting and picking the default address
on the web's form and services; anyone else's address is a 404 and stays as it was."""

import pytest

from accounts.models import Address
from accounts.tests.factories import AddressFactory, KGUserFactory, USUserFactory
from api.tests.conftest import authed, error, error_code

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/profile/addresses"


def url(address, action=""):
    return f"{ADDRESSES}/{address.pk}{action}"


@pytest.fixture
def home(kg_shopper):
    return AddressFactory(user=kg_shopper, title="Home", street="Chui Avenue", building="120", is_default=True)


@pytest.fixture
def work(kg_shopper):
    return AddressFactory(user=kg_shopper, title="Work", street="Manas Avenue", building="40")


@pytest.fixture
def someone_elses():
    return AddressFactory(user=KGUserFactory(), title="Theirs", is_default=True)


def test_every_address_action_needs_a_token(api_client, home):
    assert api_client.get(url(home)).status_code == 401
    assert api_client.put(url(home), {}, format="json").status_code == 401
    assert api_client.delete(url(home)).status_code == 401
    assert api_client.post(url(home, "/default")).status_code == 401


def test_one_address_is_read(api, home):
    response = api.get(url(home))
    assert response.status_code == 200
    assert response.json()["title"] == "Home" and response.json()["is_default"] is True


def test_an_address_is_changed_with_the_market_rules(api, home):
    payload = {"title": "Flat", "street": "Kievskaya", "building": "7", "apartment": "12", "city": "Osh"}
    response = api.put(url(home), payload, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["full_address"] == "Kievskaya, 7, apt. 12, Osh"
    assert body["is_default"] is True  # the only address stays the default
    home.refresh_from_db()
    assert (home.title, home.city, home.country) == ("Flat", "Osh", "KG")


def test_a_bad_change_is_a_400_with_field_messages_and_changes_nothing(api, home):
    response = api.put(url(home), {"street": "", "city": "Almaty", "postal_code": "12"}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert {"street", "city", "postal_code"} <= set(error(response)["details"])
    home.refresh_from_db()
    assert home.street == "Chui Avenue"


def test_a_us_change_needs_a_state_and_zip():
    user = USUserFactory()
    address = AddressFactory(user=user, city="New York", state="NY", postal_code="10001")
    response = authed(user).put(url(address), {"street": "5th Avenue", "city": "New York"}, format="json")
    assert response.status_code == 400
    assert set(error(response)["details"]) == {"state", "postal_code"}


def test_make_default_on_a_change_moves_the_default(api, home, work):
    payload = {"street": "Manas Avenue", "building": "40", "city": "Bishkek", "make_default": True}
    assert api.put(url(work), payload, format="json").json()["is_default"] is True
    home.refresh_from_db()
    assert home.is_default is False


def test_deleting_the_default_hands_it_to_the_newest_left(api, home, work):
    response = api.delete(url(home))
    assert response.status_code == 204
    assert not Address.objects.filter(pk=home.pk).exists()
    work.refresh_from_db()
    assert work.is_default is True


def test_set_default_answers_every_address(api, home, work):
    response = api.post(url(work, "/default"))
    assert response.status_code == 200
    assert [(a["title"], a["is_default"]) for a in response.json()] == [("Work", True), ("Home", False)]
    assert Address.objects.filter(user=home.user, is_default=True).get() == work


@pytest.mark.parametrize(
    "call",
    [
        lambda client, address: client.get(url(address)),
        lambda client, address: client.put(url(address), {"street": "Mine", "city": "Bishkek"}, format="json"),
        lambda client, address: client.delete(url(address)),
        lambda client, address: client.post(url(address, "/default")),
    ],
    ids=["get", "put", "delete", "default"],
)
def test_another_shoppers_address_is_a_404_and_stays_as_it_was(api, home, someone_elses, call):
    response = call(api, someone_elses)
    assert response.status_code == 404
    assert error_code(response) == "address_not_found"
    someone_elses.refresh_from_db()
    assert (someone_elses.title, someone_elses.is_default) == ("Theirs", True)
    home.refresh_from_db()
    assert home.is_default is True


def test_an_unknown_or_huge_id_is_a_404(api):
    assert api.get(f"{ADDRESSES}/999999").status_code == 404
    assert api.get(f"{ADDRESSES}/{2**70}").status_code == 404


def test_set_default_query_budget_does_not_grow_with_addresses(api, kg_shopper, home, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        api.post(url(home, "/default"))
    AddressFactory.create_batch(15, user=kg_shopper)
    with django_assert_max_num_queries(len(few.captured_queries)):
        api.post(url(home, "/default"))
