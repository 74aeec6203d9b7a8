"""Every API error is JSON of one shape: `{"error": {"code": "...", "message": "...", "details": {...}}}`.

`code` is stable and machine-readable; `message` is for a person. Views raise `ApiError` (or one of
DRF's exceptions); the handler below turns everything, DRF's own errors included, into that shape.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler


class ApiError(exceptions.APIException):
    """An error with its own code, message, HTTP status and optional details (and Retry-After)."""

    def __init__(self, code, message, *, status_code=status.HTTP_400_BAD_REQUEST, details=None, retry_after=None):
        super().__init__(detail=str(message), code=code)
        self.status_code = status_code
        self.error_code = code
        self.details = details or {}
        self.retry_after = retry_after


def conflict(code, message, **kwargs):
    """409: the request is fine but the state of things refuses it (stock, a workflow step)."""
    return ApiError(code, message, status_code=status.HTTP_409_CONFLICT, **kwargs)


DEFAULT_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "too_many_requests",
}


def error_body(code, message, details=None):
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def exception_handler(exc, context):
    """DRF's handler, answering in the project's error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = error_body(exc.error_code, exc.detail, exc.details)
        if exc.retry_after is not None:
            response["Retry-After"] = str(int(exc.retry_after))
        return response
    code = DEFAULT_CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", _("Some fields are not valid."), details)
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    specific = getattr(detail, "code", None)
    if isinstance(detail, dict):
        # simplejwt answers a bad token with a dict holding `detail` and `code`.
        specific = detail.get("code") or specific
        detail = detail.get("detail", "")
    if isinstance(specific, str) and specific not in ("invalid", "error") and response.status_code == 401:
        code = specific
    response.data = error_body(code, detail or response.status_text)
    return response


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable.")
    message = serializers.CharField(help_text="For a person, in the request's language.")
    details = serializers.DictField(help_text="Field errors or extra facts (such as tries_left).")


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (for the OpenAPI schema)."""

    error = ErrorDetailSerializer()


def error_responses(*codes):
    """drf-spectacular responses for the error statuses an endpoint can answer with."""
    described = {
        400: "Bad input (`invalid` with field details, or a specific code).",
        401: "No or an expired access token.",
        404: "Not one of the caller's own (or no such) objects.",
        409: "Stock conflict.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=described[code]) for code in codes}


def valid(serializer_class, request):
    """The request body validated by `serializer_class`; the one error shape (400) otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
