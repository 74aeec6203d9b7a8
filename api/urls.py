"""The JSON API v1 at /api/v1/: the seed's endpoints, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

app_name = "api"


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@schema(None)
def unknown(request, rest):
    """Any other path under /api/v1/: a JSON 404 like every other API error."""
    raise NotFound(f"No API endpoint at /api/v1/{rest[:100]}.")


urlpatterns = [
    path("auth/", include("api.auth_urls")),
    path("", include("api.profile_urls")),
    path("", include("api.catalog_urls")),
    path("", include("api.cart_urls")),
    path("", include("api.wishlist_urls")),
    path("", include("api.alerts_urls")),
    path("", include("api.order_urls")),
    path("", include("api.return_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^(?P<rest>.*)$", unknown),
]
