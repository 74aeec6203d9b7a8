"""A return's steps reach the shopper by email too: once each, in their language, only at a verified address."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.tests.factories import KGUserFactory
from emails.models import MessagePreferences, SentReturnEmail
from emails.return_emails import email_return_update
from emails.tests.conftest import verify
from returns import services
from returns.models import ReturnRequest
from returns.tests.factories import kg_delivered_order
from storefront.money import format_money

pytestmark = pytest.mark.django_db

Status = ReturnRequest.Status


@pytest.fixture(autouse=True)
def _offline(settings, sms_outbox):
    settings.SITE_URL = "https://shop.example"


def request_one(order):
    line = order.items.order_by("pk").first()
    return services.request_return(user=order.user, order=order, quantities={line.pk: 1}, reason="wrong_size")


def test_each_step_of_a_return_is_emailed_once(run_tasks, admin_user):
    order = kg_delivered_order(user=verify(KGUserFactory(email="aida@example.com", language="en")))
    with run_tasks():
        return_request = request_one(order)
    with run_tasks():
        services.move_return(return_request=return_request, to=Status.APPROVED, by=admin_user)
    with run_tasks():
        services.move_return(return_request=return_request, to=Status.RECEIVED, by=admin_user)
    with run_tasks():
        services.refund_return(return_request=return_request, by=admin_user)

    subjects = [message.subject for message in mail.outbox]
    number = order.order_number
    assert subjects == [
        f"Return requested for order {number}",
        f"Return approved for order {number}",
        f"Return received for order {number}",
        f"Refund for order {number}",
    ]
    refunded = mail.outbox[-1]
    return_request.refresh_from_db()
    assert f"We refunded {format_money(return_request.refund.amount, 'KGS')}" in refunded.body
    (html, mimetype), *_ = refunded.alternatives
    assert mimetype == "text/html" and f"/kg/returns/{return_request.pk}/" in html
    assert f"https://shop.example/kg/returns/{return_request.pk}/" in refunded.body
    # Asked again (a retried task), nothing more goes out.
    assert email_return_update(return_id=return_request.pk, status=Status.APPROVED) is False
    assert SentReturnEmail.objects.filter(return_request=return_request).count() == 4


def test_the_return_email_is_in_the_shoppers_language(run_tasks):
    order = kg_delivered_order(user=verify(KGUserFactory(email="aida@example.com", language="ru")))
    with run_tasks():
        request_one(order)
    (message,) = mail.outbox
    with translation.override("ru"):
        assert message.subject == _("Return requested for order %(number)s") % {"number": order.order_number}
    assert message.subject != f"Return requested for order {order.order_number}"


def test_no_return_email_to_an_unverified_address_or_one_who_turned_order_emails_off(run_tasks):
    unverified = kg_delivered_order(user=KGUserFactory(email="nobody@example.com"))
    declined_user = verify(KGUserFactory(email="quiet@example.com"))
    MessagePreferences.objects.filter(user=declined_user).update(order_updates_email=False)
    declined = kg_delivered_order(user=declined_user)
    with run_tasks():
        request_one(unverified)
        request_one(declined)
    assert mail.outbox == []
