"""Alerts: one per shopper and SKU, told exactly once when units return, whichever way they return."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.roles import MERCHANDISER
from accounts.tests.factories import KGUserFactory, staff_in_role
from alerts.models import StockAlert
from alerts.services import AlertRefused, add_alert, remove_alert
from catalog.admin import AdjustStockForm, adjust_stock_of
from catalog.models import SKU
from catalog.tests.test_spreadsheet import confirm, preview
from checkout.tests.test_order_admin import form_data, moved, placed

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(sold_out):
    """Two shoppers waiting for the sold-out size."""
    shoppers = [KGUserFactory(language="en"), KGUserFactory(language="ru")]
    for shopper in shoppers:
        add_alert(user=shopper, sku=sold_out)
    return shoppers


def told(shoppers, sms_outbox):
    """(in-app notifications, texts) the shoppers got about a restock."""
    notes = list(Notification.objects.filter(user__in=shoppers).order_by("pk"))
    phones = {s.phone for s in shoppers}
    return notes, [m for m in sms_outbox if m.phone in phones]


def test_asking_twice_keeps_one_alert(kg_shopper, sold_out):
    first = add_alert(user=kg_shopper, sku=sold_out)
    assert add_alert(user=kg_shopper, sku=sold_out) == first
    assert StockAlert.objects.count() == 1


def test_an_in_stock_size_is_refused(kg_shopper, in_stock):
    with pytest.raises(AlertRefused) as refusal:
        add_alert(user=kg_shopper, sku=in_stock)
    assert refusal.value.code == "sku_in_stock" and not StockAlert.objects.exists()


def test_removing_touches_only_ones_own_alert(kg_shopper, sold_out, waiting):
    assert remove_alert(user=kg_shopper, sku_id=sold_out.pk) is False
    assert remove_alert(user=waiting[0], sku_id=sold_out.pk) is True
    assert list(StockAlert.objects.values_list("user", flat=True)) == [waiting[1].pk]


def test_stock_back_through_a_save_tells_each_shopper_once(
    sold_out, waiting, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sold_out.stock = 3
        sold_out.save()
    notes, texts = told(waiting, sms_outbox)
    assert sorted(n.user_id for n in notes) == sorted(s.pk for s in waiting) and len(texts) == 2
    english = next(n for n in notes if n.user == waiting[0])
    assert english.title == "Back in stock: Oxford (M)" and english.link_url == "/kg/p/oxford/?size=M&color=Blue"
    assert next(t for t in texts if t.phone == waiting[0].phone).text.startswith("Oxford (M) is back in stock")
    assert next(n for n in notes if n.user == waiting[1]).title == "Снова в наличии: Oxford (M)"
    assert not StockAlert.objects.pending().exists() and StockAlert.objects.count() == 2

    # Sold out and back again: nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        SKU.objects.filter(pk=sold_out.pk).update(stock=0)
        sold_out.refresh_from_db()
        sold_out.stock = 5
        sold_out.save()
    assert told(waiting, sms_outbox)[0] == notes and len(told(waiting, sms_outbox)[1]) == 2


def test_a_save_that_leaves_it_sold_out_tells_nobody(sold_out, waiting, sms_outbox):
    sold_out.price = sold_out.price + 1
    sold_out.save()
    assert told(waiting, sms_outbox) == ([], []) and StockAlert.objects.pending().count() == 2


def test_an_inactive_sku_with_stock_tells_nobody(sold_out, waiting, sms_outbox):
    sold_out.stock, sold_out.is_active = 2, False
    sold_out.save()
    assert told(waiting, sms_outbox) == ([], [])


def test_stock_back_through_the_admin_form(client, sold_out, waiting, sms_outbox, django_capture_on_commit_callbacks):
    client.force_login(staff_in_role(MERCHANDISER))
    url = reverse("admin:catalog_sku_change", args=[sold_out.pk])
    data = form_data(client.get(url).text, "sku_form")
    data["stock"] = ["6"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    notes, texts = told(waiting, sms_outbox)
    assert len(notes) == 2 and len(texts) == 2


def test_stock_back_through_the_adjust_stock_action(sold_out, waiting, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock_of(SKU.objects.filter(pk=sold_out.pk), mode=AdjustStockForm.ADD, units=2)
    assert len(told(waiting, sms_outbox)[1]) == 2


def test_stock_back_through_a_spreadsheet_import(
    client, sold_out, waiting, sms_outbox, django_capture_on_commit_callbacks
):
    client.force_login(staff_in_role(MERCHANDISER))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview(client, b"sku_code,stock\nOX-S,4\nOX-M,7\n"))
    sold_out.refresh_from_db()
    assert sold_out.stock == 7
    notes, texts = told(waiting, sms_outbox)
    assert len(notes) == 2 and len(texts) == 2
    # The same file again: the units were already back, nobody hears twice.
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview(client, b"sku_code,stock\nOX-S,4\nOX-M,9\n"))
    assert len(told(waiting, sms_outbox)[1]) == 2


def test_stock_back_from_a_cancelled_order(sms_outbox, django_capture_on_commit_callbacks):
    order, sku = placed(quantity=1, stock=1)
    sku.refresh_from_db()
    assert sku.stock == 0
    shopper = KGUserFactory()
    add_alert(user=shopper, sku=sku)
    with django_capture_on_commit_callbacks(execute=True):
        moved(order, "cancelled")
    assert Notification.objects.filter(user=shopper).count() == 1
    assert len([m for m in sms_outbox if m.phone == shopper.phone]) == 1
