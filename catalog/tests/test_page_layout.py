"""The header and footer kept in the process (storefront.layout): the same HTML as rendered afresh,
each page's own path, search words and CSRF token in it, each shopper's own counts, and a changed
category menu shown on the next page."""

import re

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.test.signals import template_rendered

from accounts.tests.factories import KGUserFactory
from catalog.models import SKU, Category
from catalog.tests.conftest import TOKEN
from catalog.tests.factories import CategoryFactory
from storefront import layout

pytestmark = pytest.mark.django_db

HEADER = re.compile(r"<header.*?</header>", re.S)
FOOTER = re.compile(r"<footer.*?</footer>", re.S)
CART_COUNT = re.compile(r'id="cart-badge"[^>]*data-count="(\d+)"')


def header_of(response):
    found = HEADER.findall(response.content.decode())
    assert len(found) == 1
    return found[0]


def rendered_afresh(client, url):
    """The header of `url` as the template renders it, with nothing kept: the page's own context
    through `{% include %}` in place of `{% site_header %}`."""
    seen = []

    def remember(sender, template, context, **kwargs):
        if template.name == "base.html":
            seen.append(context.flatten())

    template_rendered.connect(remember)
    try:
        response = client.get(url)
    finally:
        template_rendered.disconnect(remember)
    include = engines["django"].from_string('{% include "storefront/_header.html" %}')
    context = seen[0]
    return header_of(response), HEADER.search(include.render(context, context["request"])).group(0)


def headers_rendered(client, url):
    """How many times `url`'s response rendered the header template."""
    # The test client lists every template a response rendered, the kept header's among them.
    return [template.name for template in client.get(url).templates].count(layout.HEADER_TEMPLATE)


@pytest.mark.parametrize(
    "url",
    ["/kg/", "/kg/c/men/", "/kg/search/?q=%22%3E%3Cb%3Eoxford", "/us/products/?sort=price_asc&page=1", "/kg/cart/"],
)
def test_a_kept_header_is_the_header_rendered_afresh(client, wardrobe, url):
    client.get(url)  # keeps this header

    kept, fresh = rendered_afresh(client, url)

    assert kept == fresh
    assert "\ue000" not in kept and "%EE%80%80" not in kept


def test_the_kept_header_is_the_afresh_one_for_a_signed_in_shopper_in_russian(client, wardrobe):
    client.force_login(KGUserFactory(language="ru"))
    client.post("/kg/cart/add/", {"sku": SKU.objects.filter(stock__gt=0).first().pk, "quantity": "2"})
    client.get("/kg/c/men/")

    kept, fresh = rendered_afresh(client, "/kg/c/men/?sort=new")

    assert kept == fresh
    assert CART_COUNT.findall(kept) == ["2"] and "Корзина" in kept  # the cart's count, in Russian
    assert 'id="unread-badge"' in kept


def test_the_second_page_renders_no_header_and_puts_in_its_own_path_and_token(client, wardrobe):
    assert headers_rendered(client, "/kg/c/men/") == 1
    assert headers_rendered(client, "/kg/c/men/shirts/") == 0

    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header = header_of(other.get("/kg/c/men/shirts/?sort=new&size=M"))

    assert 'name="next" value="/kg/c/men/shirts/?sort=new&amp;size=M"' in header
    assert "?next=/kg/c/men/shirts/%3Fsort%3Dnew%26size%3DM" in header
    page_token = set(TOKEN.findall(header))
    assert len(page_token) == 1 and page_token != set(TOKEN.findall(header_of(client.get("/kg/c/men/shirts/"))))


def test_search_words_are_escaped_and_never_read_as_a_stand_in(client, wardrobe):
    client.get("/kg/search/", {"q": "oxford"})
    words = '"><script>alert(1)</script> \ue000next\ue000 %EE%80%80csrf%EE%80%80'

    header = header_of(client.get("/kg/search/", {"q": words}))

    assert "<script>alert(1)" not in header
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;' in header
    assert "\ue000next\ue000 %EE%80%80csrf%EE%80%80" in header  # the words, as typed, not the path or token


def test_stand_ins_are_filled_in_both_forms_and_no_value_put_in_is_read_again():
    html = (
        f'<a href="/signin/?next={layout.QUOTED_NEXT_STAND_IN}">{layout.NEXT_STAND_IN}</a>'
        f"{layout.CSRF_STAND_IN} \ue000unknown\ue000 %EE%80%80unknown%EE%80%80"
    )
    path = f"/kg/search/?q={layout.QUOTED_NEXT_STAND_IN}{layout.CSRF_STAND_IN}"

    filled = layout.fill_in(
        html,
        {
            layout.NEXT_STAND_IN: path,
            layout.QUOTED_NEXT_STAND_IN: "%2Fkg%2F",
            layout.CSRF_STAND_IN: layout.NEXT_STAND_IN,
        },
    )

    assert filled == (
        f'<a href="/signin/?next=%2Fkg%2F">{path}</a>{layout.NEXT_STAND_IN} '
        "\ue000unknown\ue000 %EE%80%80unknown%EE%80%80"
    )


def test_no_shopper_gets_another_ones_counts_or_account_links(client, wardrobe):
    shopper = Client()
    shopper.force_login(KGUserFactory())
    shopper.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    shopper.post("/kg/cart/add/", {"sku": SKU.objects.filter(stock__gt=0).first().pk, "quantity": "3"})
    assert CART_COUNT.findall(header_of(shopper.get("/kg/c/men/"))) == ["3"]

    another = Client()
    another.force_login(KGUserFactory())
    another.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert CART_COUNT.findall(header_of(another.get("/kg/c/men/"))) == ["0"]
    visitor = header_of(client.get("/kg/c/men/"))

    assert CART_COUNT.findall(visitor) == ["0"]
    assert ">Sign in<" in visitor and 'id="unread-badge"' not in visitor


def test_a_new_category_is_in_the_menu_of_the_next_page(client, wardrobe, django_capture_on_commit_callbacks):
    assert ">Women<" not in header_of(client.get("/kg/"))

    with django_capture_on_commit_callbacks(execute=True):
        CategoryFactory(name="Women", slug="women")

    assert ">Women<" in header_of(client.get("/kg/"))


def test_the_footer_is_kept_for_each_market_and_language(client, wardrobe):
    kg = FOOTER.findall(client.get("/kg/").content.decode())[0]
    us = FOOTER.findall(client.get("/us/").content.decode())[0]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    kg_ru = FOOTER.findall(client.get("/kg/c/men/").content.decode())[0]

    assert "Cash on delivery" in kg and "Cash on delivery" not in us
    assert "/kg/help/" in kg and "/us/help/" in us
    assert kg_ru != kg and "Помощь" in kg_ru
    assert Category.objects.exists()
