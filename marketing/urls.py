from django.urls import path

from marketing import views

app_name = "marketing"

urlpatterns = [
    path("c/<str:token>/", views.banner_click, name="banner_click"),
    path("impressions/", views.banner_impressions, name="banner_impressions"),
]
