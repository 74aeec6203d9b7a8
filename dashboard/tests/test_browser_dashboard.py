"""The dashboard in Chromium: every chart draws on its canvas, at a desk and on a phone, without
the page growing wider than the screen. Screenshots go to MARQUE_SCREENSHOTS when it is set."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import staff_in_role
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory
from checkout.models import Order
from dashboard.rollups import sweep
from dashboard.tests.conftest import days_ago, placed
from marketing.models import BannerStat
from marketing.tests.factories import BannerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def shop_history():
    shirts = CategoryFactory(name="Shirts", name_ru="Рубашки", market="KG")
    coats = CategoryFactory(name="Coats", name_ru="Пальто", market="KG")
    products = [
        SKUFactory(product=ProductFactory(market="KG", category=category, name=name), price=price, stock=stock)
        for category, name, price, stock in [
            (shirts, "Relaxed linen shirt", "2990.00", 3),
            (shirts, "Oxford shirt", "2490.00", 40),
            (coats, "Quilted jacket with a long name", "8990.00", 1),
        ]
    ]
    banner = BannerFactory(market="KG")
    statuses = [Order.Status.DELIVERED, Order.Status.SHIPPED, Order.Status.PENDING, Order.Status.CANCELLED]
    for day in range(30):
        for n in range(day % 4 + 1):
            sku = products[(day + n) % 3]
            line = {"sku": sku, "price": sku.price, "quantity": 1, "subtotal": sku.price}
            code = {"discount": Decimal("100.00"), "discount_code_text": "SPRING"} if n == 1 else {}
            placed(
                days_ago(day),
                total=str(Decimal(sku.price) - code.get("discount", 0)),
                status=statuses[n],
                items=[line],
                **code,
            )
        BannerStat.objects.create(
            banner=banner, market="KG", date=days_ago(day).date(), views=200 + day * 7, clicks=9 + day % 5
        )
    sweep()


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("width", [1440, 390])
def test_charts_draw_without_overflow(page, live_server, browser_sign_in, shop_history, width, language):
    browser_sign_in(staff_in_role(MARKET_MANAGER, "KG", language=language))
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}])
    page.set_viewport_size({"width": width, "height": 900})
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(live_server.url + "/admin/dashboard/?days=30")

    page.wait_for_selector(".sales-chart.is-drawn")
    drawn = page.locator(".sales-chart.is-drawn canvas")
    assert drawn.count() == page.locator("canvas[data-table]").count() == 7
    box = drawn.first.bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    assert page.evaluate(OVERFLOW) <= 0
    assert errors == []  # no CSP refusal, no script error
    # Orders are counted in whole numbers: the orders axis says 1, 2, 3, never 0.5.
    order_ticks = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('canvas[data-table]')).scales.y1.ticks.map(t => t.value)"
    )
    assert order_ticks and all(value == int(value) for value in order_ticks), order_ticks
    if os.environ.get("MARQUE_SCREENSHOTS"):
        folder = Path(os.environ["MARQUE_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"dashboard-{width}-{language}.png"), full_page=True)
        page.goto(live_server.url + "/admin/")
        page.screenshot(path=str(folder / f"admin-index-{width}-{language}.png"))
