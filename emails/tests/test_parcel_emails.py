"""A later parcel of an order sent in several is told to the shopper on its own: in the app, by SMS
and by email (with its tracking link), once each, as their shipping-update preferences allow."""

import pytest
from django.core import mail
from django.db.models import F

from accounts.models import Notification
from checkout.models import Order
from emails.models import MessagePreferences, SentParcelEmail
from emails.order_emails import email_parcel_update
from shipments.services import record_parcel

pytestmark = pytest.mark.django_db


def ship_in_two(order, run_tasks, *, carrier, tracking_number):
    """Ship `order`'s one line of two units in two parcels; returns the second, once the texts and
    emails of the first are out of the way."""
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CONFIRMED)
    line = order.items.get()
    order.items.update(quantity=2, subtotal=F("price") * 2)
    with run_tasks():
        record_parcel(order=order, carrier=carrier, tracking_number="FIRST-1", quantities={line.pk: 1})
    mail.outbox.clear()
    with run_tasks():
        return record_parcel(order=order, carrier=carrier, tracking_number=tracking_number, quantities={line.pk: 1})


def test_a_later_parcel_is_told_once_in_the_app_by_sms_and_by_email_with_its_tracking_link(
    us_order, run_tasks, sms_outbox
):
    sms_outbox.clear()
    parcel = ship_in_two(us_order, run_tasks, carrier="ups", tracking_number="1Z999AA10123456784")
    number = us_order.order_number

    said = f"Another parcel of your order {number} has shipped with UPS. Tracking number: 1Z999AA10123456784."
    assert (
        Notification.objects.filter(user=us_order.user, title=f"Another parcel of order {number} is on its way")
        .get()
        .message
        == said
    )
    assert [text.text for text in sms_outbox if "Another parcel" in text.text] == [said]
    (email,) = mail.outbox
    assert email.subject == f"Another parcel of order {number} is on its way"
    assert said in email.body and "https://www.ups.com/track?tracknum=1Z999AA10123456784" in email.body
    assert "FIRST-1" not in email.body  # the first parcel was told with the order's "shipped" message
    assert SentParcelEmail.objects.get(parcel=parcel).to_email == "sam@example.com"
    # The task run again (a retry, say) sends nothing twice.
    assert email_parcel_update(parcel_id=parcel.pk) is False
    assert len(mail.outbox) == 1


def test_a_later_parcel_speaks_the_shoppers_language(kg_order, run_tasks, sms_outbox):
    kg_order.user.language = "ru"
    kg_order.user.save(update_fields=["language"])
    sms_outbox.clear()
    ship_in_two(kg_order, run_tasks, carrier="courier", tracking_number="")

    text = f"Ещё одна посылка вашего заказа {kg_order.order_number} отправлена службой Курьер MARQUE."
    assert [t.text for t in sms_outbox][-1] == text
    assert Notification.objects.get(user=kg_order.user, message=text)
    assert mail.outbox[0].subject == f"Ещё одна посылка заказа {kg_order.order_number} в пути"
    assert "Отслеживайте посылку:" in mail.outbox[0].body  # one parcel, named in the singular


def test_shipping_updates_turned_off_keep_a_later_parcel_to_the_app(us_order, run_tasks, sms_outbox):
    MessagePreferences.objects.filter(user=us_order.user).update(
        shipping_updates_sms=False, shipping_updates_email=False
    )
    sms_outbox.clear()
    ship_in_two(us_order, run_tasks, carrier="fedex", tracking_number="7489")

    assert not [text for text in sms_outbox if "Another parcel" in text.text]
    assert mail.outbox == [] and not SentParcelEmail.objects.exists()
    assert Notification.objects.filter(user=us_order.user, title__startswith="Another parcel").count() == 1
