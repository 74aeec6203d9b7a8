"""Help pages: the market's own page of a kind over the one for all markets, the shopper's language,
plain text only, the footer's links on every page, query budgets."""

import re

import pytest

from help.models import HelpPage
from help.tests.factories import HelpPageFactory

pytestmark = pytest.mark.django_db


def test_help_page_shows_the_page_written_for_all_markets(client):
    HelpPageFactory(kind="returns", title="Returns", body="Within 14 days.\n\nUnworn, with tags.")
    response = client.get("/kg/help/returns/")
    assert response.status_code == 200
    assert "<h1" in response.text and "Returns</h1>" in response.text
    assert "<p>Within 14 days.</p>" in response.text and "<p>Unworn, with tags.</p>" in response.text


def test_a_markets_own_page_replaces_the_one_for_all_markets(client):
    HelpPageFactory(market="ALL", title="Delivery everywhere", body="Generic.")
    HelpPageFactory(market="KG", title="Delivery in Kyrgyzstan", body="Bishkek in 1–2 days.")
    HelpPageFactory(market="US", title="Shipping", body="3–7 business days.")
    kg = client.get("/kg/help/delivery/").text
    us = client.get("/us/help/delivery/").text
    assert "Bishkek in 1–2 days." in kg and "Generic." not in kg and "3–7 business days" not in kg
    assert "3–7 business days." in us and "Bishkek" not in us


def test_another_markets_page_is_a_404(client):
    HelpPageFactory(market="US", kind="payment", title="Cards", body="Stripe.")
    assert client.get("/kg/help/payment/").status_code == 404
    assert client.get("/us/help/payment/").status_code == 200


def test_hidden_and_missing_pages_are_a_404(client):
    HelpPageFactory(is_active=False)
    assert client.get("/kg/help/delivery/").status_code == 404
    assert client.get("/kg/help/no-such-page/").status_code == 404


def test_a_page_is_shown_in_the_shoppers_language_with_english_where_none_was_written(client):
    HelpPageFactory(title_ky="", body_ky="")
    ru = client.get("/kg/help/delivery/?lang=ru").text
    ky = client.get("/kg/help/delivery/?lang=ky").text
    assert "Доставка</h1>" in ru and "Доставляем везде." in ru
    assert "Delivery</h1>" in ky and "We deliver everywhere." in ky


def test_the_footer_links_by_kind_and_reach_a_page_at_another_slug(client):
    HelpPageFactory(kind="contact", slug="contact-us", title="Contact us", body="Call us.")
    response = client.get("/kg/help/contact/")
    assert response.status_code == 302 and response["Location"] == "/kg/help/contact-us/"
    assert client.get(response["Location"]).status_code == 200


def test_the_body_is_plain_text_never_html(client):
    HelpPageFactory(body='<script>alert("x")</script>\n\nWrite to help@marque.kg or see https://example.com')
    html = client.get("/kg/help/delivery/").text
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<a href="mailto:help@marque.kg">help@marque.kg</a>' in html
    assert 'href="https://example.com"' in html


def test_help_index_lists_the_markets_pages_in_the_footers_order(client):
    HelpPageFactory(kind="privacy", title="Privacy", market="ALL")
    HelpPageFactory(kind="contact", title="Contact us", market="KG")
    HelpPageFactory(kind="payment", title="Cards", market="US")
    html = client.get("/kg/help/").text
    titles = re.findall(r'<span class="font-medium">([^<]+)</span>', html)
    assert titles == ["Contact us", "Privacy"]


@pytest.mark.parametrize(
    ("market", "payments"),
    [("kg", ["Cash on delivery", "Bank transfer"]), ("us", ["Card"])],
)
def test_every_page_has_the_footers_help_links_and_the_markets_ways_to_pay(client, market, payments):
    html = client.get(f"/{market}/").text
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    for kind in HelpPage.Kind.values:
        assert f'href="/{market}/help/{kind}/"' in footer
    for label in ("Contact us", "Delivery", "Returns", "Payment methods", "Privacy"):
        assert f">{label}</a>" in footer
    assert re.findall(r'<li class="rounded border[^"]*">([^<]+)</li>', footer) == payments


def test_the_footer_is_translated(client):
    footer = re.search(r"<footer.*?</footer>", client.get("/kg/?lang=ky").text, re.S).group(0)
    assert ">Жеткирүү</a>" in footer and ">Кайтаруу</a>" in footer and ">Алганда накталай төлөө</li>" in footer


@pytest.mark.parametrize("url", ["/kg/help/delivery/", "/kg/help/"])
def test_help_pages_have_a_query_budget(client, django_assert_max_num_queries, url):
    for kind in HelpPage.Kind.values:
        HelpPageFactory(kind=kind, market="ALL")
        HelpPageFactory(kind=kind, market="KG")
    client.get(url)  # warm the menu cache, as a running shop has it
    with django_assert_max_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
