"""The product page's "Tell me when it's back": HTMX and plain POSTs, sign-in, CSRF, ownership, query budget."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import KGUserFactory
from alerts.models import StockAlert
from catalog.tests.factories import ProductFactory, SKUFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ADD, REMOVE = "/kg/alerts/add/", "/kg/alerts/remove/"


def test_the_product_page_offers_an_alert_for_the_sold_out_size(client, shirt, sold_out):
    html = client.get("/kg/p/oxford/").text
    assert 'id="stock-alert"' in html and "Tell me when it" in html
    assert f'name="sku" value="{sold_out.pk}"' in html and "M · Blue is sold out." in html
    large = SKUFactory(product=shirt, size="L", color="Blue", stock=0)
    cache.clear()
    html = client.get("/kg/p/oxford/").text
    assert f'<option value="{sold_out.pk}">M · Blue</option><option value="{large.pk}">L · Blue</option>' in html
    assert '<label for="stock-alert-sku"' in html
    picked = client.get("/kg/p/oxford/?size=M&color=Blue", **HTMX).text
    assert f'name="sku" value="{sold_out.pk}"' in picked and "M · Blue is sold out." in picked


def test_no_alert_while_every_size_is_in_stock_or_an_in_stock_one_is_picked(client, sold_out, in_stock):
    assert 'id="stock-alert"' not in client.get("/kg/p/oxford/?size=S&color=Blue").text
    in_stock_only = ProductFactory(slug="tee", market="KG")
    SKUFactory(product=in_stock_only, stock=3)
    assert 'id="stock-alert"' not in client.get("/kg/p/tee/").text


def test_a_visitor_is_asked_to_sign_in(client, sold_out):
    response = client.post(ADD, {"sku": sold_out.pk, "next": "/kg/p/oxford/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    htmx = client.post(ADD, {"sku": sold_out.pk}, **HTMX)
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith("/accounts/login/?next=")
    assert not StockAlert.objects.exists()


def test_a_shopper_asks_with_htmx_and_gets_the_fragment_asking_twice_keeps_one(client, signed_in, sold_out):
    response = client.post(ADD, {"sku": sold_out.pk, "next": "/kg/p/oxford/"}, **HTMX)
    assert response.status_code == 200 and response.text.lstrip().startswith('<div id="stock-alert"')
    assert "We will text you when M · Blue is back in stock." in response.text
    assert "Stop the back-in-stock alert" in response.text and "<html" not in response.text
    client.post(ADD, {"sku": sold_out.pk}, **HTMX)
    assert StockAlert.objects.filter(user=signed_in, sku=sold_out).count() == 1


def test_without_javascript_the_post_redirects_back_with_a_message(client, signed_in, sold_out):
    response = client.post(ADD, {"sku": sold_out.pk, "next": "/kg/p/oxford/?size=M"}, follow=True)
    assert response.redirect_chain == [("/kg/p/oxford/?size=M", 302)]
    assert "We will text you when it is back in stock." in response.text
    removed = client.post(REMOVE, {"sku": sold_out.pk, "next": "/kg/p/oxford/"}, follow=True)
    assert "The back-in-stock alert is stopped." in removed.text and not StockAlert.objects.exists()


def test_removing_leaves_other_shoppers_alerts(client, signed_in, sold_out):
    other = StockAlert.objects.create(user=KGUserFactory(), sku=sold_out)
    response = client.post(REMOVE, {"sku": sold_out.pk}, **HTMX)
    assert response.status_code == 200 and "There was no alert for this size." in response.text
    assert list(StockAlert.objects.all()) == [other]


def test_a_shopper_who_asked_is_told_so_on_the_page_and_in_a_pick_and_nobody_else_is(client, signed_in, sold_out):
    client.post(ADD, {"sku": sold_out.pk}, **HTMX)
    told = "We will text you when M · Blue is back in stock."

    for html in (client.get("/kg/p/oxford/").text, client.get("/kg/p/oxford/?size=M&color=Blue", **HTMX).text):
        assert told in html and "Stop the back-in-stock alert" in html and "Tell me when it" not in html
        assert f'name="sku" value="{sold_out.pk}"' in html

    visitor, other = Client(), Client()
    other.force_login(KGUserFactory())
    for someone_else in (visitor, other):
        someone_else.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for page in (visitor.get("/kg/p/oxford/").text, other.get("/kg/p/oxford/").text):
        assert "Tell me when it" in page and told not in page and "Stop the back-in-stock alert" not in page

    client.post(REMOVE, {"sku": sold_out.pk}, **HTMX)
    html = client.get("/kg/p/oxford/").text
    assert "Tell me when it" in html and told not in html


def test_a_shopper_waiting_for_one_sold_out_size_is_offered_the_others(client, signed_in, shirt, sold_out):
    large = SKUFactory(product=shirt, sku_code="OX-L", size="L", color="Blue", stock=0)
    told = StockAlert.objects.create(user=signed_in, sku=sold_out, notified_at=None)

    html = client.get("/kg/p/oxford/").text
    assert "We will text you when M · Blue is back in stock." in html
    assert f'name="sku" value="{large.pk}"' in html and "L · Blue is sold out." in html
    assert f'value="{sold_out.pk}"' not in html

    told.delete()
    StockAlert.objects.create(user=signed_in, sku=large, notified_at=timezone.now())  # told already: not waiting
    html = client.get("/kg/p/oxford/").text
    assert f'<option value="{sold_out.pk}">M · Blue</option><option value="{large.pk}">L · Blue</option>' in html


def test_a_shopper_waiting_for_every_sold_out_size_is_told_of_each_and_may_stop_any(client, signed_in, shirt, sold_out):
    large = SKUFactory(product=shirt, sku_code="OX-L", size="L", color="Blue", stock=0)
    for sku in (sold_out, large):
        StockAlert.objects.create(user=signed_in, sku=sku)

    html = client.get("/kg/p/oxford/").text
    assert "We will text you as each of these is back in stock: M · Blue, L · Blue." in html
    assert '<label for="stock-alert-stop"' in html and "Tell me when it" not in html
    assert f'<option value="{sold_out.pk}">M · Blue</option><option value="{large.pk}">L · Blue</option>' in html

    client.post(REMOVE, {"sku": large.pk, "next": "/kg/p/oxford/"})
    assert list(StockAlert.objects.values_list("sku_id", flat=True)) == [sold_out.pk]
    html = client.get("/kg/p/oxford/").text
    assert "We will text you when M · Blue is back in stock." in html and "L · Blue is sold out." in html
    assert 'id="stock-alert-stop"' not in html


def test_a_shoppers_page_costs_one_query_more_only_while_a_size_is_sold_out(client, signed_in, sold_out, in_stock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    in_stock_pick = queries("/kg/p/oxford/?size=S&color=Blue")
    assert queries("/kg/p/oxford/") == in_stock_pick + 1
    assert Client().get("/kg/p/oxford/").status_code == 200


@pytest.mark.parametrize("sku", ["", "abc", "999999", "-1"])
def test_a_bad_or_unknown_sku_is_a_404(client, signed_in, sold_out, sku):
    assert client.post(ADD, {"sku": sku}).status_code == 404
    assert client.post(REMOVE, {"sku": sku}).status_code == 404


def test_an_in_stock_size_is_refused_in_words(client, signed_in, in_stock):
    response = client.post(ADD, {"sku": in_stock.pk}, **HTMX)
    assert response.status_code == 200 and "This size is in stock" in response.text
    assert not StockAlert.objects.exists()


def test_another_markets_sku_is_a_404(client, signed_in):
    us_sku = SKUFactory(product=ProductFactory(market="US"), stock=0)
    assert client.post(ADD, {"sku": us_sku.pk}).status_code == 404


def test_posts_need_the_csrf_token_and_gets_are_refused(signed_in, sold_out, client):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(signed_in)
    assert strict.post(ADD, {"sku": sold_out.pk}).status_code == 403
    assert client.get(ADD).status_code == 405
    assert not StockAlert.objects.exists()


def test_the_product_page_costs_no_more_queries_with_the_alert(client, sold_out, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plain = ProductFactory(slug="tee", market="KG", price=sold_out.price)
    SKUFactory(product=plain, size="S", color="Blue", stock=4)
    SKUFactory(product=plain, size="M", color="Blue", stock=4)
    counts = {}
    for slug in ("tee", "oxford"):
        client.get(f"/kg/p/{slug}/")  # warm the per-process caches
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/kg/p/{slug}/").status_code == 200
        counts[slug] = len(queries)
    assert counts["oxford"] == counts["tee"]


def test_the_alert_fragment_stays_within_its_query_budget(client, signed_in, sold_out, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.post(ADD, {"sku": sold_out.pk}, **HTMX).status_code == 200
