from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:scope>/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
