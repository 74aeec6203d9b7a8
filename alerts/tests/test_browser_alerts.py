"""A shopper asks to hear when a sold-out size is back, and stops it, without leaving the page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import KGUserFactory
from alerts.models import StockAlert
from catalog.tests.factories import ProductFactory, SKUFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_shopper_asks_for_a_sold_out_size_and_stops_the_alert(page, live_server, browser_sign_in):
    shirt = ProductFactory(slug="oxford", name="Oxford", market="KG", price=Decimal("2990"))
    SKUFactory(product=shirt, size="S", color="Blue", stock=4)
    medium = SKUFactory(product=shirt, size="M", color="Blue", stock=0)
    shopper = KGUserFactory(language="en")
    browser_sign_in(shopper)

    page.goto(live_server.url + "/kg/p/oxford/?size=M&color=Blue")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Tell me when it's back").click()
    expect(page.locator("#stock-alert")).to_contain_text("We will text you when M · Blue is back in stock.")
    assert StockAlert.objects.filter(user=shopper, sku=medium).count() == 1

    # Coming back to the page, the shopper is told they are waiting, not asked again.
    page.reload()
    expect(page.locator("#stock-alert")).to_contain_text("We will text you when M · Blue is back in stock.")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Stop the back-in-stock alert").click()
    expect(page.locator("#stock-alert")).to_contain_text("The back-in-stock alert is stopped.")
    assert page.evaluate("window.__noReload === true")
    assert not StockAlert.objects.exists()
