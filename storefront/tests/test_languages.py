"""The shop in English, Russian and Kyrgyz: which language a response is in, the switchers,
whole pages in each language, formats, plural forms, SMS and API messages, and caches."""

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import polib
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.cache import get_cache_key, learn_cache_key
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Notification, User
from accounts.tests.factories import AddressFactory, KGUserFactory, StaffFactory, USUserFactory
from catalog.tests.factories import ProductFactory, SKUFactory
from checkout.models import Order
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory
from storefront import languages
from storefront.markets import MARKETS, Market
from storefront.tests.page_text import read_text

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
LOCALE = Path(settings.BASE_DIR) / "locale"
KG, US = MARKETS[Market.KG], MARKETS[Market.US]


def visitor(language=None, **headers):
    client = Client(headers=headers)
    if language:
        client.cookies[COOKIE] = language
    return client


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


# --- which language ----------------------------------------------------------------------------------


def resolve(path="/kg/", user=None, cookie=None, accept=None, market=KG):
    request = RequestFactory().get(path, headers={"Accept-Language": accept} if accept else {})
    if cookie:
        request.COOKIES[COOKIE] = cookie
    request.user = user or _anonymous()
    return languages.language_for(request, market)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_a_first_visit_gets_the_markets_default_language():
    assert resolve(market=KG) == "ru"
    assert resolve(market=US) == "en"


@pytest.mark.parametrize(
    ("accept", "market", "expected"),
    [
        ("ky-KG,ky;q=0.9,ru;q=0.8", KG, "ky"),
        ("en-US,en;q=0.9", KG, "en"),
        ("de-DE,de;q=0.9,ky;q=0.5", KG, "ky"),
        ("de-DE,fr;q=0.9", KG, "ru"),
        ("ru-RU,ru;q=0.9", US, "en"),
    ],
)
def test_accept_language_refines_a_first_visit_within_the_markets_languages(accept, market, expected):
    assert resolve(accept=accept, market=market) == expected


def test_a_visitors_choice_wins_over_the_browser_and_a_signed_in_users_over_both(kg_shopper):
    assert resolve(cookie="ky", accept="en") == "ky"
    kg_shopper.language = "en"
    assert resolve(user=kg_shopper, cookie="ky", accept="ru") == "en"


def test_a_lang_link_wins_and_a_language_the_market_does_not_speak_is_ignored():
    assert resolve(path="/kg/?lang=ky", cookie="en") == "ky"
    assert resolve(path="/us/?lang=ru", market=US) == "en"
    assert resolve(cookie="ru", market=US) == "en"


def test_the_page_says_its_language_and_varies_on_what_chooses_it():
    response = visitor(**{"Accept-Language": "ky"}).get("/kg/")

    assert html_lang(response) == "ky"
    assert response["Content-Language"] == "ky"
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


@pytest.mark.parametrize("path", ["/kg/cart/badge/", "/kg/cart/mini/", "/kg/search/suggestions/?q=sh"])
def test_htmx_partials_vary_on_language_too(path):
    response = visitor("ky").get(path, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["Content-Language"] == "ky"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(("path", "language"), [("/kg/", "ru"), ("/us/", "en")])
def test_a_wsgi_server_accepts_the_language_headers(path, language, wsgi_keeps_the_test_connection):
    """wsgiref (runserver) checks header types strictly; a Language member once made a 500."""
    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, QUERY_STRING="", HTTP_HOST="testserver")
    started = []
    result = validator(get_wsgi_application())(environ, lambda status, headers: started.append(status))
    try:
        body = b"".join(result)
    finally:
        result.close()

    assert started == ["200 OK"]
    assert f'<html lang="{language}"'.encode() in body


def test_the_url_stays_the_markets():
    response = visitor("ky").get("/kg/")

    assert response.status_code == 200
    assert response.wsgi_request.path == "/kg/"


# --- the switchers -----------------------------------------------------------------------------------


def test_a_visitor_switches_language_and_keeps_it_on_the_next_pages():
    client = visitor()
    response = client.post("/language/", {"language": "ky", "next": "/kg/products/?sort=new&lang=en"})

    assert response.status_code == 302
    assert response["Location"] == "/kg/products/?sort=new"  # the page's own ?lang no longer overrides
    assert response.cookies[COOKIE].value == "ky"
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    assert html_lang(client.get("/kg/")) == "ky"
    assert html_lang(client.get("/kg/products/")) == "ky"


def test_the_header_offers_the_markets_languages_named_in_themselves():
    html = visitor().get("/kg/").text
    switcher = re.search(r'<form action="/language/".*?</form>', html, flags=re.S).group(0)

    assert re.findall(r'<option value="(\w+)" lang="\w+"', switcher) == ["ru", "ky", "en"]
    assert ">Кыргызча</option>" in switcher
    assert 'name="csrfmiddlewaretoken"' in switcher
    assert '<label for="language-switcher"' in switcher
    # The US speaks English only: no switcher there.
    assert 'action="/language/"' not in visitor().get("/us/").text


def test_a_signed_in_shopper_switches_and_the_choice_is_kept_on_their_profile(client, kg_shopper):
    client.force_login(kg_shopper)
    client.post("/language/", {"language": "ky", "next": "/kg/"})

    kg_shopper.refresh_from_db()
    assert kg_shopper.language == "ky"
    other_browser = Client()
    other_browser.force_login(kg_shopper)
    assert html_lang(other_browser.get("/kg/")) == "ky"


def test_the_language_outlives_signing_out(kg_shopper):
    kg_shopper.language = "ky"
    kg_shopper.save()
    client = Client()
    client.force_login(kg_shopper)
    response = client.get("/kg/")
    assert response.cookies[COOKIE].value == "ky"  # the cookie follows the profile

    client.post("/accounts/logout/")
    assert not client.get("/kg/").wsgi_request.user.is_authenticated
    assert html_lang(client.get("/kg/")) == "ky"


def test_a_language_the_market_does_not_speak_is_refused_with_a_message():
    client = visitor("en")
    response = client.post("/language/", {"language": "ky", "next": "/us/"})

    assert response.status_code == 302
    assert COOKIE not in response.cookies
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == ["Choose one of the languages of this market: English."]


def test_the_switcher_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/language/", {"language": "ky", "next": "/kg/"}).status_code == 403


def test_the_switcher_never_redirects_off_the_site():
    response = visitor().post("/language/", {"language": "ky", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_switching_costs_a_few_queries(client, kg_shopper, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        visitor().post("/language/", {"language": "ky", "next": "/kg/"})
    client.force_login(kg_shopper)
    with django_assert_max_num_queries(4):  # session, user, save
        client.post("/language/", {"language": "ru", "next": "/kg/"})


def test_the_profile_page_switches_language_and_says_so_in_the_new_one(client, kg_shopper):
    client.force_login(kg_shopper)
    form = {"full_name": kg_shopper.full_name, "email": kg_shopper.email, "language": "ru"}
    response = client.post("/accounts/profile/", form, follow=True)

    kg_shopper.refresh_from_db()
    assert kg_shopper.language == "ru"
    assert html_lang(response) == "ru"
    assert "Профиль сохранён." in response.text
    assert 'id="language-switcher"' in response.text


# --- whole pages in each language --------------------------------------------------------------------


@cache
def _catalog(language):
    """English strings of our catalog whose translation into `language` reads differently."""
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    return {e.msgid for e in po if not e.msgid_plural and e.msgstr and e.msgstr != e.msgid and len(e.msgid) > 2}


def english_left_in(html, language):
    return sorted({" ".join(text.split()) for _line, text in read_text(html)} & _catalog(language))


@pytest.fixture
def kg_journey(kg_shopper):
    """A KG shopper with an address, a shirt in the cart, a delivered order and a notification."""
    product = ProductFactory(name="Linen Shirt", brand="Atelier Nord", market="KG", price=Decimal("1299"))
    sku = SKUFactory(product=product, size="M", color="Sand", stock=5)
    AddressFactory(user=kg_shopper, title="Apa", city="Bishkek", is_default=True)
    CartItemFactory(cart=CartFactory(user=kg_shopper), sku=sku, quantity=1)
    order = OrderFactory(user=kg_shopper, status=Order.Status.DELIVERED)
    OrderItemFactory(order=order, sku=sku)
    Order.objects.filter(pk=order.pk).update(order_date=datetime(2026, 11, 27, 20, 30, tzinfo=UTC))
    Notification.objects.create(user=kg_shopper, type=Notification.Type.SYSTEM, title="Hello", message="Welcome")
    return {"product": product, "order": order}


def journey_pages(journey):
    return [
        "/kg/",
        f"/kg/p/{journey['product'].slug}/",
        "/kg/products/",
        "/kg/cart/",
        "/kg/wishlist/",
        "/kg/checkout/",
        "/kg/orders/",
        f"/kg/orders/{journey['order'].order_number}/",
        "/accounts/profile/",
        "/accounts/addresses/",
        "/accounts/addresses/new/",
        "/accounts/notifications/",
        "/accounts/reviews/",
    ]


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_a_kg_shopper_reads_every_page_of_the_journey_in_their_language(kg_shopper, kg_journey, language):
    kg_shopper.language = language
    kg_shopper.save()
    client = Client()
    client.force_login(kg_shopper)

    for path in journey_pages(kg_journey):
        response = client.get(path)
        assert response.status_code == 200, path
        assert html_lang(response) == language, path
        assert english_left_in(response.text, language) == [], path


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_the_sign_in_pages_read_in_the_visitors_language(language):
    client = visitor(language)
    page = client.get("/accounts/login/")
    assert english_left_in(page.text, language) == []

    refused = client.post("/accounts/login/", {"phone": "+49 30 1234567"})
    assert refused.status_code == 200
    assert english_left_in(refused.text, language) == []
    assert "MARQUE sells in Kyrgyzstan (+996) and the United States (+1) only." not in refused.text


def test_a_us_shopper_reads_the_journey_in_english(us_shopper):
    product = ProductFactory(name="Everyday Tee", market="US", price=Decimal("24.99"))
    sku = SKUFactory(product=product, stock=3)
    CartItemFactory(cart=CartFactory(user=us_shopper), sku=sku)
    client = Client()
    client.force_login(us_shopper)

    for path in ["/us/", f"/us/p/{product.slug}/", "/us/cart/", "/us/orders/", "/accounts/profile/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert html_lang(response) == "en", path
        assert "Корзина" not in response.text and "Себет" not in response.text, path


# --- formats -----------------------------------------------------------------------------------------


def test_money_dates_and_numbers_follow_the_language_and_market(kg_shopper, kg_journey):
    order = kg_journey["order"]
    client = Client()
    client.force_login(kg_shopper)

    kg_shopper.language = "ru"
    kg_shopper.save()
    russian = client.get(f"/kg/orders/{order.order_number}/").text
    assert "3 240 сом" in russian
    assert "28 ноября 2026 г." in russian  # 20:30 UTC is past midnight in Bishkek (UTC+6)
    assert "2:30" in russian

    kg_shopper.language = "ky"
    kg_shopper.save()
    kyrgyz = client.get(f"/kg/orders/{order.order_number}/").text
    assert "28 Ноябрь 2026 ж." in kyrgyz  # Django's Kyrgyz date format


def test_us_money_and_dates_read_the_american_way(us_shopper):
    order = OrderFactory(
        user=us_shopper, subtotal=Decimal("1299"), shipping_cost=0, tax=0, tax_included=False, total_amount=1299
    )
    Order.objects.filter(pk=order.pk).update(order_date=datetime(2026, 11, 27, 20, 30, tzinfo=UTC))
    client = Client()
    client.force_login(us_shopper)

    html = client.get(f"/us/orders/{order.order_number}/").text
    assert "$1,299.00" in html
    assert "Nov. 27, 2026" in html  # 3:30 p.m. in New York


def test_a_rating_is_written_with_the_languages_decimal_separator():
    ProductFactory(slug="rated", market="KG", rating=Decimal("4.5"), reviews_count=3)

    assert "4,5" in visitor("ru").get("/kg/products/").text
    assert "4.5 out of 5" in visitor("en").get("/kg/products/").text


# --- plural forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "Осталась 1 попытка."),
        (2, "Осталось 2 попытки."),
        (5, "Осталось 5 попыток."),
        (11, "Осталось 11 попыток."),
        (21, "Осталась 21 попытка."),
        (22, "Осталось 22 попытки."),
        (0, "Осталось 0 попыток."),
    ],
)
def test_russian_has_three_plural_forms(n, expected):
    with translation.override("ru"):
        assert translation.ngettext("%(n)d try left.", "%(n)d tries left.", n) % {"n": n} == expected


def test_kyrgyz_keeps_the_noun_singular_after_a_number():
    with translation.override("ky"):
        one = translation.ngettext("%(n)d try left.", "%(n)d tries left.", 1) % {"n": 1}
        five = translation.ngettext("%(n)d try left.", "%(n)d tries left.", 5) % {"n": 5}
    assert one.replace("1", "5") == five


def test_a_page_counts_in_russian_plural_forms():
    ProductFactory(name="A", market="KG", rating=Decimal("4"), reviews_count=3)
    ProductFactory(name="B", market="KG", rating=Decimal("4"), reviews_count=5)
    ProductFactory(name="C", market="KG", rating=Decimal("4"), reviews_count=21)

    html = visitor("ru").get("/kg/products/").text
    counts = set(re.findall(r"(\d+) (отзыв\w*)", html))
    assert {("3", "отзыва"), ("5", "отзывов"), ("21", "отзыв")} <= counts


# --- SMS and notifications ---------------------------------------------------------------------------


@pytest.fixture
def outbox(sms_outbox):
    return sms_outbox


CODE_SMS = "MARQUE code: %(code)s. It expires in %(minutes)d minutes. Never share it."


def code_sms(language, message):
    from accounts.tests.conftest import code_in

    minutes = int(re.search(r"\b(\d{1,2})\b", message.text.replace(code_in(message), "")).group(1))
    with translation.override(language):
        return translation.gettext(CODE_SMS) % {"code": code_in(message), "minutes": minutes}


def test_a_new_numbers_code_is_texted_in_the_language_it_was_asked_in(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visitor("ky").post("/accounts/login/", {"phone": "+996555000123"})

    assert len(outbox) == 1
    assert outbox[0].text == code_sms("ky", outbox[0])
    assert outbox[0].text != code_sms("en", outbox[0])


def test_a_known_shopper_is_texted_in_their_own_language(outbox, django_capture_on_commit_callbacks):
    KGUserFactory(phone="+996555000124", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        visitor("en").post("/accounts/login/", {"phone": "+996555000124"})

    assert outbox[0].text == code_sms("ru", outbox[0])
    assert "Never share it" not in outbox[0].text


def test_order_updates_reach_the_customer_in_their_language(outbox, django_capture_on_commit_callbacks):
    from checkout.notify import _texts
    from checkout.status import change_status

    customer = KGUserFactory(language="ky")
    order = OrderFactory(user=customer)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(order=order, to=Order.Status.CONFIRMED)

    with translation.override("ky"):
        kyrgyz = _texts(order, Order.Status.CONFIRMED)
    with translation.override("en"):
        english = _texts(order, Order.Status.CONFIRMED)
    notification = Notification.objects.get(user=customer)
    assert (notification.title, notification.message) == kyrgyz != english
    assert outbox[-1].text == kyrgyz[1]


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_answers_in_the_requested_language():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="ru").get("/api/v1/products", {"market": "XX"})

    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    assert response.json()["error"]["message"] == "Выберите страну: KG или US."


def test_the_api_answers_a_signed_in_shopper_in_their_profiles_language(kg_shopper):
    kg_shopper.language = "ky"
    kg_shopper.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(kg_shopper).access_token}")

    response = client.get("/api/v1/orders/NOPE-1")

    assert response.status_code == 404
    assert response["Content-Language"] == "ky"


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_the_frameworks_own_api_messages_are_translated_too(language):
    """DRF's field and authentication messages and simplejwt's token messages (api/library_messages.py)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        required = translation.gettext("This field is required.")
        no_credentials = translation.gettext("Authentication credentials were not provided.")
        bad_token = translation.gettext("Given token not valid for any token type")

    missing_phone = client.post("/api/v1/auth/send-verification", {}, format="json").json()["error"]
    anonymous = client.get("/api/v1/profile").json()["error"]
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    forged = client.get("/api/v1/profile").json()["error"]

    assert missing_phone["details"]["phone"] == [required] != ["This field is required."]
    assert anonymous["message"] == no_credentials != "Authentication credentials were not provided."
    assert forged["message"] == bad_token != "Given token not valid for any token type"


def test_the_api_defaults_to_the_markets_language():
    assert APIClient().get("/api/v1/products", {"market": "KG"})["Content-Language"] == "ru"
    assert APIClient().get("/api/v1/products", {"market": "US"})["Content-Language"] == "en"


# --- the admin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "heading"), [("ru", "Заказы"), ("en", "Orders")])
def test_kg_staff_use_the_admin_in_english_or_russian(language, heading):
    staff = StaffFactory(is_superuser=True, language=language)
    client = Client()
    client.force_login(staff)

    index = client.get("/admin/")
    orders = client.get("/admin/checkout/order/")

    assert index.status_code == orders.status_code == 200
    assert html_lang(index) == language
    assert heading in orders.text
    assert 'id="admin-language"' in index.text
    if language == "ru":
        assert "Выйти" in index.text  # Django's own admin strings too


@pytest.mark.parametrize(
    ("language", "blank", "run"),
    [("ru", "- Выберите вариант -", "Запустить"), ("ky", "- Вариантты тандаңыз -", "Иштетүү")],
)
def test_the_admin_action_bar_reads_in_the_page_language(language, blank, run):
    """Django 6.1's "- Select an option -" (the action bar, any optional choice) and its Kyrgyz
    "Run", which its own catalogs leave in English, come from the project's
    (storefront.framework_messages)."""
    client = Client()
    client.force_login(StaffFactory(is_superuser=True, language=language))

    actions = client.get("/admin/checkout/order/").text

    assert f'<option value="" selected>{blank}</option>' in actions
    assert re.search(rf'<button type="submit" class="button" name="index" value="0">{run}</button>', actions)
    assert "Select an option" not in actions and ">Run<" not in actions


def test_the_admin_selection_counter_reads_in_kyrgyz_with_its_spaces():
    """Django's Kyrgyz JavaScript catalog runs the numbers into the words ("10нерседен 0тандалды");
    the project's (locale/ky/LC_MESSAGES/djangojs.po) is merged over it for that one string."""
    client = Client()
    client.force_login(StaffFactory(is_superuser=True, language="ky"))

    catalog = client.get("/admin/jsi18n/")

    assert catalog.status_code == 200
    assert json.dumps("%(cnt)s ичинен %(sel)s тандалды") in catalog.text
    assert json.dumps("%(cnt)sнерседен %(sel)sтандалды") not in catalog.text
    assert json.dumps("%s даана жеткиликтүү") in catalog.text  # the rest is still Django's


# --- caches ------------------------------------------------------------------------------------------


def _request_as(client, path):
    """The request `client` would send for `path`, as a shared cache in front of the shop sees it."""
    request = RequestFactory().get(path)
    request.META.update(client._base_environ())
    return request


def test_a_shared_cache_never_serves_one_language_to_another():
    """A cache in front of the shop (a CDN, Django's cache middleware) keys a page by the headers
    its response varies on: readers of another language never get the stored copy."""
    shared = caches["default"]
    russian = visitor("ru").get("/kg/")
    key = learn_cache_key(russian.wsgi_request, russian, cache=shared)

    with translation.override("ru"):
        # Another reader of Russian, with the same headers, is served the stored copy.
        assert get_cache_key(_request_as(visitor("ru"), "/kg/"), cache=shared) == key
    readers = [visitor("ky"), visitor("en"), visitor(**{"Accept-Language": "ky"}), Client()]
    for reader in readers:
        request = _request_as(reader, "/kg/")
        language = html_lang(reader.get("/kg/"))
        with translation.override(language):
            assert get_cache_key(request, cache=shared) != key, language


def test_a_new_user_signs_up_in_the_language_they_were_reading(outbox, django_capture_on_commit_callbacks):
    from accounts.tests.conftest import code_in

    client = visitor("ky")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"phone": "+996555000125"})
    client.post("/accounts/login/code/", {"code": code_in(outbox[-1])})

    assert User.objects.get(phone="+996555000125").language == "ky"


def test_us_shoppers_are_always_english():
    shopper = USUserFactory()
    assert shopper.language == "en"
    with pytest.raises(Exception, match="Choose a language offered in your market"):
        from accounts.services import set_language

        set_language(user=shopper, language="ru")
