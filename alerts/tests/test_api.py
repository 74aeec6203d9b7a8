"""alerts/get, alerts/add, alerts/remove: the caller's own alerts, on the product page's services."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import KGUserFactory
from alerts.models import StockAlert
from api.tests.conftest import authed, error_code
from catalog.tests.factories import ProductFactory, SKUFactory

pytestmark = pytest.mark.django_db

GET, ADD, REMOVE = "/api/v1/alerts/get", "/api/v1/alerts/add", "/api/v1/alerts/remove"


@pytest.fixture
def api(kg_shopper):
    return authed(kg_shopper)


def test_alerts_need_a_token(sold_out):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    for url in (GET, ADD, REMOVE):
        assert anonymous.post(url, {"sku_id": sold_out.pk}, format="json").status_code == 401


def test_add_list_and_remove(api, sold_out):
    body = api.post(ADD, {"sku_id": sold_out.pk}, format="json").json()
    assert body["count"] == 1 and body["notice"] == "We will text you when it is back in stock."
    alert = body["alerts"][0]
    assert alert["sku_id"] == sold_out.pk and alert["name"] == "Oxford" and alert["size"] == "M"
    assert alert["waiting"] is True and alert["told_at"] is None
    assert api.post(ADD, {"sku_id": sold_out.pk}, format="json").json()["count"] == 1  # idempotent
    assert api.post(GET, format="json").json()["alerts"] == body["alerts"]
    removed = api.post(REMOVE, {"sku_id": sold_out.pk}, format="json")
    assert removed.status_code == 200 and removed.json()["count"] == 0


def test_told_alerts_are_listed_as_no_longer_waiting(api, kg_shopper, sold_out):
    api.post(ADD, {"sku_id": sold_out.pk}, format="json")
    sold_out.stock = 2
    sold_out.save()
    alert = api.post(GET, format="json").json()["alerts"][0]
    assert alert["waiting"] is False and alert["told_at"] is not None


def test_in_stock_unknown_and_other_market_skus_are_refused(api, in_stock):
    assert api.post(ADD, {"sku_id": in_stock.pk}, format="json").status_code == 409
    assert error_code(api.post(ADD, {"sku_id": in_stock.pk}, format="json")) == "sku_in_stock"
    us_sku = SKUFactory(product=ProductFactory(market="US"), stock=0)
    assert error_code(api.post(ADD, {"sku_id": us_sku.pk}, format="json")) == "sku_not_found"
    assert error_code(api.post(ADD, {"sku_id": 99999999}, format="json")) == "sku_not_found"
    assert api.post(ADD, {"sku_id": "x"}, format="json").status_code == 400
    assert api.post(ADD, {}, format="json").status_code == 400
    assert not StockAlert.objects.exists()


def test_another_shoppers_alert_is_a_404_and_stays(api, sold_out):
    other = StockAlert.objects.create(user=KGUserFactory(), sku=sold_out)
    response = api.post(REMOVE, {"sku_id": sold_out.pk}, format="json")
    assert response.status_code == 404 and error_code(response) == "alert_not_found"
    assert list(StockAlert.objects.all()) == [other]
    assert api.post(GET, format="json").json()["count"] == 0


@pytest.mark.parametrize("raw", ["null", "[]", '"text"', "42", "{bad json"])
def test_a_body_that_is_not_an_object_is_a_400(api, raw):
    for url in (ADD, REMOVE):
        assert api.generic("POST", url, raw, content_type="application/json").status_code == 400
