"""profile, profile/addresses, profile/orders, profile/notifications: only ever the caller's own."""

from decimal import Decimal

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Address
from accounts.tests.factories import AddressFactory, KGUserFactory, NotificationFactory, USUserFactory
from api.tests.conftest import authed, error
from checkout.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/profile"
ADDRESSES = "/api/v1/profile/addresses"
ORDERS = "/api/v1/profile/orders"
NOTIFICATIONS = "/api/v1/profile/notifications"


def add_items(order, *quantities):
    """Lines as bought, without a live SKU behind them (the snapshot is what an order keeps)."""
    for quantity in quantities:
        OrderItemFactory(
            order=order,
            sku=None,
            product=None,
            sku_code="SCARF-1",
            product_name="Scarf",
            product_brand="MARQUE",
            size="",
            color="",
            price=Decimal("10.00"),
            quantity=quantity,
            subtotal=Decimal("10.00") * quantity,
        )


# --- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PROFILE, ADDRESSES, ORDERS, NOTIFICATIONS])
def test_every_profile_endpoint_is_401_without_a_token(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("url", [PROFILE, ADDRESSES, ORDERS, NOTIFICATIONS])
def test_every_profile_endpoint_is_401_with_an_expired_token(api_client, url):
    token = AccessToken.for_user(KGUserFactory())
    token.set_exp(lifetime=-AccessToken.lifetime)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api_client.get(url)
    assert response.status_code == 401
    assert error(response)["code"] == "token_not_valid"


# --- profile ------------------------------------------------------------------------------------


def test_get_profile():
    user = KGUserFactory(full_name="Aida", email="aida@example.com", language="ru")
    response = authed(user).get(PROFILE)
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "phone": user.phone,
        "full_name": "Aida",
        "email": "aida@example.com",
        "language": "ru",
        "market": "KG",
        "currency": "KGS",
    }


def test_put_profile_changes_name_email_and_language_but_never_market_or_currency():
    user = KGUserFactory()
    payload = {
        "full_name": "  Aida Sadykova ",
        "email": "aida@example.kg",
        "language": "ky",
        "market": "US",
        "currency": "USD",
        "phone": "+12125550100",
    }
    response = authed(user).put(PROFILE, payload, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["full_name"], body["email"], body["language"]) == ("Aida Sadykova", "aida@example.kg", "ky")
    assert (body["market"], body["currency"], body["phone"]) == ("KG", "KGS", user.phone)
    user.refresh_from_db()
    assert (user.full_name, user.email, user.language, user.market, user.currency) == (
        "Aida Sadykova",
        "aida@example.kg",
        "ky",
        "KG",
        "KGS",
    )


def test_a_language_not_offered_in_the_market_is_a_field_error():
    user = USUserFactory(language="en")
    response = authed(user).put(PROFILE, {"full_name": "Sam", "email": "", "language": "ru"}, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"
    assert list(error(response)["details"]) == ["language"]
    user.refresh_from_db()
    assert user.language == "en"


def test_a_bad_email_and_a_missing_language_are_field_errors():
    response = authed(KGUserFactory()).put(PROFILE, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    details = error(response)["details"]
    assert details["email"] == ["Enter a valid email address."]
    assert details["language"] == ["This field is required."]


def test_a_body_that_is_not_an_object_is_400_not_500():
    response = authed(KGUserFactory()).put(PROFILE, ["ru"], format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"


def test_profile_refuses_other_methods_in_json():
    response = authed(KGUserFactory()).delete(PROFILE)
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"


def test_the_profile_query_budget(django_assert_max_num_queries):
    client = authed(KGUserFactory())
    with django_assert_max_num_queries(2):
        client.get(PROFILE)
    with django_assert_max_num_queries(3):
        assert client.put(PROFILE, {"full_name": "A", "email": "", "language": "en"}, format="json").status_code == 200


# --- addresses ----------------------------------------------------------------------------------


def test_addresses_lists_only_the_callers_default_first():
    user = KGUserFactory()
    AddressFactory(user=user, title="Work")
    home = AddressFactory(user=user, title="Home", is_default=True)
    AddressFactory(user=KGUserFactory(), title="Someone else's")
    response = authed(user).get(ADDRESSES)
    assert response.status_code == 200
    body = response.json()
    assert [a["title"] for a in body] == ["Home", "Work"]
    assert body[0]["id"] == home.pk and body[0]["is_default"] is True
    assert body[0]["country"] == "KG"
    assert set(body[0]) >= {"street", "building", "apartment", "city", "state", "postal_code", "full_address"}


def test_adding_a_kg_address_uses_the_market_rules_and_the_first_becomes_default():
    user = KGUserFactory()
    payload = {"title": "Home", "street": "Chui Avenue", "building": "120", "apartment": "4", "city": "Bishkek"}
    response = authed(user).post(ADDRESSES, payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["is_default"] is True and body["country"] == "KG"
    assert body["full_address"] == "Chui Avenue, 120, apt. 4, Bishkek"
    assert Address.objects.get().user == user


def test_a_kg_address_needs_a_city_of_the_market_and_a_6_digit_postal_code():
    response = authed(KGUserFactory()).post(
        ADDRESSES, {"street": "Chui", "city": "Almaty", "postal_code": "12345"}, format="json"
    )
    assert response.status_code == 400
    details = error(response)["details"]
    assert set(details) == {"city", "postal_code"}
    assert details["postal_code"] == ["A postal code in Kyrgyzstan has 6 digits, such as 720001."]
    assert not Address.objects.exists()


def test_a_us_address_needs_a_state_and_a_zip_code():
    client = authed(USUserFactory())
    response = client.post(ADDRESSES, {"street": "5th Avenue", "city": "New York"}, format="json")
    assert response.status_code == 400
    assert set(error(response)["details"]) == {"state", "postal_code"}
    response = client.post(
        ADDRESSES,
        {"street": "5th Avenue", "city": "New York", "state": "NY", "postal_code": "100011234"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["state"], response.json()["postal_code"], response.json()["country"]) == (
        "NY",
        "10001-1234",
        "US",
    )


def test_make_default_moves_the_default_to_the_new_address():
    user = KGUserFactory()
    old = AddressFactory(user=user, is_default=True)
    response = authed(user).post(ADDRESSES, {"street": "Manas", "city": "Osh", "make_default": True}, format="json")
    assert response.status_code == 201 and response.json()["is_default"] is True
    old.refresh_from_db()
    assert not old.is_default
    without = authed(user).post(ADDRESSES, {"street": "Frunze", "city": "Osh"}, format="json")
    assert without.json()["is_default"] is False


def test_the_addresses_query_budget_does_not_grow_with_addresses(django_assert_max_num_queries):
    user = KGUserFactory()
    client = authed(user)
    AddressFactory(user=user)
    with django_assert_max_num_queries(2) as one:
        client.get(ADDRESSES)
    AddressFactory.create_batch(15, user=user)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(ADDRESSES).json()) == 16


# --- orders -------------------------------------------------------------------------------------


def test_orders_are_the_callers_newest_first_with_summary_fields():
    user = KGUserFactory()
    older = OrderFactory(user=user)
    add_items(older, 1)
    newer = OrderFactory(user=user, status="confirmed")
    add_items(newer, 2, 3)
    OrderFactory(user=KGUserFactory())
    response = authed(user).get(ORDERS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["number"] for o in body["results"]] == [newer.order_number, older.order_number]
    first = body["results"][0]
    assert first["items_count"] == 5
    assert body["results"][1]["items_count"] == 1
    assert (first["status"], first["status_display"]) == ("confirmed", "Confirmed")
    assert (first["payment_method"], first["payment_status"]) == ("cash", "pending")
    assert first["total"] == {"amount": "3240.00", "currency": "KGS", "display": "3 240 som"}
    assert first["currency"] == "KGS"
    assert first["created_at"]


def test_profile_orders_and_orders_are_the_same_list():
    user = KGUserFactory()
    add_items(OrderFactory(user=user), 2)
    client = authed(user)
    assert client.get(ORDERS).json() == client.get("/api/v1/orders").json()


def test_an_order_without_items_counts_zero_and_us_amounts_show_dollars():
    user = USUserFactory()
    OrderFactory(
        user=user,
        payment_method="card",
        subtotal=Decimal("1299.00"),
        shipping_cost=Decimal("0.00"),
        tax=Decimal("0.00"),
        tax_included=False,
        total_amount=Decimal("1299.00"),
    )
    order = authed(user).get(ORDERS).json()["results"][0]
    assert (order["items_count"], order["currency"], order["total"]["display"]) == (0, "USD", "$1,299.00")


def test_orders_are_paged():
    user = KGUserFactory()
    OrderFactory.create_batch(3, user=user)
    body = authed(user).get(ORDERS, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"]
    assert len(authed(user).get(ORDERS, {"page_size": 2, "page": 2}).json()["results"]) == 1
    response = authed(user).get(ORDERS, {"page": 9})
    assert response.status_code == 400 and error(response)["code"] == "invalid_page"


def test_the_orders_query_budget_does_not_grow_with_orders(django_assert_max_num_queries):
    user = KGUserFactory()
    client = authed(user)
    add_items(OrderFactory(user=user), 1)
    with django_assert_max_num_queries(4) as one:  # user, count, orders, their items
        client.get(ORDERS)
    for _ in range(10):
        add_items(OrderFactory(user=user), 1, 2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(ORDERS).json()["count"] == 11


# --- notifications ------------------------------------------------------------------------------


def test_notifications_are_the_callers_with_an_unread_flag_and_count():
    user = KGUserFactory()
    read = NotificationFactory(user=user, title="Old", is_read=True)
    unread = NotificationFactory(user=user, title="New")
    NotificationFactory(user=KGUserFactory(), title="Not yours")
    response = authed(user).get(NOTIFICATIONS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["unread_count"] == 1
    assert [(n["id"], n["title"], n["unread"]) for n in body["results"]] == [
        (unread.pk, "New", True),
        (read.pk, "Old", False),
    ]
    assert set(body["results"][0]) >= {"type", "message", "link_url", "created_at"}


def test_notifications_are_paged():
    user = KGUserFactory()
    NotificationFactory.create_batch(25, user=user)
    body = authed(user).get(NOTIFICATIONS).json()
    assert (body["count"], len(body["results"]), body["unread_count"]) == (25, 20, 25)
    assert len(authed(user).get(NOTIFICATIONS, {"page": 2}).json()["results"]) == 5


def test_the_notifications_query_budget_does_not_grow_with_notifications(django_assert_max_num_queries):
    user = KGUserFactory()
    client = authed(user)
    NotificationFactory(user=user)
    with django_assert_max_num_queries(4) as one:
        client.get(NOTIFICATIONS)
    NotificationFactory.create_batch(15, user=user)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(NOTIFICATIONS).json()["count"] == 16
