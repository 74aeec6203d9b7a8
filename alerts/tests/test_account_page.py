"""The shopper's alerts among their account pages: what waits and what came back, stopping one
(HTMX and plain POST), ownership, CSRF and the query budget."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import KGUserFactory
from alerts.models import StockAlert
from catalog.tests.factories import ProductFactory, SKUFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/alerts/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def stop_url(alert):
    return f"/accounts/alerts/{alert.pk}/stop/"


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_page_lists_what_waits_and_what_came_back_and_nobody_elses(client, signed_in, shirt, sold_out):
    waiting = StockAlert.objects.create(user=signed_in, sku=sold_out)
    large = SKUFactory(product=shirt, sku_code="OX-L", size="L", color="Blue", stock=3)
    StockAlert.objects.create(user=signed_in, sku=large, notified_at=timezone.now())
    someone_elses = SKUFactory(product=ProductFactory(name="Parka", market="KG"), stock=0)
    StockAlert.objects.create(user=KGUserFactory(), sku=someone_elses)

    response = client.get(PAGE)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    html = response.text
    assert html.count('data-testid="waiting-alert"') == 1 and html.count('data-testid="told-alert"') == 1
    assert "M · Blue" in html and "L · Blue" in html and "Parka" not in html
    assert 'href="/kg/p/oxford/?size=M&amp;color=Blue"' in html
    assert 'href="/kg/p/oxford/?size=L&amp;color=Blue"' in html
    assert f'action="{stop_url(waiting)}"' in html and html.count("/stop/") == 2  # action and hx-post, once
    assert 'Stop the alert<span class="sr-only">: Oxford, M · Blue</span>' in html
    assert "Asked on" in html and "Back since" in html and "Shop it" in html
    assert 'aria-current="page">Back-in-stock alerts</a>' in html


def test_with_nothing_waiting_the_page_says_how_to_ask(client, signed_in):
    html = client.get(PAGE).text
    assert "No alerts are waiting." in html and 'data-testid="told-alert"' not in html


def test_stopping_with_htmx_answers_the_list_without_it(client, signed_in, sold_out, shirt):
    stopped = StockAlert.objects.create(user=signed_in, sku=sold_out)
    kept = StockAlert.objects.create(user=signed_in, sku=SKUFactory(product=shirt, size="XL", stock=0))
    response = client.post(stop_url(stopped), **HTMX)
    assert response.status_code == 200 and response.text.lstrip().startswith('<div id="alert-list"')
    assert "<html" not in response.text and "The alert for Oxford is stopped." in response.text
    assert response.text.count('data-testid="waiting-alert"') == 1
    assert list(StockAlert.objects.all()) == [kept]


def test_stopping_without_javascript_redirects_with_a_message(client, signed_in, sold_out):
    alert = StockAlert.objects.create(user=signed_in, sku=sold_out)
    response = client.post(stop_url(alert))
    assert response.status_code == 302 and response["Location"] == PAGE
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The alert for Oxford is stopped."]
    assert not StockAlert.objects.exists()


def test_another_shoppers_alert_a_told_one_or_an_unknown_one_is_a_404(client, signed_in, sold_out, in_stock):
    someone_elses = StockAlert.objects.create(user=KGUserFactory(), sku=sold_out)
    told = StockAlert.objects.create(user=signed_in, sku=in_stock, notified_at=timezone.now())
    for alert in (someone_elses, told):
        assert client.post(stop_url(alert)).status_code == 404
        assert client.post(stop_url(alert), **HTMX).status_code == 404
    assert client.post("/accounts/alerts/999999/stop/").status_code == 404
    assert StockAlert.objects.count() == 2


def test_stopping_needs_a_post_with_the_csrf_token_and_a_shopper(signed_in, sold_out, client):
    alert = StockAlert.objects.create(user=signed_in, sku=sold_out)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(signed_in)
    assert strict.post(stop_url(alert)).status_code == 403
    assert client.get(stop_url(alert)).status_code == 405
    visitor = Client().post(stop_url(alert))
    assert visitor.status_code == 302 and visitor["Location"].startswith("/accounts/login/")
    assert StockAlert.objects.filter(pk=alert.pk).exists()


def test_the_page_and_its_partial_cost_the_same_queries_for_one_alert_or_many(client, signed_in, shirt):
    def queries(method, url, **extra):
        with CaptureQueriesContext(connection) as captured:
            assert getattr(client, method)(url, **extra).status_code == 200
        return len(captured)

    def alert(told=False):
        product = ProductFactory(market="KG")
        return StockAlert.objects.create(
            user=signed_in, sku=SKUFactory(product=product, stock=0), notified_at=timezone.now() if told else None
        )

    first = alert()
    alert(told=True)
    client.get(PAGE)  # warm the per-process caches
    one = queries("get", PAGE)
    stop_one = queries("post", stop_url(first), **HTMX)
    for _ in range(6):
        alert(), alert(told=True)
    assert queries("get", PAGE) == one <= 7
    assert queries("post", stop_url(alert()), **HTMX) == stop_one <= 6


def test_the_page_reads_in_russian_and_the_product_page_leads_to_it(client, signed_in, sold_out):
    StockAlert.objects.create(user=signed_in, sku=sold_out)
    assert 'href="/accounts/alerts/">All your alerts</a>' in client.get("/kg/p/oxford/").text
    signed_in.language = "ru"
    signed_in.save(update_fields=["language"])
    html = client.get(PAGE).text
    assert '<h1 class="mb-6 text-2xl font-semibold">Уведомления о поступлении</h1>' in html
    assert "Отключить уведомление" in html and "Ожидают" in html and "Запрошено" in html
