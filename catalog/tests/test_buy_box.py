"""The product page's buy box kept for what it shows (catalog.fragments.render_buy_box): the same HTML
as rendered afresh from the page's own context, rendered once per pick and stock, each shopper's own
wishlist heart, CSRF token and return path in it, and stock taken by an order shown at once."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.test.signals import template_rendered

from accounts.tests.factories import KGUserFactory
from catalog import fragments
from catalog.models import SKU, Wishlist
from catalog.tests.conftest import TOKEN
from catalog.tests.factories import ProductFactory, SKUFactory
from promotions.tests.factories import SaleFactory

pytestmark = pytest.mark.django_db

BUY_BOX = re.compile(r'<div id="product-buy-box".*?<ul id="product-promise".*?</ul>\s*</div>', re.S)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tee(db):
    """A tee sold everywhere: S and M in Navy and Sand, M/Sand sold out, M/Navy nearly."""
    product = ProductFactory(slug="tee", name="Pocket Tee", name_ru="Футболка с карманом", market="ALL", price="25.00")
    SKUFactory(product=product, size="S", color="Navy", color_hex="#1f2a44", stock=9)
    SKUFactory(product=product, size="M", color="Navy", color_hex="#1f2a44", stock=2)
    SKUFactory(product=product, size="S", color="Sand", color_hex="#d8c8a8", stock=9)
    SKUFactory(product=product, size="M", color="Sand", color_hex="#d8c8a8", stock=0)
    return product


def buy_box_of(html):
    found = BUY_BOX.findall(html)
    assert len(found) == 1, "one buy box on the page"
    return found[0]


def rendered_afresh(client, url, **headers):
    """(the page's buy box, the buy box its template renders from the page's own context with
    nothing kept, through `{% include %}` as before it was kept)."""
    seen = []

    def remember(sender, template, context, **kwargs):
        if template.name in ("catalog/product_detail.html", "product-buy-box"):  # the page, its HTMX partial
            seen.append(context.flatten())

    template_rendered.connect(remember)
    try:
        response = client.get(url, **headers)
    finally:
        template_rendered.disconnect(remember)
    assert response.status_code == 200
    context, request = seen[0], seen[0]["request"]

    def render(source, values):
        return engines["django"].from_string(source).render(values, request)

    own = {
        "wishlist_button": render('{% include "catalog/_wishlist_button.html" %}', context),
        "stock_alert": render('{% include "alerts/_stock_alert.html" %}', context),
    }
    afresh = render('{% include "catalog/_buy_box.html" %}', {**context, **own})
    return buy_box_of(response.content.decode()), buy_box_of(afresh)


def buy_boxes_rendered(client, url, **headers):
    # The test client lists every template a response rendered, the kept pieces' own among them.
    return [template.name for template in client.get(url, **headers).templates].count(fragments.BUY_BOX_TEMPLATE)


@pytest.mark.parametrize(
    "query",
    ["", "?size=S", "?size=M&color=Navy", "?size=M&color=Sand", "?size=S&color=Navy&utm=%22%3E%3Cb%3E"],
)
def test_a_kept_buy_box_is_the_buy_box_rendered_afresh(client, tee, query):
    url = f"/kg/p/tee/{query}"
    client.get(url)  # keeps this buy box

    kept, fresh = rendered_afresh(client, url)

    assert kept == fresh
    assert "\ue000" not in kept


def test_the_htmx_pick_and_a_russian_shopper_on_a_sale_get_the_buy_box_rendered_afresh(client, tee):
    SaleFactory(market="KG", name="Winter sale", name_ru="Зимняя распродажа").products.add(tee)
    shopper = KGUserFactory(language="ru")
    client.force_login(shopper)
    Wishlist.objects.create(user=shopper).items.create(product=tee)
    url = "/kg/p/tee/?size=M&color=Navy"
    client.get(url)
    client.get(url, **HTMX)

    page, page_afresh = rendered_afresh(client, url)
    partial, partial_afresh = rendered_afresh(client, url, **HTMX)

    assert page == page_afresh and partial == partial_afresh
    assert "Зимняя распродажа" in page and "−20%" in page
    assert 'aria-pressed="true"' in page


def test_the_second_page_of_a_pick_renders_no_buy_box_but_a_new_pick_does(client, tee):
    assert buy_boxes_rendered(client, "/kg/p/tee/?size=S") == 1
    assert buy_boxes_rendered(client, "/kg/p/tee/?size=S") == 0
    assert buy_boxes_rendered(client, "/kg/p/tee/?size=S", **HTMX) == 0  # the HTMX pick shows the same box
    assert buy_boxes_rendered(client, "/kg/p/tee/?size=M") == 1


def test_each_shopper_gets_their_own_heart_token_and_return_path(tee):
    fond, other = KGUserFactory(), KGUserFactory()
    Wishlist.objects.create(user=fond).items.create(product=tee)
    clients = {}
    for name, user in (("fond", fond), ("other", other), ("visitor", None)):
        clients[name] = Client()
        clients[name].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user:
            clients[name].force_login(user)

    boxes = {
        name: buy_box_of(client.get(f"/kg/p/tee/?size=S&color=Navy&from={name}").content.decode())
        for name, client in clients.items()
    }

    assert 'aria-pressed="true"' in boxes["fond"]
    assert 'aria-pressed="false"' in boxes["other"] and 'aria-pressed="false"' in boxes["visitor"]
    for name, box in boxes.items():
        tokens = set(TOKEN.findall(box))
        assert len(tokens) == 1, tokens  # the add-to-cart form's and the heart's: the page's own
        assert f"from={name}" in box and "\ue000" not in box
    assert len({TOKEN.search(box).group(1) for box in boxes.values()}) == 3


def test_stock_taken_by_an_order_shows_at_once(client, tee):
    url = "/kg/p/tee/?size=S&color=Navy"
    assert 'max="9"' in buy_box_of(client.get(url).content.decode())

    SKU.objects.filter(product=tee, size="S", color="Navy").update(stock=3)  # no signal, as an order takes it
    box = buy_box_of(client.get(url).content.decode())
    assert 'max="3"' in box and "Only 3 left" in box

    SKU.objects.filter(product=tee, size="S", color="Navy").update(stock=0)
    box = buy_box_of(client.get(url).content.decode())
    assert 'id="add-to-cart"' not in box and "Out of stock" in box


def test_a_new_price_shows_on_the_next_page(client, tee, django_capture_on_commit_callbacks):
    url = "/kg/p/tee/?size=S&color=Navy"
    before = buy_box_of(client.get(url).content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        for sku in SKU.objects.filter(product=tee):
            sku.price = Decimal("40.00")
            sku.save()

    after = buy_box_of(client.get(url).content.decode())
    assert after != before
    assert re.search(r'id="product-price">\s*<span[^>]*>([^<]*)<', after).group(1) != re.search(
        r'id="product-price">\s*<span[^>]*>([^<]*)<', before
    ).group(1)


def own_parts_rendered(client, url):
    names = [template.name for template in client.get(url).templates]
    return sorted(name for name in names if name in fragments.OWN_PARTS.values())


def test_a_visitor_gets_everyones_heart_and_alert_kept_in_the_box_and_a_fond_shopper_their_own(client, tee):
    url = "/kg/p/tee/?size=M&color=Sand"  # sold out: the box holds the alert's form
    assert own_parts_rendered(client, url) == sorted(fragments.OWN_PARTS.values())  # rendered with the box
    assert own_parts_rendered(client, url) == []  # kept with it

    fond = KGUserFactory()
    Wishlist.objects.create(user=fond).items.create(product=tee)
    client.force_login(fond)
    assert own_parts_rendered(client, url) == sorted(fragments.OWN_PARTS.values())
    assert own_parts_rendered(client, url) == sorted(fragments.OWN_PARTS.values())  # theirs, on every page


def test_a_variant_sold_out_without_a_signal_is_in_everyones_alert_at_once(client, tee):
    box = buy_box_of(client.get("/kg/p/tee/").content.decode())
    assert "M · Sand is sold out" in box and "S · Navy" not in box

    SKU.objects.filter(product=tee, size="S", color="Navy").update(stock=0)  # as an order takes it
    box = buy_box_of(client.get("/kg/p/tee/").content.decode())

    navy = SKU.objects.get(product=tee, size="S", color="Navy")
    assert f'<option value="{navy.pk}">S · Navy</option>' in box
