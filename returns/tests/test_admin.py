"""Managers at work on returns in the admin: only their market's returns, each step through the
workflow with a note, refunds pressed twice, and the roles' permissions."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import staff_in_role
from returns import services
from returns.models import Refund, ReturnRequest
from returns.tests.factories import kg_delivered_order, us_delivered_card_order
from storefront.money import format_money

pytestmark = pytest.mark.django_db

RETURNS = reverse("admin:returns_returnrequest_changelist")


@pytest.fixture(autouse=True)
def _outbox(sms_outbox):
    return sms_outbox


def change_url(return_request):
    return reverse("admin:returns_returnrequest_change", args=[return_request.pk])


def step(client, return_request, next_step, note=""):
    """POST the change form as a browser would: its inlines' management fields and the chosen step."""
    page = client.get(change_url(return_request)).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    return client.post(change_url(return_request), {**hidden, "next_step": next_step, "step_note": note})


def requested(order):
    return services.request_return(
        user=order.user,
        order=order,
        quantities={item.pk: item.quantity for item in order.items.all()},
        reason="damaged",
    )


@pytest.fixture
def kg_manager(client):
    manager = staff_in_role(MARKET_MANAGER, "KG")
    client.force_login(manager)
    return manager


def test_a_manager_sees_only_their_markets_returns(client, kg_manager):
    kg_return, us_return = requested(kg_delivered_order()), requested(us_delivered_card_order())
    page = client.get(RETURNS).content.decode()
    assert change_url(kg_return) in page
    assert change_url(us_return) not in page
    assert client.get(change_url(us_return)).status_code == 302  # "does not exist", back to the admin index
    response = client.post(change_url(us_return), {"next_step": "approved", "step_note": ""})
    assert response.status_code in (302, 404)
    assert ReturnRequest.objects.get(pk=us_return.pk).status == "requested"


def test_the_form_offers_only_the_next_steps(client, kg_manager):
    return_request = requested(kg_delivered_order())
    page = client.get(change_url(return_request)).content.decode()
    assert 'value="approved"' in page and 'value="rejected"' in page
    assert 'value="received"' not in page and 'value="refund"' not in page


def test_a_manager_moves_a_return_to_refunded_with_notes(client, kg_manager):
    return_request = requested(kg_delivered_order())
    for next_step, note in [("approved", "Send it to the shop"), ("received", ""), ("refund_with_delivery", "Cash")]:
        response = step(client, return_request, next_step, note)
        assert response.status_code == 302, response.content.decode()[-3000:]
    return_request.refresh_from_db()
    assert return_request.status == "refunded"
    assert return_request.refund.amount == return_request.order.total_amount
    assert return_request.refund.created_by == kg_manager
    assert list(return_request.history.values_list("status", "changed_by", "note"))[1:] == [
        ("approved", kg_manager.pk, "Send it to the shop"),
        ("received", kg_manager.pk, ""),
        ("refunded", kg_manager.pk, "Cash"),
    ]
    # The refund reads as money, as everywhere else in the admin.
    page = client.get(change_url(return_request)).content.decode()
    shown = format_money(return_request.refund.amount, "KGS")
    assert shown.endswith("som") and shown in page
    assert f"{return_request.refund.amount} KGS" not in page


def test_a_refund_sent_twice_from_a_stale_page_is_refused(client, kg_manager):
    return_request = requested(kg_delivered_order())
    services.move_return(return_request=return_request, to="approved")
    services.move_return(return_request=return_request, to="received")
    page = client.get(change_url(return_request)).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    stale = {**hidden, "next_step": "refund", "step_note": ""}
    assert client.post(change_url(return_request), stale).status_code == 302
    response = client.post(change_url(return_request), stale)
    assert response.status_code == 200  # the stale choice is no longer offered: the form says so
    assert "Select a valid choice" in response.content.decode()
    assert Refund.objects.count() == 1


def test_bulk_actions_move_and_report_refusals(client, kg_manager):
    first, second = requested(kg_delivered_order()), requested(kg_delivered_order())
    services.move_return(return_request=second, to="rejected")
    response = client.post(
        RETURNS, {"action": "approve_returns", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 return updated." in messages
    assert any("cannot go from rejected" in m for m in messages)
    assert ReturnRequest.objects.get(pk=first.pk).status == "approved"


def test_a_manager_cannot_add_or_delete_returns(client, kg_manager):
    assert client.get(reverse("admin:returns_returnrequest_add")).status_code == 403
    return_request = requested(kg_delivered_order())
    assert client.get(reverse("admin:returns_returnrequest_delete", args=[return_request.pk])).status_code == 403
