"""The shopper's alerts page in Chromium: a keyboard user stops an alert and keeps their place."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import KGUserFactory
from alerts.models import StockAlert
from catalog.tests.factories import ProductFactory, SKUFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_stopping_an_alert_from_the_keyboard_moves_focus_to_what_happened(page, live_server, browser_sign_in):
    shopper = KGUserFactory()
    for name in ("Linen Shirt", "Wool Coat"):
        sku = SKUFactory(product=ProductFactory(name=name, market="KG"), size="M", color="Navy", stock=0)
        StockAlert.objects.create(user=shopper, sku=sku)
    browser_sign_in(shopper)
    page.goto(live_server.url + "/accounts/alerts/")
    page.evaluate("window.__noReload = true")

    page.get_by_role("button", name=re.compile(r"^Stop the alert\W+Wool Coat, M · Navy$")).focus()
    page.keyboard.press("Enter")

    notice = page.locator('#alert-list [role="status"]')
    expect(notice).to_have_text("The alert for Wool Coat is stopped.")
    expect(notice).to_be_focused()
    expect(page.get_by_test_id("waiting-alert")).to_have_count(1)
    assert page.evaluate("window.__noReload === true"), "stopping the alert reloaded the page"
    page.keyboard.press("Tab")  # on from the notice: the alert left, not the top of the page
    expect(page.get_by_role("link", name="Linen Shirt")).to_be_focused()
