"""The product page's alert buttons under the market prefix (namespace `alerts`), and the shopper's
alerts among their account pages (`/accounts/alerts/`, in the `accounts` namespace, which the root
URLconf puts together from the apps)."""

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/add/", views.alert_add, name="alert_add"),
    path("alerts/remove/", views.alert_remove, name="alert_remove"),
]

account_patterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/stop/", views.alert_stop, name="alert_stop"),
]
