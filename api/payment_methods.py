"""profile/payment-methods…: the signed-in shopper's saved ways to pay, on the web's services.

No card number or security code is ever taken or stored: a card is only its display copy (brand,
last 4 digits, expiry, holder). What may be saved follows the web exactly
(`accounts.services.add_payment_method`): a KG shopper saves cash on delivery or a bank transfer;
a US shopper saves a card, through Stripe once Stripe is configured (the app hands its card to
Stripe's SDK and sends the resulting `pm_…` id, which is read back from Stripe's API and must be
the shopper's: `accounts.stripe_cards.save_stripe_payment_method`), and a clearly labelled test
card before that. Removing a Stripe card also detaches it at Stripe, as on the web.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import services, stripe_cards
from accounts.forms import PaymentMethodForm
from accounts.models import PaymentMethod
from api.errors import ApiError
from api.profile import ERRORS_400, ERRORS_401, ERRORS_404, _invalid, _service_errors, own, valid_form
from storefront.markets import CardType, PaymentType


class PaymentMethodSerializer(serializers.ModelSerializer):
    payment_type_display = serializers.CharField(source="get_payment_type_display")
    card_type = serializers.CharField(
        help_text="visa, mastercard, mir or amex; blank for a way to pay that is no card."
    )
    card_type_display = serializers.CharField(source="get_card_type_display")
    card_number_masked = serializers.CharField(help_text="The last 4 digits only, such as •••• 4242; blank if no card.")
    is_test_card = serializers.SerializerMethodField(help_text="A test card, saved while Stripe is not configured.")
    via_stripe = serializers.SerializerMethodField(help_text="A card saved through Stripe.")

    class Meta:
        model = PaymentMethod
        fields = [
            "id",
            "payment_type",
            "payment_type_display",
            "card_type",
            "card_type_display",
            "card_number_masked",
            "expiry_month",
            "expiry_year",
            "card_holder_name",
            "is_default",
            "is_test_card",
            "via_stripe",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_test_card(self, method) -> bool:
        return method.gateway_reference.startswith(services.TEST_CARD_PREFIX)

    def get_via_stripe(self, method) -> bool:
        return method.gateway_reference.startswith("pm_")


class PaymentMethodInputSerializer(serializers.Serializer):
    """A way to pay to save: never a card number or a security code."""

    payment_type = serializers.ChoiceField(
        choices=PaymentType.choices, help_text="KG: cash or bank_transfer; US: card."
    )
    card_type = serializers.ChoiceField(
        choices=CardType.choices, required=False, help_text="A test card's brand (US without Stripe)."
    )
    last4 = serializers.CharField(
        min_length=4, max_length=4, required=False, help_text="A test card's last 4 digits, never the whole number."
    )
    expiry_month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    expiry_year = serializers.IntegerField(required=False)
    card_holder_name = serializers.CharField(max_length=100, required=False)
    stripe_payment_method = serializers.CharField(
        max_length=100,
        required=False,
        help_text="US with Stripe: the pm_… id Stripe's SDK returned for the card (its only card field).",
    )
    make_default = serializers.BooleanField(required=False, default=False)


def _own_methods(request):
    return request.user.payment_methods.all()


def _save_stripe_card(request, data):
    """A US card through Stripe: the `pm_…` id the app got from Stripe, read back from Stripe's API."""
    reference = data.get("stripe_payment_method")
    if not isinstance(reference, str) or not reference.strip():
        raise _invalid(
            {"stripe_payment_method": [str(_("Cards are saved through our payment provider's secure page."))]}
        )
    try:
        method = stripe_cards.save_stripe_payment_method(request.user, reference.strip())
    except stripe_cards.CardSetupError as error:
        raise ApiError(error.code, error.message, details={"stripe_payment_method": [error.message]}) from None
    if data.get("make_default") is True:
        services.set_default_payment_method(method=method)
    return method


def _save_from_form(request, data):
    """Any other way to pay: the web's PaymentMethodForm and `add_payment_method`."""
    market = request.user.market_config
    payment_types = services.allowed_payment_types(market)
    if "stripe_payment_method" in data:
        raise _invalid({"stripe_payment_method": [str(_("Cards cannot be saved online in your market."))]})
    form = PaymentMethodForm(data, payment_types=payment_types, market=market)
    cleaned = valid_form(form)
    try:
        return services.add_payment_method(user=request.user, **cleaned)
    except DjangoValidationError as exc:
        raise _service_errors(exc) from None


@extend_schema(
    tags=["profile"],
    operation_id="profile_payment_methods_list",
    summary="Your saved ways to pay",
    description="The default first, then the newest.",
    methods=["GET"],
    responses={200: PaymentMethodSerializer(many=True), 401: ERRORS_401},
)
@extend_schema(
    tags=["profile"],
    operation_id="profile_payment_methods_create",
    summary="Save a way to pay",
    description=(
        "The web's rules: only the ways to pay your market's checkout takes (KG: cash, bank_transfer; US: card), "
        "each non-card way once. A US card goes through Stripe once Stripe is configured: send `payment_type` "
        "card and `stripe_payment_method` (the pm_… id from Stripe's SDK; it must be unattached or attached to "
        "your own Stripe customer; `card_not_saved` 400 otherwise). Until then a US card is a test card: send "
        "its brand, last 4 digits, expiry and holder. Never send a card number or a security code. Your first "
        "way to pay, or one sent with make_default, becomes the default. 201 with the saved way to pay."
    ),
    methods=["POST"],
    request=PaymentMethodInputSerializer,
    responses={201: PaymentMethodSerializer, 400: ERRORS_400, 401: ERRORS_401},
)
@api_view(["GET", "POST"])
def payment_methods(request):
    if request.method == "POST":
        data = request.data
        if not isinstance(data, dict):
            raise _invalid({"non_field_errors": [str(_("Send a JSON object."))]})
        gateway = services.card_gateway_required(request.user.market_config)
        if gateway and data.get("payment_type") == PaymentType.CARD:
            method = _save_stripe_card(request, data)
        else:
            method = _save_from_form(request, data)
        return Response(PaymentMethodSerializer(method).data, status=status.HTTP_201_CREATED)
    return Response(PaymentMethodSerializer(_own_methods(request), many=True).data)


METHOD_ID = OpenApiParameter(
    "method_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="One of your ways to pay."
)


def _own_method(request, method_id):
    return own(request, "payment_methods", method_id, "payment_method_not_found", _("No such payment method."))


@extend_schema(
    tags=["profile"],
    operation_id="profile_payment_methods_destroy",
    summary="Remove a way to pay",
    description=(
        "A card saved through Stripe is also detached from your Stripe customer. When it was your default, "
        "your newest remaining way to pay becomes the default. 204, no body."
    ),
    parameters=[METHOD_ID],
    responses={204: None, 401: ERRORS_401, 404: ERRORS_404},
)
@api_view(["DELETE"])
def payment_method_delete(request, method_id):
    method = _own_method(request, method_id)
    services.remove_payment_method(method=method)
    if services.card_gateway_required(request.user.market_config):
        stripe_cards.forget_card(method)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["profile"],
    operation_id="profile_payment_methods_set_default",
    summary="Make a way to pay your default",
    description="Your other ways to pay stop being the default. 200 with every way to pay.",
    parameters=[METHOD_ID],
    request=None,
    responses={200: PaymentMethodSerializer(many=True), 401: ERRORS_401, 404: ERRORS_404},
)
@api_view(["POST"])
def payment_method_set_default(request, method_id):
    services.set_default_payment_method(method=_own_method(request, method_id))
    return Response(PaymentMethodSerializer(_own_methods(request), many=True).data)
