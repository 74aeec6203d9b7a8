"""A KG shopper on a 390 px phone asks to return part of a delivered order: the button on the order
page, the form with a quantity per line and a reason, and the return's page with its status."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import KGUserFactory
from returns.models import ReturnRequest
from returns.tests.factories import kg_delivered_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_a_kg_shopper_requests_a_return_at_390px(page, live_server, browser_sign_in, settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""
    order = kg_delivered_order(user=KGUserFactory(full_name="Aigerim Toktogulova"))
    scarf = order.items.get(price=Decimal("750.00"))
    browser_sign_in(order.user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kg/orders/{order.order_number}/?lang=en")

    request_return = page.get_by_role("link", name="Request a return")
    expect(request_return).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    request_return.click()

    expect(page).to_have_url(re.compile(rf"/kg/orders/{order.order_number}/return/$"))
    expect(page.get_by_test_id("return-line")).to_have_count(2)
    assert page.evaluate(OVERFLOW) <= 0
    # Nothing chosen: the form says so and keeps the page.
    page.get_by_label("Reason").select_option("wrong_size")
    page.get_by_role("button", name="Send return request").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Choose at least one item to return.")

    page.get_by_label(f"Units of {scarf.product_name} to return").fill("1")
    page.get_by_label("Reason").select_option("wrong_size")
    page.get_by_label("Note (optional)").fill("Runs small")
    send = page.get_by_role("button", name="Send return request")
    assert send.bounding_box()["height"] >= 44
    send.click()

    return_request = ReturnRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/kg/returns/{return_request.pk}/$"))
    expect(page.get_by_test_id("return-status")).to_have_text("Requested")
    expect(page.get_by_test_id("return-item")).to_have_count(1)
    expect(page.get_by_test_id("return-item")).to_contain_text("× 1")
    assert page.evaluate(OVERFLOW) <= 0
    assert list(return_request.items.values_list("order_item", "quantity")) == [(scarf.pk, 1)]
    assert (return_request.reason, return_request.note) == ("wrong_size", "Runs small")

    page.get_by_role("link", name="Back to the order").click()
    expect(page.get_by_test_id("order-return")).to_contain_text("Requested")
