"""The signed-in shopper's own account: profile, addresses, order summaries and notifications.

Every list and every lookup starts from `request.user`, so nobody else's rows can appear and
anyone else's id is a 404. Input is validated by the web's own forms (ProfileForm, AddressForm: the
same per-market rules) and saved by the same services (accounts.services.update_profile,
save_address, set_default_address, delete_address, mark_notification_read, …).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import services
from accounts.forms import AddressForm, ProfileForm
from accounts.models import Address, Notification, User
from accounts.selectors import unread_notifications
from api.errors import ApiError, ErrorSerializer
from api.fields import MAX_ID
from api.orders import ORDER_PAGE_PARAMETERS, OrderPageSerializer, orders_page
from api.pagination import Pages
from storefront.markets import US_STATES, Language

ERRORS_400 = OpenApiResponse(ErrorSerializer, description="invalid: field errors in details.")
ERRORS_401 = OpenApiResponse(ErrorSerializer, description="Missing, expired or blacklisted token.")
ERRORS_404 = OpenApiResponse(ErrorSerializer, description="Not one of your own (or no such) objects.")


def own(request, related_name, pk, code, message):
    """`request.user.<related_name>` row `pk`, or a 404 with `code` (anyone else's row included)."""
    obj = getattr(request.user, related_name).filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise ApiError(code, message, status_code=status.HTTP_404_NOT_FOUND)
    return obj


def _invalid(details):
    return ApiError("invalid", _("Some fields are not valid."), details=details)


def valid_form(form):
    """`form`'s cleaned data, or a 400 carrying its field errors (form-wide ones as non_field_errors)."""
    if not isinstance(form.data, dict):
        raise _invalid({"non_field_errors": [str(_("Send a JSON object."))]})
    if not form.is_valid():
        raise _invalid(_errors_of(form.errors))
    return dict(form.cleaned_data)


def _errors_of(errors):
    return {("non_field_errors" if field == NON_FIELD_ERRORS else field): list(msgs) for field, msgs in errors.items()}


def _service_errors(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return _invalid(_errors_of({field: exc.message_dict[field] for field in exc.error_dict}))
    return _invalid({"non_field_errors": exc.messages})


# --- profile ------------------------------------------------------------------------------------


class ProfileSerializer(serializers.ModelSerializer):
    """A shopper as the apps see them; market and currency follow the phone number."""

    # Blank until the shopper gives one, so not declared as an email format.
    email = serializers.CharField(read_only=True, help_text="The shopper's email, or blank.")

    class Meta:
        model = User
        fields = ["id", "phone", "full_name", "email", "language", "market", "currency"]
        read_only_fields = fields


class ProfileUpdateSerializer(serializers.Serializer):
    """What PUT profile takes (the web profile form's fields)."""

    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=Language.choices, help_text="One of your market's languages (KG: ru, ky, en; US: en)."
    )


@extend_schema(
    tags=["profile"], summary="Your profile", methods=["GET"], responses={200: ProfileSerializer, 401: ERRORS_401}
)
@extend_schema(
    tags=["profile"],
    summary="Change your name, email and language",
    description="Market and currency follow your phone number and cannot be changed.",
    methods=["PUT"],
    request=ProfileUpdateSerializer,
    responses={200: ProfileSerializer, 400: ERRORS_400, 401: ERRORS_401},
)
@api_view(["GET", "PUT"])
def profile(request):
    user = request.user
    if request.method == "PUT":
        data = valid_form(ProfileForm(request.data, market=user.market_config))
        try:
            services.update_profile(user=user, **data)
        except DjangoValidationError as exc:
            raise _service_errors(exc) from None
    return Response(ProfileSerializer(user).data)


# --- addresses ----------------------------------------------------------------------------------


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "title",
            "street",
            "building",
            "apartment",
            "city",
            "state",
            "postal_code",
            "country",
            "full_address",
            "is_default",
            "created_at",
        ]
        read_only_fields = fields


class AddressInputSerializer(serializers.Serializer):
    """A new address; KG: city from the market's list, optional 6-digit postal code; US: state and ZIP."""

    title = serializers.CharField(max_length=60, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200)
    building = serializers.CharField(max_length=30, required=False, allow_blank=True)
    apartment = serializers.CharField(max_length=30, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    state = serializers.ChoiceField(choices=list(US_STATES), required=False, help_text="US only (required there).")
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    make_default = serializers.BooleanField(required=False, default=False)


@extend_schema(
    tags=["profile"],
    summary="Your addresses",
    methods=["GET"],
    responses={200: AddressSerializer(many=True), 401: ERRORS_401},
)
@extend_schema(
    tags=["profile"],
    summary="Add an address",
    description="Your first address, or one sent with make_default, becomes the default.",
    methods=["POST"],
    request=AddressInputSerializer,
    responses={201: AddressSerializer, 400: ERRORS_400, 401: ERRORS_401},
)
@api_view(["GET", "POST"])
def addresses(request):
    user = request.user
    if request.method == "POST":
        data = valid_form(AddressForm(request.data, market=user.market_config))
        make_default = data.pop("make_default", False)
        address = services.save_address(user=user, data=data, make_default=make_default)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)
    return Response(AddressSerializer(user.addresses.all(), many=True).data)


ADDRESS_ID = OpenApiParameter(
    "address_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="One of your addresses."
)


def _own_address(request, address_id):
    return own(request, "addresses", address_id, "address_not_found", _("Choose one of your delivery addresses."))


@extend_schema(
    tags=["profile"],
    operation_id="profile_addresses_retrieve",
    summary="One of your addresses",
    methods=["GET"],
    parameters=[ADDRESS_ID],
    responses={200: AddressSerializer, 401: ERRORS_401, 404: ERRORS_404},
)
@extend_schema(
    tags=["profile"],
    operation_id="profile_addresses_update",
    summary="Change an address",
    description=(
        "Send the whole address, as the web's address form does (the same per-market rules). "
        "make_default makes it your default; the default stays the default unless another one is made so."
    ),
    methods=["PUT"],
    parameters=[ADDRESS_ID],
    request=AddressInputSerializer,
    responses={200: AddressSerializer, 400: ERRORS_400, 401: ERRORS_401, 404: ERRORS_404},
)
@extend_schema(
    tags=["profile"],
    operation_id="profile_addresses_destroy",
    summary="Delete an address",
    description="When it was your default, your newest remaining address becomes the default. 204, no body.",
    methods=["DELETE"],
    parameters=[ADDRESS_ID],
    responses={204: None, 401: ERRORS_401, 404: ERRORS_404},
)
@api_view(["GET", "PUT", "DELETE"])
def address_detail(request, address_id):
    address = _own_address(request, address_id)
    if request.method == "PUT":
        data = valid_form(AddressForm(request.data, market=request.user.market_config))
        make_default = data.pop("make_default", False)
        address = services.save_address(user=request.user, data=data, address=address, make_default=make_default)
    elif request.method == "DELETE":
        services.delete_address(address=address)
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(AddressSerializer(address).data)


@extend_schema(
    tags=["profile"],
    operation_id="profile_addresses_set_default",
    summary="Make an address your default",
    description="Your other addresses stop being the default. 200 with every address.",
    parameters=[ADDRESS_ID],
    request=None,
    responses={200: AddressSerializer(many=True), 401: ERRORS_401, 404: ERRORS_404},
)
@api_view(["POST"])
def address_set_default(request, address_id):
    services.set_default_address(address=_own_address(request, address_id))
    return Response(AddressSerializer(request.user.addresses.all(), many=True).data)


# --- orders -------------------------------------------------------------------------------------


@extend_schema(
    tags=["profile"],
    operation_id="profile_orders_list",
    summary="Your orders, newest first (the same list as GET orders)",
    parameters=ORDER_PAGE_PARAMETERS,
    responses={200: OrderPageSerializer, 400: ERRORS_400, 401: ERRORS_401},
)
@api_view(["GET"])
def orders(request):
    return orders_page(request)


# --- notifications ------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "type", "title", "message", "link_url", "unread", "is_read", "created_at"]
        read_only_fields = fields

    def get_unread(self, notification) -> bool:
        return not notification.is_read


class NotificationPages(Pages):
    """Pages that also say how many of the shopper's notifications are unread."""

    def get_paginated_response(self, data, *, unread_count=0):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = unread_count
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread_count"] = {"type": "integer", "example": 2}
        return schema


@extend_schema(
    tags=["profile"],
    summary="Your notifications, newest first",
    description="Each says whether it is unread; the page carries unread_count.",
    responses={200: NotificationSerializer, 400: ERRORS_400, 401: ERRORS_401},
)
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPages

    def get_queryset(self):
        return self.request.user.notifications.order_by("-created_at", "-pk")

    def get_paginated_response(self, data):
        count = unread_notifications(self.request.user).count()
        return self.paginator.get_paginated_response(data, unread_count=count)


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this call marked read.")
    unread_count = serializers.IntegerField(help_text="How many of your notifications are still unread.")


@extend_schema(
    tags=["profile"],
    operation_id="profile_notifications_read",
    summary="Mark one notification read",
    description="Idempotent: a notification already read stays read. 200 with the notification.",
    parameters=[
        OpenApiParameter(
            "notification_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="One of your notifications."
        )
    ],
    request=None,
    responses={200: NotificationSerializer, 401: ERRORS_401, 404: ERRORS_404},
)
@api_view(["POST"])
def notification_read(request, notification_id):
    notification = own(request, "notifications", notification_id, "notification_not_found", _("No such notification."))
    services.mark_notification_read(notification=notification)
    return Response(NotificationSerializer(notification).data)


@extend_schema(
    tags=["profile"],
    operation_id="profile_notifications_read_all",
    summary="Mark all your notifications read",
    request=None,
    responses={200: NotificationsMarkedSerializer, 401: ERRORS_401},
)
@api_view(["POST"])
def notifications_read_all(request):
    marked = services.mark_all_notifications_read(user=request.user)
    return Response({"marked": marked, "unread_count": unread_notifications(request.user).count()})
