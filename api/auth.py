"""Sign-in for the apps: phone → SMS code → a JWT pair, refresh and sign-out.

The code policy is the web's own (accounts/codes.py): the same VerificationCode rows, limits,
lifetimes and tries. The web binds a code to the browser session; the API has none, so
`send-verification` answers an opaque `verification_token`, stored as the code's `session_key`,
that `verify-code` must present. A new number signs up in the same flow
(accounts.services.find_or_create_shopper), its market following the number.
"""

import secrets

from allauth.account.adapter import get_adapter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts import codes, services
from accounts.forms import CodeForm
from accounts.models import VerificationCode
from api.errors import ApiError, ErrorSerializer
from api.profile import ProfileSerializer
from storefront.markets import PhoneNumberRefused, normalize_phone

TOKEN_PREFIX = "api_"  # noqa: S105 - a marker, not a secret


def new_verification_token() -> str:
    """An opaque, unguessable key binding a code to the client that asked for it (fits session_key)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _refused_phone(exc: PhoneNumberRefused):
    code = "unsupported_country" if getattr(exc, "code", "") == "unsupported_country" else "invalid_phone"
    message = exc.messages[0]
    return ApiError(code, message, details={"phone": [message]})


# --- serializers --------------------------------------------------------------------------------


class PhoneField(serializers.CharField):
    """A +996 or +1 number, normalized to E.164 exactly as the web sign-in does."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", "Kyrgyzstan (+996) or United States (+1) number, with the country code.")
        super().__init__(**kwargs)


class SendVerificationSerializer(serializers.Serializer):
    phone = PhoneField()


class SendVerificationResponseSerializer(serializers.Serializer):
    phone = serializers.CharField(help_text="The number in E.164, as the code was sent to it.")
    verification_token = serializers.CharField(help_text="Present it to verify-code with the code from the SMS.")
    message = serializers.CharField()


class VerifyCodeSerializer(serializers.Serializer):
    phone = PhoneField()
    code = serializers.CharField(max_length=32, help_text="The 6 digits from the SMS.")
    verification_token = serializers.CharField(max_length=64)

    def validate_code(self, value):
        form = CodeForm({"code": value})
        if not form.is_valid():
            raise serializers.ValidationError(form.errors["code"])
        return form.cleaned_data["code"]


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class SignedInSerializer(TokenPairSerializer):
    user = ProfileSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


def _phone_from(serializer):
    """The validated number, or the same refusal the web gives (before any row or SMS exists)."""
    serializer.is_valid(raise_exception=True)
    try:
        phone, _market = normalize_phone(serializer.validated_data["phone"])
    except PhoneNumberRefused as exc:
        raise _refused_phone(exc) from None
    return phone


def _client_ip(request):
    return get_adapter(request._request).get_client_ip(request._request)


ERRORS_400 = OpenApiResponse(ErrorSerializer, description="Invalid input (field errors in details).")
ERRORS_401 = OpenApiResponse(ErrorSerializer, description="Missing, expired or blacklisted token.")


# --- views --------------------------------------------------------------------------------------


@extend_schema(
    tags=["auth"],
    summary="Text a sign-in code to a phone number",
    description=(
        "Sends a 6-digit code by SMS, whether or not the number has an account (a new number signs up "
        "with it): the answer is the same for both. Only +996 and +1 numbers. Limits per number (minute, "
        "day) and per IP address answer 429 with Retry-After. Keep `verification_token` for verify-code."
    ),
    request=SendVerificationSerializer,
    responses={
        200: SendVerificationResponseSerializer,
        400: OpenApiResponse(ErrorSerializer, description="invalid, invalid_phone or unsupported_country."),
        429: OpenApiResponse(ErrorSerializer, description="too_many_requests; Retry-After in seconds."),
        503: OpenApiResponse(ErrorSerializer, description="sms_not_sent: the SMS provider failed; try again."),
    },
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def send_verification(request):
    phone = _phone_from(SendVerificationSerializer(data=request.data))
    token = new_verification_token()
    try:
        verification = codes.issue_code(phone=phone, session_key=token, ip_address=_client_ip(request))
    except PhoneNumberRefused as exc:
        raise _refused_phone(exc) from None
    except codes.CodeLimitExceeded as exc:
        raise ApiError(
            "too_many_requests",
            exc.message,
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            retry_after=exc.retry_after,
        ) from None
    # With the immediate task backend the SMS has been handed to the provider by now.
    if VerificationCode.objects.filter(pk=verification.pk, send_failed=True).exists():
        raise ApiError(
            "sms_not_sent",
            _("We could not send the code right now, try again in a minute."),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            retry_after=60,
        )
    body = {
        "phone": verification.phone,
        "verification_token": token,
        "message": _("We texted a 6-digit code to %(phone)s. It is valid for a few minutes and works once.")
        % {"phone": verification.phone},
    }
    return Response(body)


def tokens_for(user) -> dict:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@extend_schema(
    tags=["auth"],
    summary="Sign in (or up) with the code from the SMS",
    description=(
        "At most 3 wrong tries per code; a code works once, within its lifetime, and only with the "
        "`verification_token` it was sent with. Error codes: wrong (details.tries_left), expired, used, "
        "too_many_tries, unknown; account_inactive (403) for a closed account."
    ),
    request=VerifyCodeSerializer,
    responses={
        200: SignedInSerializer,
        400: OpenApiResponse(ErrorSerializer, description="wrong, expired, used, too_many_tries, unknown, invalid."),
        403: OpenApiResponse(ErrorSerializer, description="account_inactive."),
    },
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def verify_code(request):
    serializer = VerifyCodeSerializer(data=request.data)
    phone = _phone_from(serializer)
    token = serializer.validated_data["verification_token"]
    verification_id = (
        VerificationCode.objects.filter(phone=phone, session_key=token).values_list("pk", flat=True).first()
    )
    try:
        verification = codes.verify_code(
            verification_id=verification_id or 0, session_key=token, code=serializer.validated_data["code"]
        )
    except codes.CodeRejected as exc:
        message = str(exc.message)
        details = {}
        if exc.tries_left:
            left = ngettext("%(n)d try left.", "%(n)d tries left.", exc.tries_left)
            message = f"{message} {left % {'n': exc.tries_left}}"
            details["tries_left"] = exc.tries_left
        raise ApiError(exc.reason, message, details=details) from None
    language = getattr(request._request, "LANGUAGE_CODE", "") or ""
    user, _created = services.find_or_create_shopper(verification=verification, language=language)
    if not user.is_active:
        raise ApiError(
            "account_inactive",
            _("The account of this phone number cannot sign in. Contact us if you think this is a mistake."),
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return Response({**tokens_for(user), "user": ProfileSerializer(user).data})


@extend_schema(
    tags=["auth"],
    summary="A new token pair for a refresh token",
    description="The refresh token is rotated: the one sent is blacklisted and a new pair comes back.",
    request=RefreshSerializer,
    responses={200: TokenPairSerializer, 400: ERRORS_400, 401: ERRORS_401},
    auth=[],
)
class RefreshView(TokenRefreshView):
    pass


@extend_schema(
    tags=["auth"],
    summary="Sign out: blacklist the refresh token",
    description=(
        "The refresh token can no longer be used. The access token expires on its own within minutes "
        "(JWT_ACCESS_MINUTES); apps should forget it now."
    ),
    request=RefreshSerializer,
    responses={
        204: OpenApiResponse(description="Signed out."),
        400: OpenApiResponse(ErrorSerializer, description="invalid, or token_not_valid for a bad refresh token."),
        401: ERRORS_401,
    },
)
@api_view(["POST"])
def logout(request):
    serializer = RefreshSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        refresh = RefreshToken(serializer.validated_data["refresh"])
        if str(refresh.payload.get("user_id")) != str(request.user.pk):
            raise TokenError("not the caller's token")
        refresh.blacklist()
    except TokenError:
        raise ApiError(
            "token_not_valid",
            gettext_lazy("This refresh token is not valid or has expired."),
        ) from None
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["auth"],
    summary="The signed-in shopper's profile",
    responses={200: ProfileSerializer, 401: ERRORS_401},
)
@api_view(["GET"])
def auth_profile(request):
    return Response(ProfileSerializer(request.user).data)
