"""returns…: the signed-in caller's return requests (api.returns)."""

from django.urls import path

from api import returns

urlpatterns = [
    path("returns", returns.return_list, name="return_list"),
    path("returns/<int:pk>", returns.return_detail, name="return_detail"),
]
