"""No input breaks a page: a property test (hypothesis) over every storefront and API endpoint.

Each endpoint gets generated values in every form field and query parameter it reads: any text,
unicode digits ("²" is a digit to `str.isdigit`, not to `int`), NUL bytes, lone surrogates (in JSON,
where a client can send them), huge and negative numbers. Whatever is sent, the answer is never a
server error. The web endpoints are listed below by route name, and `test_every_route_is_listed`
fails when a new route is not; the API's operations, parameters and body fields are read from its
OpenAPI schema. Examples are few per endpoint and derandomized, so a run is quick and repeatable,
and nothing is kept between runs (no example database), so parallel workers never share state.
"""

import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AddressFactory, KGUserFactory, NotificationFactory, PaymentMethodFactory
from alerts.models import StockAlert
from catalog.models import Wishlist, WishlistItem
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from checkout.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory
from returns.services import request_return
from reviews.tests.factories import ReviewFactory

EXAMPLES = 8
CONFIG = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# What a shopper, a bot or an attacker may type: the troublemakers by name, then anything.
NASTY = [
    "²", "٣", "①", "-1", "0", "-0", "1e9", "NaN", "99999999999999999999999", "1.5", " 7 ", "",
    "\x00", "a\x00b", "<script>", "../../etc/passwd", "%00", "'; --", "ﬁ", "\u202e", "🧥" * 30, "x" * 5000,
]  # fmt: skip
# A browser cannot send a lone surrogate in a form (it is not UTF-8), so web fields leave them out.
WEB_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.integers().map(str),
)
JSON_TEXT = st.one_of(WEB_TEXT, st.sampled_from(["\ud800", "a\udfffb", "\ud83d"]), st.text(max_size=10))
JSON_VALUE = st.one_of(
    JSON_TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.lists(JSON_TEXT, max_size=3)
)

LISTING = ["page", "sort", "min", "max", "in_stock", "sale", "sub", "brand", "size", "color", "lang", "market"]
ADDRESS = ["title", "street", "building", "apartment", "city", "state", "postal_code", "make_default"]

# Route name: (method, path, fields). Paths name the rows of `world` in braces.
WEB = {
    "root": ("GET", "/", ["lang", "market"]),
    "robots_txt": ("GET", "/robots.txt", ["lang"]),
    "favicon": ("GET", "/favicon.ico", ["v"]),
    "sitemap_index": ("GET", "/sitemap.xml", ["p"]),
    "sitemap": ("GET", "/sitemap-products-kg.xml", ["p"]),
    "switch_market": ("POST", "/market/", ["market", "next"]),
    "csrf_token": ("GET", "/csrf/", ["x"]),
    "switch_language": ("POST", "/language/", ["language", "next"]),
    "sign_in": ("POST", "/accounts/login/", ["phone", "next"]),
    "enter_code": ("POST", "/accounts/login/code/", ["code", "next"]),
    "sign_out": ("POST", "/accounts/logout/", ["next"]),
    "sign_up": ("POST", "/accounts/signup/", ["phone", "next"]),
    "inactive": ("GET", "/accounts/inactive/", ["next"]),
    "profile": ("POST", "/accounts/profile/", ["full_name", "email", "language"]),
    "address_list": ("GET", "/accounts/addresses/", ["page"]),
    "address_create": ("POST", "/accounts/addresses/new/", [*ADDRESS, "next"]),
    "address_update": ("POST", "/accounts/addresses/{address}/", ADDRESS),
    "address_delete": ("POST", "/accounts/addresses/{address}/delete/", ["next"]),
    "address_set_default": ("POST", "/accounts/addresses/{address}/default/", ["next"]),
    "payment_method_list": ("GET", "/accounts/payment-methods/", ["page"]),
    "payment_method_create": (
        "POST",
        "/accounts/payment-methods/new/",
        ["payment_type", "card_type", "last4", "expiry_month", "expiry_year", "card_holder_name", "make_default"],
    ),
    "card_setup_start": ("POST", "/accounts/payment-methods/stripe/", ["next"]),
    "card_setup_return": ("GET", "/accounts/payment-methods/stripe/return/", ["session_id"]),
    "payment_method_delete": ("POST", "/accounts/payment-methods/{payment_method}/delete/", ["next"]),
    "payment_method_set_default": ("POST", "/accounts/payment-methods/{payment_method}/default/", ["next"]),
    "notification_list": ("GET", "/accounts/notifications/", ["page"]),
    "notification_mark_read": ("POST", "/accounts/notifications/{notification}/read/", ["page"]),
    "notification_mark_all_read": ("POST", "/accounts/notifications/read-all/", ["page"]),
    "unread_badge": ("GET", "/accounts/notifications/badge/", ["x"]),
    "review_list": ("GET", "/accounts/reviews/", ["page"]),
    "alert_list": ("GET", "/accounts/alerts/", ["page"]),
    "alert_stop": ("POST", "/accounts/alerts/{stock_alert}/stop/", ["next"]),
    "message_preferences": (
        "POST",
        "/accounts/email/preferences/",
        ["order_updates_sms", "order_updates_email", "shipping_updates_sms", "shipping_updates_email"],
    ),
    "email_resend": ("POST", "/accounts/email/resend/", ["x"]),
    "email_verify": ("GET", "/accounts/email/verify/not-a-token/", ["x"]),
    "stripe_webhook": ("POST", "/payments/stripe/webhook/", ["type", "data"]),
    "home": ("GET", "/kg/", ["lang"]),
    "product_list": ("GET", "/kg/products/", LISTING),
    "best_sellers": ("GET", "/kg/best-sellers/", LISTING),
    "category_detail": ("GET", "/kg/c/{category}/", LISTING),
    "subcategory_detail": ("GET", "/kg/c/{category}/{subcategory}/", LISTING),
    "product_detail": ("GET", "/kg/p/{product}/", ["color", "size", "reviews", "reviews_sort", "lang"]),
    "search": ("GET", "/kg/search/", ["q", *LISTING]),
    "search_suggestions": ("GET", "/kg/search/suggestions/", ["q"]),
    "banner_click": ("GET", "/kg/b/c/not-a-token/", ["x"]),
    "banner_impressions": ("POST", "/kg/b/impressions/", ["ids"]),
    "cart_detail": ("GET", "/kg/cart/", ["x"]),
    "cart_add": ("POST", "/kg/cart/add/", ["sku", "product", "quantity", "size", "color", "next"]),
    "cart_update": ("POST", "/kg/cart/lines/{cart_line}/update/", ["set", "quantity", "next"]),
    "cart_remove": ("POST", "/kg/cart/lines/{cart_line}/remove/", ["next"]),
    "cart_clear": ("POST", "/kg/cart/clear/", ["next"]),
    "cart_code_apply": ("POST", "/kg/cart/code/", ["code", "next"]),
    "cart_code_remove": ("POST", "/kg/cart/code/remove/", ["next"]),
    "cart_badge": ("GET", "/kg/cart/badge/", ["x"]),
    "mini_cart": ("GET", "/kg/cart/mini/", ["x"]),
    "wishlist_detail": ("GET", "/kg/wishlist/", ["page"]),
    "wishlist_toggle": ("POST", "/kg/wishlist/toggle/{product_id}/", ["next"]),
    "wishlist_remove": ("POST", "/kg/wishlist/items/{wishlist_item}/remove/", ["next"]),
    "wishlist_move_to_cart": ("POST", "/kg/wishlist/items/{wishlist_item}/move/", ["sku", "next"]),
    "wishlist_clear": ("POST", "/kg/wishlist/clear/", ["next"]),
    "wishlist_badge": ("GET", "/kg/wishlist/badge/", ["x"]),
    "checkout": ("POST", "/kg/checkout/", ["address", "payment_method", "delivery_notes", "checkout_key"]),
    "checkout_summary": ("GET", "/kg/checkout/summary/", ["address", "payment_method"]),
    "checkout_address": ("POST", "/kg/checkout/address/", [*ADDRESS, "payment_method", "delivery_notes"]),
    "order_list": ("GET", "/kg/orders/", ["page"]),
    "order_detail": ("GET", "/kg/orders/{order}/", ["x"]),
    "order_confirmation": ("GET", "/kg/orders/{order}/confirmation/", ["x"]),
    "order_cancel": ("POST", "/kg/orders/{order}/cancel/", ["reason", "notes"]),
    "order_cancel_confirm": ("GET", "/kg/orders/{order}/cancel/confirm/", ["x"]),
    "order_pay": ("POST", "/kg/orders/{order}/pay/", ["x"]),
    "order_test_payment": ("POST", "/kg/orders/{order}/pay/test/", ["outcome"]),
    "order_paid": ("GET", "/kg/orders/{order}/paid/", ["session_id"]),
    "order_payment_status": ("GET", "/kg/orders/{order}/payment-status/", ["x"]),
    "order_receipt": ("GET", "/kg/orders/{order}/receipt/", ["x"]),
    "help_index": ("GET", "/kg/help/", ["lang"]),
    "help_page": ("GET", "/kg/help/delivery/", ["lang"]),
    "review_create": ("POST", "/kg/orders/{order}/review/{product_id}/", ["rating", "title", "comment", "next"]),
    "review_helpful": ("POST", "/kg/reviews/{review}/helpful/", ["next"]),
    "return_create": ("POST", "/kg/orders/{delivered_order}/return/", ["reason", "note", "quantity_{return_line}"]),
    "return_detail": ("GET", "/kg/returns/{return_request}/", ["x"]),
    "alert_add": ("POST", "/kg/alerts/add/", ["sku", "next"]),
    "alert_remove": ("POST", "/kg/alerts/remove/", ["sku", "next"]),
    # The admin's sales dashboard (staff only: a shopper is sent to the admin's sign-in).
    "dashboard": ("GET", "/admin/dashboard/", ["days", "start", "end"]),
    "dashboard_csv": ("GET", "/admin/dashboard/kg/sales.csv", ["days", "start", "end"]),
}
# Routes that take no input of their own: allauth's names for the sign-in pages listed above.
ALIASES = {"account_login", "account_logout", "account_signup", "account_inactive"}


def _api_operations():
    """(method, path, query parameter names, body field names) of every operation in the API schema."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    components = document.get("components", {}).get("schemas", {})

    def properties(schema):
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[1]]
        names = list(schema.get("properties", {}))
        for part in schema.get("allOf", []) + schema.get("oneOf", []):
            names += properties(part)
        return names

    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            content = operation.get("requestBody", {}).get("content", {})
            body = properties(content["application/json"]["schema"]) if "application/json" in content else []
            operations.append((method.upper(), path, query, body))
    return operations


API = _api_operations()


@pytest.fixture
def world(db, client):
    """A signed-in KG shopper with a bit of everything: addresses, cart, wishlist, orders, notifications."""
    user = KGUserFactory(full_name="Aida Toktogulova")
    category = CategoryFactory(market="KG")
    subcategory = SubcategoryFactory(category=category)
    product = ProductFactory(market="KG", category=category, subcategory=subcategory, price=Decimal("2990"))
    sku = SKUFactory(product=product, stock=50)
    address = AddressFactory(user=user, is_default=True)
    CartItemFactory(cart=CartFactory(user=user), sku=sku, quantity=1)
    order = OrderFactory(user=user)
    OrderItemFactory(order=order, sku=sku)
    delivered = OrderFactory(user=user, status="delivered", delivered_date=timezone.now())
    return_line = OrderItemFactory(order=delivered, sku=sku, quantity=2)
    return_request = request_return(user=user, order=delivered, quantities={return_line.pk: 1}, reason="damaged")
    wishlist_item = WishlistItem.objects.create(wishlist=Wishlist.objects.create(user=user), product=product)
    client.force_login(user)
    return {
        "user": user,
        "client": client,
        "category": category.slug,
        "subcategory": subcategory.slug,
        "product": product.slug,
        "product_id": product.pk,
        "address": address.pk,
        "payment_method": PaymentMethodFactory(user=user, payment_type="cash").pk,
        "notification": NotificationFactory(user=user).pk,
        "cart_line": user.cart.items.get().pk,
        "wishlist_item": wishlist_item.pk,
        "order": order.order_number,
        "review": ReviewFactory(product=product).pk,
        "delivered_order": delivered.order_number,
        "return_line": return_line.pk,
        "return_request": return_request.pk,
        "stock_alert": StockAlert.objects.create(user=user, sku=SKUFactory(product=product, stock=0)).pk,
    }


@pytest.fixture(autouse=True)
def _offline(settings, sms_outbox):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.KG_SMS_GATEWAY_LOGIN = settings.KG_SMS_GATEWAY_PASSWORD = ""


def _routes(patterns, prefix=""):
    """(full pattern, URL pattern) of every route but the admin's."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            if getattr(pattern, "namespace", None) != "admin":
                yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_every_route_is_listed():
    """A new page or endpoint joins WEB here, or the API schema (and so API) covers it."""
    unlisted = set()
    for route, pattern in _routes(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # the schema lists the API's operations (test_the_schema_... checks it is complete)
        if pattern.name not in WEB and pattern.name not in ALIASES:
            unlisted.add(route)
    assert unlisted == set()
    assert len(API) > 30


def _send(client, method, url, values, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(url, values, headers=headers)
    return client.post(url, values, headers=headers)


@pytest.mark.parametrize("route", sorted(WEB))
@CONFIG
@given(data=st.data())
def test_no_web_input_is_a_server_error(world, route, data):
    method, path, fields = WEB[route]
    values = data.draw(
        st.fixed_dictionaries({name.format(**world): st.lists(WEB_TEXT, min_size=1, max_size=2) for name in fields})
    )

    response = _send(world["client"], method, path.format(**world), values, htmx=data.draw(st.booleans()))

    assert response.status_code < 500, (route, values, response.status_code)


@pytest.mark.parametrize(("method", "path", "query", "body"), API, ids=[f"{m} {p}" for m, p, _q, _b in API])
@CONFIG
@given(data=st.data())
def test_no_api_input_is_a_server_error(world, method, path, query, body, data):
    params = data.draw(st.fixed_dictionaries(dict.fromkeys(query, WEB_TEXT)))
    fields = data.draw(st.fixed_dictionaries(dict.fromkeys(body, JSON_VALUE)))
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if data.draw(st.booleans()):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(world['user']).access_token}")
    url = path.replace("{slug}", world["product"]).replace("{number}", world["order"])
    url = url.replace("{id}", str(world["return_request"]))
    if params:
        url += "?" + urlencode(params)
    # json.dumps escapes a lone surrogate ("\ud800"), as any JSON library sends it.
    payload = json.dumps(fields) if body else None

    response = getattr(client, method.lower())(url, payload, content_type="application/json")

    assert response.status_code < 500, (method, path, params, fields, response.status_code)
