"""Filled in by the API modules."""

urlpatterns = []
