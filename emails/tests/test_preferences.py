"""Message preferences on the profile: defaults as before (SMS on), stored per shopper."""

import pytest
from django.urls import reverse

from emails.models import MessagePreferences
from emails.preferences import EMAIL, SMS, wants

pytestmark = pytest.mark.django_db


def test_a_shopper_who_never_chose_gets_sms_and_email(kg_shopper):
    assert wants(kg_shopper, "order_updates", SMS)
    assert wants(kg_shopper, "shipping_updates", EMAIL)
    assert not MessagePreferences.objects.exists()


def test_the_profile_shows_the_preferences_with_labels(client, signed_in):
    response = client.get(reverse("accounts:profile"))
    for label in (
        "Order updates by SMS",
        "Order updates and receipts by email",
        "Shipping updates by SMS",
        "Shipping updates by email",
    ):
        assert label in response.text
    assert "Save message preferences" in response.text


def test_saving_preferences_stores_them_for_the_shopper(client, signed_in):
    response = client.post(
        reverse("accounts:message_preferences"), {"order_updates_sms": "on", "shipping_updates_email": "on"}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    preferences = MessagePreferences.objects.get(user=signed_in)
    assert (preferences.order_updates_sms, preferences.order_updates_email) == (True, False)
    assert (preferences.shipping_updates_sms, preferences.shipping_updates_email) == (False, True)
    assert not wants(signed_in, "shipping_updates", SMS)


def test_preferences_need_a_signed_in_shopper(client):
    response = client.post(reverse("accounts:message_preferences"), {})
    assert response.status_code == 302
    assert not MessagePreferences.objects.exists()


def test_a_guest_order_keeps_its_sms():
    assert wants(None, "order_updates", SMS)
    assert not wants(None, "order_updates", EMAIL)
