from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/add/", views.alert_add, name="alert_add"),
    path("alerts/remove/", views.alert_remove, name="alert_remove"),
]
