"""Sign-in by phone on the web: phone → SMS code → signed in (or signed up), sign-out by POST."""

import html
import re
from unittest import mock

import pytest
import requests
from allauth.account.signals import user_logged_in, user_signed_up
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User, VerificationCode
from accounts.tests.conftest import code_in
from accounts.tests.factories import KGUserFactory, USUserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
ENTER_CODE = "/accounts/login/code/"


def page_text(response):
    return html.unescape(response.content.decode())


def enter(client, code):
    return client.post(ENTER_CODE, {"code": code})


def test_urls_are_where_the_header_links_them():
    assert reverse("accounts:sign_in") == reverse("account_login") == SIGN_IN
    assert reverse("accounts:enter_code") == ENTER_CODE
    assert reverse("accounts:sign_out") == reverse("account_logout") == "/accounts/logout/"
    assert reverse(django_settings.LOGIN_URL) == SIGN_IN


def test_the_sign_in_page_asks_for_a_phone_number_with_a_label_and_a_send_code_button(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get(SIGN_IN)
    assert response.status_code == 200
    text = page_text(response)
    assert re.search(r'<label[^>]*for="id_phone"[^>]*>Phone number', text)
    assert re.search(r'<button type="submit"[^>]*>Send code</button>', text)
    assert 'autocomplete="tel"' in text


def test_a_known_number_signs_in_with_the_texted_code(client, ask_for_code, sms_outbox):
    user = KGUserFactory()
    response = ask_for_code(user.phone)
    assert response.status_code == 302 and response["Location"] == ENTER_CODE
    page = client.get(ENTER_CODE)
    assert user.phone in page_text(page)
    assert re.search(r'<label[^>]*for="id_code"', page_text(page))
    response = enter(client, code_in(sms_outbox[-1]))
    assert response.status_code == 302 and response["Location"] == "/kg/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert "You are signed in." in [str(m) for m in get_messages(response.wsgi_request)]


def test_a_new_number_signs_up_in_the_same_flow_and_its_market_follows_the_number(client, ask_for_code, sms_outbox):
    signed_up = []
    user_signed_up.connect(receiver := lambda **kw: signed_up.append(kw["user"]), weak=False)
    try:
        ask_for_code("+1 (212) 555-0188")
        response = enter(client, code_in(sms_outbox[-1]))
    finally:
        user_signed_up.disconnect(receiver)
    user = User.objects.get(phone="+12125550188")
    assert (user.market, user.currency, user.is_verified, user.has_usable_password()) == ("US", "USD", True, False)
    assert signed_up == [user]
    assert response["Location"] == "/us/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_allauths_login_signal_fires_so_other_apps_can_hook_in(client, ask_for_code, sms_outbox):
    received = []
    user_logged_in.connect(receiver := lambda **kw: received.append(kw["user"]), weak=False)
    try:
        user = KGUserFactory()
        ask_for_code(user.phone)
        enter(client, code_in(sms_outbox[-1]))
    finally:
        user_logged_in.disconnect(receiver)
    assert received == [user]


def normalized(page, phone):
    text = page_text(page).replace(phone, "PHONE")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "CSRF", text)


def test_known_and_unknown_numbers_get_the_same_answer_and_the_same_page(client, django_user_model, ask_for_code):
    known, unknown = KGUserFactory().phone, "+996555000777"
    other = client.__class__()
    name = django_settings.LANGUAGE_COOKIE_NAME
    other.cookies[name] = client.cookies[name].value  # the same language
    known_response = ask_for_code(known)
    unknown_response = ask_for_code(unknown, client=other)
    assert (known_response.status_code, known_response["Location"]) == (
        unknown_response.status_code,
        unknown_response["Location"],
    )
    known_page, unknown_page = client.get(ENTER_CODE), other.get(ENTER_CODE)
    assert known_page.status_code == unknown_page.status_code == 200
    assert normalized(known_page, known) == normalized(unknown_page, unknown)


def test_a_local_next_is_where_the_shopper_returns(client, ask_for_code, sms_outbox):
    user = KGUserFactory()
    page = client.get(SIGN_IN, {"next": "/kg/search/?q=boots"})
    assert 'value="/kg/search/?q=boots"' in page_text(page)
    ask_for_code(user.phone, next_url="/kg/search/?q=boots")
    response = enter(client, code_in(sms_outbox[-1]))
    assert response["Location"] == "/kg/search/?q=boots"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http://testserver/kg/"],
)
def test_an_external_next_is_ignored(client, ask_for_code, sms_outbox, next_url):
    user = KGUserFactory()
    ask_for_code(user.phone, next_url=next_url)
    response = enter(client, code_in(sms_outbox[-1]))
    assert response["Location"] == "/kg/"


def test_the_session_key_changes_at_sign_in(client, ask_for_code, sms_outbox):
    user = USUserFactory()
    ask_for_code(user.phone)
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    enter(client, code_in(sms_outbox[-1]))
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_wrong_code_says_so_with_the_tries_left(client, ask_for_code, sms_outbox):
    ask_for_code(KGUserFactory().phone)
    code = code_in(sms_outbox[-1])
    response = enter(client, f"{(int(code) + 1) % 1_000_000:06d}")
    assert response.status_code == 200
    assert "That code is not right. Check the SMS and try again. 2 tries left." in page_text(response)
    assert SESSION_KEY not in client.session


def test_a_code_cannot_be_replayed_after_signing_out(client, ask_for_code, sms_outbox):
    ask_for_code(KGUserFactory().phone)
    code = code_in(sms_outbox[-1])
    enter(client, code)
    client.post("/accounts/logout/")
    response = enter(client, code)
    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in client.session


def test_a_code_does_not_work_in_another_browser(client, ask_for_code, sms_outbox):
    ask_for_code(KGUserFactory().phone)
    thief = client.__class__()
    response = thief.post(ENTER_CODE, {"code": code_in(sms_outbox[-1])})
    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in thief.session


def test_asking_again_within_a_minute_is_answered_429_with_a_clear_message(client, ask_for_code, sms_outbox):
    phone = KGUserFactory().phone
    ask_for_code(phone)
    response = ask_for_code(phone)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "A code was just sent to this number. Wait a minute before asking for another one." in page_text(response)
    assert len(sms_outbox) == 1


def test_the_ip_address_limit_is_answered_429_too(client, ask_for_code, settings):
    settings.SMS_CODE_LIMITS = {**settings.SMS_CODE_LIMITS, "ip_per_minute": 2}
    ask_for_code("+996555000101")
    ask_for_code("+996555000102")
    response = ask_for_code("+996555000103")
    assert response.status_code == 429
    assert "Too many codes were asked for from your network." in page_text(response)


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("+7 495 123 45 67", "MARQUE sells in Kyrgyzstan (+996) and the United States (+1) only."),
        ("+1 416 555 0199", "MARQUE sells in Kyrgyzstan (+996) and the United States (+1) only."),
        ("not a number", "Enter a phone number with its country code"),
    ],
)
def test_a_refused_number_gets_a_clear_error_and_no_sms(client, ask_for_code, sms_outbox, phone, message):
    response = ask_for_code(phone)
    assert response.status_code == 200
    assert message in page_text(response)
    assert sms_outbox == [] and not VerificationCode.objects.exists()


def test_when_the_kg_gateway_times_out_the_shopper_is_told_and_may_try_again_later(client, ask_for_code, settings):
    settings.KG_SMS_GATEWAY_LOGIN, settings.KG_SMS_GATEWAY_PASSWORD = "marque", "secret"
    phone = KGUserFactory().phone
    with mock.patch("urllib.request.urlopen", side_effect=TimeoutError("timed out")):
        response = ask_for_code(phone)
    assert response.status_code == 302
    page = client.get(ENTER_CODE)
    assert page.status_code == 200
    assert "We could not send the code right now, try again in a minute." in page_text(page)
    assert VerificationCode.objects.get(phone=phone).send_failed
    assert ask_for_code(phone).status_code == 429  # the failed attempt counted


def test_when_twilio_fails_the_shopper_is_told(client, ask_for_code, settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "0" * 32, "token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    with mock.patch(
        "twilio.http.http_client.TwilioHttpClient.request", side_effect=requests.exceptions.ConnectTimeout()
    ):
        ask_for_code(USUserFactory().phone)
    assert "We could not send the code right now, try again in a minute." in page_text(client.get(ENTER_CODE))


def test_the_code_page_without_a_pending_sign_in_sends_back_to_the_phone_page(client):
    assert client.get(ENTER_CODE)["Location"] == SIGN_IN


def test_a_signed_in_shopper_is_sent_on_from_the_sign_in_page(client):
    client.force_login(USUserFactory())
    assert client.get(SIGN_IN)["Location"] == "/us/"
    assert client.get(SIGN_IN, {"next": "/us/search/"})["Location"] == "/us/search/"


def test_an_inactive_account_cannot_sign_in(client, ask_for_code, sms_outbox):
    user = KGUserFactory(is_active=False)
    ask_for_code(user.phone)
    response = enter(client, code_in(sms_outbox[-1]))
    assert response["Location"] == "/accounts/inactive/"
    assert SESSION_KEY not in client.session


def test_account_pages_send_visitors_to_sign_in_and_back(client):
    response = client.get("/accounts/profile/")
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_signing_up_is_signing_in(client):
    assert client.get("/accounts/signup/")["Location"] == SIGN_IN


def test_sign_out_asks_on_get_and_signs_out_only_on_post(client):
    client.force_login(KGUserFactory())
    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert re.search(r'<form method="post" action="/accounts/logout/">', page_text(page))
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
