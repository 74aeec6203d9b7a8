"""Order emails: one per event, in the shopper's language, HTML with a plain-text part, the receipt's
lines, only to a verified address, and as the shopper's preferences say."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from accounts.tests.factories import AddressFactory, KGUserFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout import payments
from checkout.models import Order
from checkout.orders import place_order
from checkout.status import change_status
from checkout.tests.factories import CartFactory, CartItemFactory
from emails.models import MessagePreferences, SentEmail
from emails.order_emails import build_order_email, email_order_update
from emails.tests.conftest import verify
from shipments.services import record_parcel

pytestmark = pytest.mark.django_db

Status = Order.Status


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.SITE_URL = "https://shop.example"


def html_of(message):
    (content, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return content


def test_placing_a_cash_order_emails_its_receipt_once(run_tasks, sms_outbox):
    user = verify(KGUserFactory(email="aida@example.com"))
    sku = SKUFactory(product=ProductFactory(name="Linen shirt", price=Decimal("2000")), price=Decimal("2000"), stock=5)
    cart = CartFactory(user=user)
    CartItemFactory(cart=cart, sku=sku, quantity=2)
    with run_tasks():
        order = place_order(user=user, address=AddressFactory(user=user, city="Bishkek"), payment_method="cash").order

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aida@example.com"]
    assert order.order_number in message.subject
    assert "Linen shirt" in message.body and "Linen shirt" in html_of(message)
    assert "Including VAT" in message.body
    assert "Cash on delivery" in message.body or order.get_payment_method_display() in message.body
    assert f"https://shop.example/kg/orders/{order.order_number}/receipt/" in message.body
    assert len(sms_outbox) == 1  # the SMS goes as before
    assert SentEmail.objects.filter(order=order, event="placed").count() == 1


def test_an_event_is_emailed_once_however_often_it_is_asked_for(kg_order):
    assert email_order_update(order_id=kg_order.pk, event="placed") is True
    assert email_order_update(order_id=kg_order.pk, event="placed") is False
    assert len(mail.outbox) == 1


def test_the_kg_receipt_shows_items_discount_vat_inside_delivery_address_and_payment(kg_order):
    email_order_update(order_id=kg_order.pk, event="placed")
    (message,) = mail.outbox
    for part in (message.body, html_of(message)):
        assert "Linen shirt" in part
        assert "SPRING" in part
        assert "Including VAT 12%" in part
        assert "Sales tax" not in part
        assert "Chui Avenue 120" in part
        assert "Bishkek" in part
        assert kg_order.get_payment_method_display() in part
        assert "2,940" in part or "2 940" in part


def test_the_us_receipt_adds_sales_tax(us_order):
    email_order_update(order_id=us_order.pk, event="placed")
    (message,) = mail.outbox
    for part in (message.body, html_of(message)):
        assert "Sales tax 8.25%" in part
        assert "$4.72" in part
        assert "$71.67" in part
        assert "Including VAT" not in part
        assert "Austin, TX 73301" in part


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
def test_the_email_is_in_the_shoppers_language(kg_order, language):
    kg_order.user.language = language
    kg_order.user.save(update_fields=["language"])
    email_order_update(order_id=kg_order.pk, event="paid")
    (message,) = mail.outbox
    with translation.override(language):
        expected = translation.gettext("Payment received for order %(number)s") % {"number": kg_order.order_number}
        view = translation.gettext("View your order")
    assert message.subject == expected
    assert view in message.body and view in html_of(message)
    if language != "en":
        assert message.subject != f"Payment received for order {kg_order.order_number}"
    assert SentEmail.objects.get(order=kg_order).language == language


def test_each_status_change_emails_its_kind_once(kg_order, run_tasks):
    for status in (Status.CONFIRMED, Status.SHIPPED, Status.DELIVERED):
        with run_tasks():
            change_status(order=kg_order, to=status)
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        f"Order {kg_order.order_number} is on its way",
        f"Order {kg_order.order_number} delivered",
    ]
    assert set(SentEmail.objects.filter(order=kg_order).values_list("event", flat=True)) == {"shipped", "delivered"}


def test_a_cancelled_unpaid_order_says_nothing_was_charged(kg_order, run_tasks):
    with run_tasks():
        change_status(order=kg_order, to=Status.CANCELLED)
    (message,) = mail.outbox
    assert message.subject == f"Order {kg_order.order_number} cancelled"
    assert "You were not charged." in message.body


def test_a_cancelled_paid_order_says_it_is_refunded(us_order, run_tasks):
    us_order.payment_status = Order.PaymentStatus.PAID
    us_order.save(update_fields=["payment_status"])
    with run_tasks():
        change_status(order=us_order, to=Status.CANCELLED)
    cancelled = [m for m in mail.outbox if "cancelled" in m.subject]
    assert len(cancelled) == 1
    assert "is refunded to you" in cancelled[0].body


def test_a_card_payment_sends_the_confirmation_with_the_paid_receipt(us_order, run_tasks):
    with run_tasks():
        assert payments.pay_with_test_method(us_order, succeed=True) == "paid"
    (message,) = mail.outbox
    assert "receipt" in message.subject
    assert "Paid" in message.body


def test_cash_received_by_staff_sends_payment_received(kg_order, run_tasks):
    with run_tasks():
        payments.record_offline_payment(kg_order)
    (message,) = mail.outbox
    assert message.subject == f"Payment received for order {kg_order.order_number}"
    assert "We received your payment of" in message.body


def test_the_shipped_email_lists_parcels_with_their_tracking_links(kg_order):
    parcels = [{"carrier": "DHL", "tracking_number": "JD0001", "tracking_url": "https://track.example/JD0001"}]
    message = build_order_email(order=kg_order, event="shipped", to="aida@example.com", parcels=parcels)
    assert '<a href="https://track.example/JD0001">JD0001</a>' in html_of(message)
    assert "DHL: JD0001 https://track.example/JD0001" in message.body
    assert "Follow your parcel:" in message.body and "Follow your parcels:" not in message.body
    two = [*parcels, {"carrier": "DHL", "tracking_number": "JD0002", "tracking_url": ""}]
    assert "Follow your parcels:" in build_order_email(order=kg_order, event="shipped", to="a@b.kg", parcels=two).body


def test_the_shipped_email_without_parcels_has_no_tracking_list(kg_order):
    message = build_order_email(order=kg_order, event="shipped", to="aida@example.com")
    assert "Follow your parcel" not in message.body


def test_no_email_to_an_unverified_address(kg_order, run_tasks):
    MessagePreferences.objects.filter(user=kg_order.user).update(verified_email="")
    with run_tasks():
        change_status(order=kg_order, to=Status.CANCELLED)
    assert mail.outbox == []
    assert not SentEmail.objects.exists()


def test_a_changed_address_is_unverified_until_its_link_is_opened(kg_order):
    kg_order.user.email = "new@example.com"
    kg_order.user.save(update_fields=["email"])
    assert email_order_update(order_id=kg_order.pk, event="placed") is False
    assert mail.outbox == []


def test_email_off_for_shipping_updates_keeps_order_emails_and_the_sms(kg_order, run_tasks, sms_outbox):
    MessagePreferences.objects.filter(user=kg_order.user).update(shipping_updates_email=False)
    with run_tasks():
        change_status(order=kg_order, to=Status.CONFIRMED)
        change_status(order=kg_order, to=Status.SHIPPED)
    assert mail.outbox == []
    assert len(sms_outbox) == 2
    with run_tasks():
        change_status(order=kg_order, to=Status.DELIVERED)
    assert mail.outbox == []


def test_sms_off_for_shipping_updates_leaves_the_email(kg_order, run_tasks, sms_outbox):
    MessagePreferences.objects.filter(user=kg_order.user).update(shipping_updates_sms=False)
    with run_tasks():
        change_status(order=kg_order, to=Status.CONFIRMED)
        change_status(order=kg_order, to=Status.SHIPPED)
    assert len(sms_outbox) == 1  # "confirmed" is an order update
    assert [m.subject for m in mail.outbox] == [f"Order {kg_order.order_number} is on its way"]


def test_a_mail_server_failure_gives_the_claim_back(kg_order, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    from storefront.background import RetryLater

    with pytest.raises(RetryLater):
        email_order_update(order_id=kg_order.pk, event="placed")
    assert not SentEmail.objects.exists()


def test_recording_the_first_parcel_emails_its_tracking_link(us_order, run_tasks):
    payments.pay_with_test_method(us_order, succeed=True)  # paid, so confirmed
    line = us_order.items.get()
    with run_tasks():
        record_parcel(order=us_order, carrier="ups", tracking_number="1Z999AA10123456784", quantities={line.pk: 1})
    (message,) = [m for m in mail.outbox if "on its way" in m.subject]
    assert "UPS: 1Z999AA10123456784 https://www.ups.com/track?tracknum=1Z999AA10123456784" in message.body
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in html_of(message)
