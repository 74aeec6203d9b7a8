"""Every action of the web's account and order pages has a route in the JSON API.

WEB_TO_API maps each web page or action (its URL name) to the API operation doing the same (method
and path under /api/v1/); WEB_ONLY names the web pages that have no API twin and why. A new account
or order page on the web fails `test_every_account_and_order_page_of_the_web_is_accounted_for` until
it is mapped to its API route or listed as web-only.
"""

import pytest
from django.urls import Resolver404, resolve

from accounts.urls import account_patterns
from checkout.urls import urlpatterns as checkout_patterns
from reviews.urls import account_patterns as review_account_patterns
from reviews.urls import urlpatterns as review_patterns

WEB_TO_API = {
    # the profile
    "accounts:profile": [("GET", "profile"), ("PUT", "profile")],
    # addresses
    "accounts:address_list": [("GET", "profile/addresses")],
    "accounts:address_create": [("POST", "profile/addresses")],
    "accounts:address_update": [("GET", "profile/addresses/1"), ("PUT", "profile/addresses/1")],
    "accounts:address_delete": [("DELETE", "profile/addresses/1")],
    "accounts:address_set_default": [("POST", "profile/addresses/1/default")],
    # payment methods (a US card through Stripe: a pm_… id from Stripe's SDK instead of Stripe's page)
    "accounts:payment_method_list": [("GET", "profile/payment-methods")],
    "accounts:payment_method_create": [("POST", "profile/payment-methods")],
    "accounts:card_setup_start": [("POST", "profile/payment-methods")],
    "accounts:card_setup_return": [("POST", "profile/payment-methods")],
    "accounts:payment_method_delete": [("DELETE", "profile/payment-methods/1")],
    "accounts:payment_method_set_default": [("POST", "profile/payment-methods/1/default")],
    # notifications
    "accounts:notification_list": [("GET", "profile/notifications")],
    "accounts:notification_mark_read": [("POST", "profile/notifications/1/read")],
    "accounts:notification_mark_all_read": [("POST", "profile/notifications/read-all")],
    "accounts:unread_badge": [("GET", "profile/notifications")],  # the page carries unread_count
    # reviews
    "accounts:review_list": [("GET", "profile/reviews"), ("GET", "profile/reviews/awaiting")],
    "reviews:review_create": [("POST", "orders/MQ-7F3K9QX2/reviews")],
    # orders
    "checkout:checkout": [("POST", "orders/create")],
    "checkout:order_list": [("GET", "orders"), ("GET", "profile/orders")],
    "checkout:order_detail": [("GET", "orders/MQ-7F3K9QX2")],
    "checkout:order_confirmation": [("GET", "orders/MQ-7F3K9QX2")],
    "checkout:order_cancel": [("POST", "orders/MQ-7F3K9QX2/cancel")],
    "checkout:order_cancel_confirm": [("GET", "orders/MQ-7F3K9QX2")],  # can_cancel says whether it may
    "checkout:order_payment_status": [("GET", "orders/MQ-7F3K9QX2")],  # payment_status, awaiting_payment
}

# Web pages of these areas with no API twin, and why.
WEB_ONLY = {
    "accounts:sign_in": "the API signs in with auth/send-verification and auth/verify-code",
    "accounts:enter_code": "the API signs in with auth/send-verification and auth/verify-code",
    "accounts:sign_out": "the API signs out with auth/logout",
    "accounts:sign_up": "the API signs up with auth/verify-code (a new number is a new account)",
    "accounts:inactive": "an HTML page for a deactivated account; the API answers 401",
    "reviews:review_helpful": "a vote on the product page, not an account or order action",
    "checkout:checkout_summary": "an HTMX partial of the checkout page",
    "checkout:checkout_address": "an HTMX partial of the checkout page",
    "checkout:order_pay": "paying again happens on the payment page the order's next step names",
    "checkout:order_test_payment": "the offline stand-in for Stripe's page, a web page by nature",
    "checkout:order_paid": "where Stripe's page returns the browser to",
}


def _names(namespace, patterns, prefixes=("",)):
    return {f"{namespace}:{p.name}" for p in patterns if p.name and p.name.startswith(prefixes)}


WEB_ACTIONS = (
    _names("accounts", account_patterns)
    | _names("accounts", review_account_patterns)
    | _names("reviews", review_patterns)
    | _names("checkout", checkout_patterns, ("checkout", "order_"))
)


def _allowed_methods(view):
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return {method.upper() for method in cls.http_method_names}


def test_every_account_and_order_page_of_the_web_is_accounted_for():
    unmapped = WEB_ACTIONS - set(WEB_TO_API) - set(WEB_ONLY)
    assert not unmapped, f"Web actions with no API route (map them in WEB_TO_API or explain in WEB_ONLY): {unmapped}"
    assert not set(WEB_TO_API) & set(WEB_ONLY)


@pytest.mark.parametrize(
    ("web", "method", "path"),
    [(web, method, path) for web, routes in WEB_TO_API.items() for method, path in routes],
)
def test_each_web_action_has_an_api_route_taking_its_method(web, method, path):
    try:
        match = resolve(f"/api/v1/{path}")
    except Resolver404:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{web}: no API route at /api/v1/{path}")
    assert match.url_name not in (None, "") and match.func.__name__ != "unknown", f"{web}: /api/v1/{path} is unrouted"
    assert method in _allowed_methods(match.func), f"{web}: /api/v1/{path} does not take {method}"


def test_the_new_account_actions_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    expected = {
        "/api/v1/orders/{number}/cancel": "post",
        "/api/v1/orders/{number}/reviews": "post",
        "/api/v1/profile/addresses/{address_id}": "put",
        "/api/v1/profile/addresses/{address_id}/default": "post",
        "/api/v1/profile/payment-methods": "post",
        "/api/v1/profile/payment-methods/{method_id}": "delete",
        "/api/v1/profile/payment-methods/{method_id}/default": "post",
        "/api/v1/profile/reviews": "get",
        "/api/v1/profile/reviews/awaiting": "get",
        "/api/v1/products/{slug}/reviews": "get",
        "/api/v1/profile/notifications/{notification_id}/read": "post",
        "/api/v1/profile/notifications/read-all": "post",
    }
    for path, method in expected.items():
        operation = paths[path][method]
        assert operation["tags"] and operation["summary"], path
