"""profile/…: the signed-in shopper's profile, addresses, orders and notifications."""

from django.urls import path

from api import profile

urlpatterns = [
    path("profile", profile.profile, name="profile"),
    path("profile/addresses", profile.addresses, name="profile_addresses"),
    path("profile/orders", profile.orders, name="profile_orders"),
    path("profile/notifications", profile.NotificationList.as_view(), name="profile_notifications"),
]
