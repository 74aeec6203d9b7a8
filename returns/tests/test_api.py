"""The returns API: the caller's returns listed, requested and read; nobody else's."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import KGUserFactory
from returns import services
from returns.models import ReturnRequest
from returns.tests.factories import kg_delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox(sms_outbox):
    return sms_outbox


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(order, quantities, reason="wrong_size", note=""):
    return {
        "order_number": order.order_number,
        "items": [{"order_item_id": pk, "quantity": n} for pk, n in quantities.items()],
        "reason": reason,
        "note": note,
    }


def test_a_return_is_requested_and_read_back():
    order = kg_delivered_order()
    line = order.items.get(quantity=2)
    api = api_for(order.user)
    response = api.post("/api/v1/returns", body(order, {line.pk: 2}, note="Too tight"), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["order_number"] == order.order_number
    assert data["status"] == "requested"
    assert data["items"] == [
        {"order_item_id": line.pk, "name": line.product_name, "size": line.size, "color": line.color, "quantity": 2}
    ]
    assert data["refund"] is None
    assert [step["status"] for step in data["timeline"]] == ["requested"]

    assert api.get(f"/api/v1/returns/{data['id']}").json() == data
    listed = api.get("/api/v1/returns").json()
    assert [r["id"] for r in listed["results"]] == [data["id"]]


@pytest.mark.parametrize(
    ("make_body", "status", "code"),
    [
        (lambda o, line: body(o, {line.pk: 3}), 409, "return_refused"),
        (lambda o, line: body(o, {line.pk: 1}, reason="bored"), 400, "invalid"),
        (lambda o, line: body(o, {}), 400, "invalid"),
        (lambda o, line: body(o, {line.pk: 0}), 400, "invalid"),
        (lambda o, line: {**body(o, {line.pk: 1}), "order_number": "MQ-NOPE0000"}, 404, "order_not_found"),
        (lambda o, line: {**body(o, {line.pk: 1}), "order_number": "../../x"}, 404, "order_not_found"),
    ],
    ids=["too-many", "bad-reason", "no-items", "zero", "unknown-order", "odd-number"],
)
def test_bad_requests_are_clear_errors(make_body, status, code):
    order = kg_delivered_order()
    line = order.items.get(quantity=2)
    response = api_for(order.user).post("/api/v1/returns", make_body(order, line), format="json")
    assert response.status_code == status, response.json()
    assert response.json()["error"]["code"] == code
    assert not ReturnRequest.objects.exists()


def test_the_same_line_twice_in_one_request_counts_both():
    order = kg_delivered_order()
    line = order.items.get(quantity=2)
    payload = body(order, {line.pk: 2})
    payload["items"].append({"order_item_id": line.pk, "quantity": 1})
    response = api_for(order.user).post("/api/v1/returns", payload, format="json")
    assert response.status_code == 409


def test_outside_the_window_is_refused():
    order = kg_delivered_order(delivered_ago=timedelta(days=14, minutes=1))
    response = api_for(order.user).post("/api/v1/returns", body(order, {order.items.first().pk: 1}), format="json")
    assert response.status_code == 409


def test_another_callers_order_and_return_are_404():
    order = kg_delivered_order()
    return_request = services.request_return(
        user=order.user, order=order, quantities={order.items.first().pk: 1}, reason="damaged"
    )
    stranger = api_for(KGUserFactory())
    assert stranger.get(f"/api/v1/returns/{return_request.pk}").status_code == 404
    assert stranger.get("/api/v1/returns").json()["results"] == []
    response = stranger.post("/api/v1/returns", body(order, {order.items.first().pk: 1}), format="json")
    assert response.status_code == 404
    assert stranger.get("/api/v1/returns/99999999999999999999").status_code == 404


def test_a_visitor_gets_401():
    assert APIClient().get("/api/v1/returns").status_code == 401


def test_the_list_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    order = kg_delivered_order()
    for item in order.items.all():
        services.request_return(user=order.user, order=order, quantities={item.pk: 1}, reason="damaged")
    api = api_for(order.user)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/returns").json()["results"]) == 2
