"""The shopper's return pages: the button on the order page, the form, a return's page, nobody
else's orders or returns, and what each page costs in queries."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from accounts.tests.factories import KGUserFactory
from returns import services
from returns.models import ReturnRequest
from returns.tests.factories import kg_delivered_order, us_delivered_card_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox(sms_outbox):
    return sms_outbox


def order_url(order):
    return f"/{order.market.lower()}/orders/{order.order_number}/"


def form_url(order):
    return f"{order_url(order)}return/"


def form_data(order, quantities=None, reason="wrong_size", note=""):
    quantities = quantities or {}
    data = {"reason": reason, "note": note}
    for item in order.items.all():
        data[f"quantity_{item.pk}"] = quantities.get(item.pk, 0)
    return data


def test_a_delivered_order_in_its_window_offers_a_return(client):
    order = kg_delivered_order()
    client.force_login(order.user)
    page = client.get(order_url(order)).content.decode()
    assert "Request a return" in page
    assert f'href="{form_url(order)}"' in page


def test_an_order_past_its_window_offers_none(client):
    order = kg_delivered_order(delivered_ago=timedelta(days=15))
    client.force_login(order.user)
    page = client.get(order_url(order)).content.decode()
    assert "Request a return" not in page
    assert "The return window of this order has closed." in page
    response = client.get(form_url(order))
    assert response.status_code == 302
    assert response.url == order_url(order)


def test_an_order_not_delivered_shows_no_returns(client):
    order = kg_delivered_order(status="shipped", delivered_date=None)
    client.force_login(order.user)
    page = client.get(order_url(order)).content.decode()
    assert 'data-testid="order-returns"' not in page


def test_the_form_lists_each_line_with_a_labelled_quantity(client):
    order = kg_delivered_order()
    client.force_login(order.user)
    response = client.get(form_url(order))
    assert response.status_code == 200
    page = response.content.decode()
    for item in order.items.all():
        assert f'<label for="id_quantity_{item.pk}"' in page
        assert f'max="{item.quantity}"' in page
    assert '<label for="id_reason"' in page and '<label for="id_note"' in page
    assert "Send return request" in page


def test_sending_the_form_records_the_return_and_shows_it(client):
    order = kg_delivered_order()
    client.force_login(order.user)
    line = order.items.get(quantity=2)
    response = client.post(form_url(order), form_data(order, {line.pk: 2}, note="Too tight"))
    return_request = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert response.url == f"/kg/returns/{return_request.pk}/"
    assert list(return_request.items.values_list("order_item", "quantity")) == [(line.pk, 2)]
    assert (return_request.reason, return_request.note) == ("wrong_size", "Too tight")

    page = client.get(response.url).content.decode()
    assert "Requested" in page and "Too tight" in page
    order_page = client.get(order_url(order)).content.decode()
    assert f'href="/kg/returns/{return_request.pk}/"' in order_page


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"quantity": 3}, "Ensure this value is less than or equal to 2."),
        ({"quantity": 0}, "Choose at least one item to return."),
        ({"quantity": "many"}, "Enter a whole number."),
        ({"reason": ""}, "This field is required."),
        ({"reason": "bored"}, "Select a valid choice."),
    ],
    ids=["too-many", "none", "not-a-number", "no-reason", "unknown-reason"],
)
def test_a_bad_form_is_shown_again_with_its_error(client, change, error):
    order = kg_delivered_order()
    client.force_login(order.user)
    line = order.items.get(quantity=2)
    data = form_data(order, {line.pk: change.get("quantity", 1)}, reason=change.get("reason", "damaged"))
    response = client.post(form_url(order), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_the_same_units_cannot_be_returned_twice_through_the_form(client):
    order = kg_delivered_order()
    client.force_login(order.user)
    line = order.items.get(quantity=2)
    client.post(form_url(order), form_data(order, {line.pk: 2}))
    page = client.get(form_url(order)).content.decode()
    assert f"id_quantity_{line.pk}" not in page
    response = client.post(form_url(order), form_data(order, {line.pk: 1}) | {f"quantity_{line.pk}": 1})
    assert response.status_code == 400
    assert ReturnRequest.objects.count() == 1


def test_another_users_order_and_return_are_404(client):
    order = kg_delivered_order()
    return_request = services.request_return(
        user=order.user, order=order, quantities={order.items.first().pk: 1}, reason="damaged"
    )
    client.force_login(KGUserFactory())
    assert client.get(form_url(order)).status_code == 404
    assert client.post(form_url(order), form_data(order, {order.items.first().pk: 1})).status_code == 404
    assert client.get(f"/kg/returns/{return_request.pk}/").status_code == 404
    assert client.get("/kg/returns/99999999999999999999/").status_code == 404
    assert ReturnRequest.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in(client):
    order = kg_delivered_order()
    response = client.get(form_url(order))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_form_posts_with_csrf():
    order = kg_delivered_order()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(order.user)
    response = strict.post(form_url(order), form_data(order, {order.items.first().pk: 1}))
    assert response.status_code == 403


def test_us_shopper_returns_within_thirty_days(client):
    order = us_delivered_card_order(delivered_ago=timedelta(days=29))
    client.force_login(order.user)
    assert "Request a return" in client.get(order_url(order)).content.decode()
    line = order.items.get()
    response = client.post(form_url(order), form_data(order, {line.pk: 1}))
    assert response.status_code == 302


# --- query budgets ----------------------------------------------------------------------------


def _with_returns(order, count):
    line = order.items.get(quantity=2)
    for _ in range(count):
        services.request_return(user=order.user, order=order, quantities={line.pk: 1}, reason="damaged")


@pytest.mark.parametrize("count", [0, 2])
def test_the_order_page_with_returns_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, pages_version_started, count
):
    order = kg_delivered_order()
    _with_returns(order, count)
    client.force_login(order.user)
    # The order page's nine (parcels included) and the returns with their lines and history.
    with django_assert_max_num_queries(12):
        assert client.get(order_url(order)).status_code == 200


def test_the_form_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, pages_version_started):
    order = kg_delivered_order()
    client.force_login(order.user)
    with django_assert_max_num_queries(11):
        assert client.get(form_url(order)).status_code == 200


def test_sending_the_form_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    order = kg_delivered_order()
    client.force_login(order.user)
    data = form_data(order, {item.pk: 1 for item in order.items.all()})
    with django_assert_max_num_queries(16):
        assert client.post(form_url(order), data).status_code == 302


def test_a_returns_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, pages_version_started):
    order = kg_delivered_order()
    _with_returns(order, 2)
    return_request = ReturnRequest.objects.first()
    client.force_login(order.user)
    with django_assert_max_num_queries(9):
        assert client.get(f"/kg/returns/{return_request.pk}/").status_code == 200


def test_the_return_deadline_reads_as_one_sentence_in_russian(client):
    order = kg_delivered_order()
    order.user.language = "ru"
    order.user.save(update_fields=["language"])
    client.force_login(order.user)

    for url in (form_url(order), f"/kg/orders/{order.order_number}/"):
        html = client.get(url).content.decode()
        sentence = re.search(r"Вернуть товары можно до [^<]*", html).group(0)
        assert sentence.endswith(" г."), sentence  # the date's own "г." ends it: no second period
