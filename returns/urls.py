"""Return pages under the market prefix (namespace `returns`)."""

from django.urls import path

from returns import views

app_name = "returns"

urlpatterns = [
    path("orders/<slug:number>/return/", views.return_create, name="return_create"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
]
