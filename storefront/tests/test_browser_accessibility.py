"""In Chromium: axe-core finds no WCAG 2 A/AA violation on the pages a KG shopper goes through, from
the home page to the order confirmation, on a 390 px phone and a 1440 px screen, in English, Russian
and Kyrgyz.

axe-core is pinned in theme/static_src/package.json (`npm ci` installs it, as `make test` does); the
test fails when its script is missing. `AXE_JS=/path/to/axe.min.js` points at another copy.

With `MARQUE_SCREENSHOTS=<folder>` the same run also saves full-page PNGs of home, a listing, a
product, the cart, checkout and the confirmation at both widths in every language, named
`<page>-<width>-<language>.png` (README: "Screenshots").
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from checkout.models import Cart
from checkout.orders import place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_JS = Path(os.environ.get("AXE_JS") or settings.BASE_DIR / "theme/static_src/node_modules/axe-core/axe.min.js")
SCREENSHOTS = os.environ.get("MARQUE_SCREENSHOTS", "")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HEIGHT = {390: 844, 1440: 900}
PHOTOGRAPHED = {"home", "listing", "product", "cart", "checkout", "confirmation"}

# Every page in English at both widths, Russian and Kyrgyz on a phone; with screenshots asked for,
# Russian and Kyrgyz at 1440 px too.
RUNS = [("en", 390), ("en", 1440), ("ru", 390), ("ky", 390)]
if SCREENSHOTS:
    RUNS += [("ru", 1440), ("ky", 1440)]


@pytest.fixture(autouse=True)
def _stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def shop():
    """A small KG catalog in three languages, a shopper with an address, an order just placed and
    one more shirt in the cart."""
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    men = CategoryFactory(name="Men", name_ru="Мужчинам", name_ky="Эркектерге", slug="men", market="ALL")
    shirts = SubcategoryFactory(category=men, name="Shirts", name_ru="Рубашки", name_ky="Көйнөктөр", slug="shirts")
    products = []
    for n, (name, name_ru, name_ky) in enumerate(
        [
            ("Linen Shirt", "Льняная рубашка", "Зыгыр көйнөк"),
            ("Oxford Shirt", "Оксфордская рубашка", "Оксфорд көйнөк"),
            ("Denim Overshirt", "Джинсовая рубашка", "Джинсы көйнөк"),
            ("Flannel Shirt", "Фланелевая рубашка", "Фланель көйнөк"),
        ]
    ):
        product = ProductFactory(
            name=name, name_ru=name_ru, name_ky=name_ky, slug=f"shirt-{n}", market="KG", category=men,
            subcategory=shirts, price=Decimal("2990") + n * 500,
        )  # fmt: skip
        for size in ("S", "M", "L"):
            SKUFactory(product=product, size=size, color="Sand", stock=5)
        products.append(product)
    user = KGUserFactory(full_name="Aigerim Toktogulova", language="ru")
    address = AddressFactory(user=user, street="Chui Avenue", building="120", city="Bishkek", is_default=True)
    cart, _created = Cart.objects.get_or_create(user=user, defaults={"market": user.market})
    cart.items.create(sku=products[0].skus.get(size="M"), quantity=1)
    order = place_order(user=user, address=address, payment_method="cash").order
    cart.items.create(sku=products[1].skus.get(size="L"), quantity=2)
    return {"user": user, "category": men, "product": products[0], "order": order}


def _run_axe(page):
    """axe's violations of the WCAG 2 A/AA rules on the page as it is now (axe comes in through an
    init script: the shop's Content-Security-Policy rightly refuses inline scripts)."""
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return {
                passed: results.passes.length,
                violations: results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(" ")),
                })),
            };
        }""",
        WCAG_TAGS,
    )
    assert results["passed"] > 10, "axe checked next to nothing: did the page load?"
    return results["violations"]


@pytest.mark.parametrize(("language", "width"), RUNS, ids=[f"{lang}-{width}" for lang, width in RUNS])
def test_no_wcag_violations_from_home_to_confirmation(page, live_server, browser_sign_in, shop, language, width):
    assert AXE_JS.is_file(), f"axe-core is missing at {AXE_JS}: run `npm ci` in theme/static_src (make test does)"
    page.add_init_script(path=AXE_JS)
    page.set_viewport_size({"width": width, "height": HEIGHT[width]})
    url = live_server.url
    query = f"?lang={language}"
    visitor_pages = [
        ("home", f"/kg/{query}"),
        ("listing", f"/kg/c/{shop['category'].slug}/{query}"),
        ("product", f"/kg/p/{shop['product'].slug}/{query}"),
        ("search", f"/kg/search/{query}&q=shirt"),
        ("sign-in", f"/accounts/login/{query}&next=/kg/checkout/"),
    ]
    shopper_pages = [
        ("cart", f"/kg/cart/{query}"),
        ("checkout", f"/kg/checkout/{query}"),
        ("confirmation", f"/kg/orders/{shop['order'].order_number}/confirmation/{query}"),
    ]
    found = []

    def check(name, path):
        response = page.goto(url + path)
        assert response.ok, f"{name}: {response.status} at {path}"
        assert page.locator("html").get_attribute("lang") == language, f"{name} is not in {language}"
        for violation in _run_axe(page):
            found.append(f"{name} ({path}, {width} px): {violation['id']} [{violation['impact']}] "
                         f"{violation['help']} at {violation['targets']}")  # fmt: skip
        if SCREENSHOTS and name in PHOTOGRAPHED:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / f"{name}-{width}-{language}.png", full_page=True)

    for name, path in visitor_pages:
        check(name, path)
    browser_sign_in(shop["user"])
    for name, path in shopper_pages:
        check(name, path)

    for line in found:
        print(line)
    assert not found, f"{len(found)} accessibility violation(s):\n" + "\n".join(found)
