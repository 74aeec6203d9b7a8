from django.urls import path

from help import views

app_name = "help"

urlpatterns = [
    path("", views.help_index, name="help_index"),
    path("<slug:slug>/", views.help_page, name="help_page"),
]
