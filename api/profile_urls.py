"""profile/…: the signed-in shopper's profile, addresses, payment methods, orders, reviews and
notifications."""

from django.urls import path

from api import payment_methods, profile, reviews

urlpatterns = [
    path("profile", profile.profile, name="profile"),
    path("profile/addresses", profile.addresses, name="profile_addresses"),
    path("profile/addresses/<int:address_id>", profile.address_detail, name="profile_address"),
    path("profile/addresses/<int:address_id>/default", profile.address_set_default, name="profile_address_default"),
    path("profile/payment-methods", payment_methods.payment_methods, name="profile_payment_methods"),
    path(
        "profile/payment-methods/<int:method_id>", payment_methods.payment_method_delete, name="profile_payment_method"
    ),
    path(
        "profile/payment-methods/<int:method_id>/default",
        payment_methods.payment_method_set_default,
        name="profile_payment_method_default",
    ),
    path("profile/orders", profile.orders, name="profile_orders"),
    path("profile/reviews", reviews.own_reviews, name="profile_reviews"),
    path("profile/reviews/awaiting", reviews.awaiting_reviews, name="profile_reviews_awaiting"),
    path("profile/notifications", profile.NotificationList.as_view(), name="profile_notifications"),
    path("profile/notifications/read-all", profile.notifications_read_all, name="profile_notifications_read_all"),
    path(
        "profile/notifications/<int:notification_id>/read", profile.notification_read, name="profile_notification_read"
    ),
]
