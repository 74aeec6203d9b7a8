"""A KG shopper in Chromium: sign in with the SMS code, add an address, sign out."""

import re

import pytest
from playwright.sync_api import expect

from storefront import sms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _code_sent_to(phone):
    """The code from the last SMS the console provider 'sent' to `phone`."""
    texts = [message.text for message in sms.outbox if message.phone == phone]
    assert texts, f"no SMS was sent to {phone}"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def test_kg_shopper_signs_in_with_sms_code_adds_an_address_and_signs_out(page, live_server):
    sms.outbox.clear()
    page.goto(live_server.url + "/kg/")
    page.get_by_role("link", name="Sign in").click()

    page.get_by_label("Phone number").fill("+996 700 123 456")
    page.get_by_role("button", name="Send code").click()
    page.get_by_label("6-digit code from the SMS").fill(_code_sent_to("+996700123456"))
    page.get_by_role("button", name="Sign in").click()

    # Back where the shopper started, now signed in.
    expect(page).to_have_url(re.compile(r"/kg/$"))
    expect(page.get_by_role("link", name="Account")).to_be_visible()

    page.goto(live_server.url + "/accounts/addresses/new/")
    page.get_by_label("Street").fill("Chui Avenue")
    page.get_by_label("Building").fill("120")
    page.get_by_label("City").select_option("Bishkek")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Chui Avenue", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
