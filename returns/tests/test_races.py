"""Returns sent at the same moment: a refund pressed twice at once is one refund, and two requests
for the same units at once return them once."""

import pytest

from returns import services
from returns.models import Refund, ReturnRequest
from returns.tests.factories import kg_delivered_order
from storefront.tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def attempt(action):
    def run():
        try:
            return action()
        except services.ReturnRefused:
            return "refused"

    return run


def test_a_refund_pressed_twice_at_once_is_one_refund(sms_outbox):
    order = kg_delivered_order()
    return_request = services.request_return(
        user=order.user, order=order, quantities={i.pk: i.quantity for i in order.items.all()}, reason="damaged"
    )
    services.move_return(return_request=return_request, to="approved")
    services.move_return(return_request=return_request, to="received")

    outcomes = run_at_once([attempt(lambda: services.refund_return(return_request=return_request))] * 2)

    assert sorted(isinstance(outcome, Refund) for outcome in outcomes) == [False, True]
    assert Refund.objects.count() == 1
    assert return_request.history.filter(status="refunded").count() == 1


def test_the_same_units_asked_for_twice_at_once_are_returned_once(sms_outbox):
    order = kg_delivered_order()
    line = order.items.get(quantity=2)

    def ask():
        return services.request_return(user=order.user, order=order, quantities={line.pk: 2}, reason="damaged")

    outcomes = run_at_once([attempt(ask)] * 2)

    assert outcomes.count("refused") == 1
    assert ReturnRequest.objects.count() == 1
