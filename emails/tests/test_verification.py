"""Verifying an email address by a signed link: sent when the address is entered or changed, valid
for 3 days, and an expired, altered or outdated link is a clear message, never an error page."""

import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse

from emails import services
from emails.models import MessagePreferences
from emails.preferences import verified_address
from emails.tests.conftest import verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://shop.example"


def link_in(message):
    return next(word for word in message.body.split() if word.startswith("https://shop.example/accounts/email/verify/"))


def save_profile(client, email, language="en"):
    return client.post(reverse("accounts:profile"), {"full_name": "Aida", "email": email, "language": language})


def test_a_new_address_gets_a_link_and_opening_it_verifies_it(client, signed_in, run_tasks):
    with run_tasks():
        save_profile(client, "aida.new@example.com")
    (message,) = mail.outbox
    assert message.to == ["aida.new@example.com"]
    assert message.alternatives[0].mimetype == "text/html"
    signed_in.refresh_from_db()
    assert verified_address(signed_in) == ""

    client.logout()  # the link works from any browser
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(link_in(message).removeprefix("https://shop.example"))
    assert response.status_code == 200
    assert "is verified" in response.text
    assert verified_address(signed_in) == "aida.new@example.com"


def test_the_link_is_in_the_shoppers_language(client, signed_in, run_tasks):
    with run_tasks():
        save_profile(client, "aida.new@example.com", language="ky")
    (message,) = mail.outbox
    assert message.subject != "Confirm your email address for MARQUE"


def test_saving_the_same_address_sends_no_new_link(client, signed_in, run_tasks):
    with run_tasks():
        save_profile(client, signed_in.email)
    assert mail.outbox == []


def test_changing_the_address_resets_the_verification(client, signed_in, run_tasks):
    verify(signed_in)
    with run_tasks():
        save_profile(client, "other@example.com")
    signed_in.refresh_from_db()
    assert verified_address(signed_in) == ""
    assert len(mail.outbox) == 1


def test_an_expired_link_says_so(client, signed_in, monkeypatch):
    token = services.verification_token(user=signed_in, email=signed_in.email)
    later = time.time() + 3 * 24 * 3600 + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(reverse("accounts:email_verify", kwargs={"token": token}))
    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert verified_address(signed_in) == ""


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxfQ:1tXyZ:tampered"])
def test_a_tampered_link_says_it_is_not_valid(client, signed_in, token):
    response = client.get(reverse("accounts:email_verify", kwargs={"token": token}))
    assert response.status_code == 400
    assert "This link is not valid" in response.text


def test_a_link_signed_for_someone_else_is_not_valid(client, signed_in):
    token = signing.TimestampSigner(salt="another purpose").sign_object(
        {"user": signed_in.pk, "email": signed_in.email}
    )
    response = client.get(reverse("accounts:email_verify", kwargs={"token": token}))
    assert response.status_code == 400


def test_a_link_for_an_address_since_replaced_does_not_verify_the_new_one(client, signed_in):
    token = services.verification_token(user=signed_in, email="old@example.com")
    response = client.get(reverse("accounts:email_verify", kwargs={"token": token}))
    assert response.status_code == 400
    assert "no longer has" in response.text
    assert not MessagePreferences.objects.filter(user=signed_in).exclude(verified_email="").exists()


def test_opening_the_link_twice_is_fine(client, signed_in):
    url = reverse(
        "accounts:email_verify", kwargs={"token": services.verification_token(user=signed_in, email=signed_in.email)}
    )
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 200
    assert "was already verified" in response.text


def test_the_profile_shows_unverified_and_resends_the_link(client, signed_in, run_tasks, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:profile"))
    assert "Unverified" in response.text
    assert "Resend verification link" in response.text
    with run_tasks():
        response = client.post(reverse("accounts:email_resend"))
    assert response.status_code == 302
    assert mail.outbox[0].to == [signed_in.email]


def test_the_profile_shows_a_verified_address(client, signed_in):
    verify(signed_in)
    response = client.get(reverse("accounts:profile"))
    assert "is verified" in response.text
    assert "Resend verification link" not in response.text


def test_a_second_resend_within_a_minute_is_refused_politely(client, signed_in, run_tasks):
    with run_tasks():
        client.post(reverse("accounts:email_resend"))
        response = client.post(reverse("accounts:email_resend"), follow=True)
    assert len(mail.outbox) == 1
    assert "Wait a minute" in response.text


def test_no_link_is_resent_to_a_verified_address(client, signed_in, run_tasks):
    verify(signed_in)
    with run_tasks():
        client.post(reverse("accounts:email_resend"))
    assert mail.outbox == []


def test_resending_needs_a_post(client, signed_in):
    assert client.get(reverse("accounts:email_resend")).status_code == 405
