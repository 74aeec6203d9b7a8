"""Sign-in and the account area, under /accounts/ (no market prefix: the market follows the phone).

The root URLconf includes `account_patterns` in the `accounts` namespace together with the account
pages of apps above this one (the shopper's reviews), and `allauth_patterns` without a namespace.
"""

from django.urls import path

from accounts import views

account_patterns = [
    path("login/", views.sign_in, name="sign_in"),
    path("login/code/", views.enter_code, name="enter_code"),
    path("logout/", views.sign_out, name="sign_out"),
    path("signup/", views.sign_up, name="sign_up"),
    path("inactive/", views.inactive, name="inactive"),
    path("profile/", views.profile, name="profile"),
    path("addresses/", views.address_list, name="address_list"),
    path("addresses/new/", views.address_create, name="address_create"),
    path("addresses/<int:pk>/", views.address_update, name="address_update"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("addresses/<int:pk>/default/", views.address_set_default, name="address_set_default"),
    path("payment-methods/", views.payment_method_list, name="payment_method_list"),
    path("payment-methods/new/", views.payment_method_create, name="payment_method_create"),
    path("payment-methods/stripe/", views.card_setup_start, name="card_setup_start"),
    path("payment-methods/stripe/return/", views.card_setup_return, name="card_setup_return"),
    path("payment-methods/<int:pk>/delete/", views.payment_method_delete, name="payment_method_delete"),
    path("payment-methods/<int:pk>/default/", views.payment_method_set_default, name="payment_method_set_default"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_mark_read, name="notification_mark_read"),
    path("notifications/read-all/", views.notification_mark_all_read, name="notification_mark_all_read"),
    path("notifications/badge/", views.unread_badge, name="unread_badge"),
]

# The names allauth itself reverses (LOGIN_URL, inactive accounts, its middleware).
allauth_patterns = [
    path("login/", views.sign_in, name="account_login"),
    path("logout/", views.sign_out, name="account_logout"),
    path("signup/", views.sign_up, name="account_signup"),
    path("inactive/", views.inactive, name="account_inactive"),
]
