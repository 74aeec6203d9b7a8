"""Writes to a shopper's account: sign-up by code, profile, addresses, payment methods, notifications.

Each record's market comes from its user (the models copy it on save); nothing here takes a
market from the caller.
"""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import stripe_client
from accounts.models import Address, Notification, PaymentMethod, User, VerificationCode
from accounts.selectors import unread_notifications
from storefront.background import enqueue_after_commit
from storefront.markets import CardType, Market, MarketConfig, PaymentType, get_market, normalize_phone

TEST_CARD_PREFIX = "test_card"
LAST4 = re.compile(r"^[0-9]{4}$")


def _lock(user):
    """Serialize changes of one user's defaults (one default per user is also a DB constraint)."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _make_only_default(record, siblings, *, update_fields):
    """`record` becomes its user's default and no sibling stays one (call under `_lock`)."""
    siblings.filter(is_default=True).exclude(pk=record.pk).update(is_default=False)
    record.is_default = True
    record.save(update_fields=update_fields)


def _save_keeping_one_default(record, others, *, make_default):
    """Save `record`, as the default when asked or when none of `others` is one (call under `_lock`)."""
    if make_default or not others.filter(is_default=True).exists():
        others.filter(is_default=True).update(is_default=False)
        record.is_default = True
    record.save()


def _delete_handing_on_default(record, siblings, *, update_fields):
    """Delete `record`; if it was the default, the newest sibling left takes over (under `_lock`)."""
    was_default = record.is_default
    record.delete()
    if was_default:
        successor = siblings.order_by("-created_at", "-pk").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=update_fields)


# --- sign-up by code ----------------------------------------------------------------------------


def find_or_create_shopper(*, verification: VerificationCode, language: str = "") -> tuple[User, bool]:
    """The account of a verified number, (user, created): a new number signs up here.

    The market follows the number; the language is the visitor's when the market speaks it.
    """
    phone, market = normalize_phone(verification.phone)
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        if not user.is_verified:
            user.is_verified = True
            user.save(update_fields=["is_verified"])
        return user, False
    user = User(phone=phone, is_verified=True)
    if language in get_market(market).languages:
        user.language = language
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same number signed up in another request a moment ago.
        return User.objects.get(phone=phone), False
    return user, True


# --- profile ------------------------------------------------------------------------------------


def update_profile(*, user: User, full_name: str, email: str, language: str) -> User:
    """Name, email and language; market and currency follow the phone and are not touched.

    A new or changed email address is sent a verification link once this commits; receipts go to
    it only after it is verified (emails/services.py)."""
    _check_language(user, language)
    changed = user.email.strip().casefold() != email.strip().casefold()
    user.full_name, user.email, user.language = full_name.strip(), email.strip(), language
    user.save(update_fields=["full_name", "email", "language", "updated_at"])
    if changed and user.email:
        enqueue_after_commit("emails.tasks.send_verification_email", user.pk, user.email)
    return user


def _check_language(user, language):
    if language not in user.market_config.languages:
        raise ValidationError({"language": _("Choose a language offered in your market.")})


def in_language_of(user, texts):
    """`texts()` worked out in `user`'s language: what a shopper is told by message (none for no
    user: the words as written)."""
    with translation.override(user.language if user is not None else None):
        return texts()


def set_language(*, user: User, language: str) -> User:
    """The language switcher's choice, kept on the profile."""
    _check_language(user, language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language", "updated_at"])
    return user


# --- addresses ----------------------------------------------------------------------------------


ADDRESS_FIELDS = ("title", "street", "building", "apartment", "city", "state", "postal_code")


def save_address(*, user: User, data: dict, address: Address | None = None, make_default: bool = False) -> Address:
    """Create or change one of `user`'s addresses; the first one, or when asked, becomes the default."""
    with transaction.atomic():
        _lock(user)
        if address is None:
            address = Address(user=user)
        elif address.user_id != user.pk:
            raise Address.DoesNotExist
        for field in ADDRESS_FIELDS:
            setattr(address, field, (data.get(field) or "").strip())
        address.full_address = ""  # Rebuilt from the parts on save.
        _save_keeping_one_default(address, user.addresses.exclude(pk=address.pk), make_default=make_default)
    return address


def set_default_address(*, address: Address) -> Address:
    """Make `address` its user's only default address."""
    with transaction.atomic():
        _lock(address.user)
        _make_only_default(address, address.user.addresses.all(), update_fields=["is_default", "updated_at"])
    return address


def delete_address(*, address: Address) -> None:
    """Delete `address`; when it was the default, the newest remaining one takes over."""
    with transaction.atomic():
        _lock(address.user)
        _delete_handing_on_default(address, address.user.addresses.all(), update_fields=["is_default", "updated_at"])


# --- payment methods ----------------------------------------------------------------------------


def card_gateway_required(market: MarketConfig) -> bool:
    """US cards are saved through Stripe once Stripe keys are set; before that, test cards only."""
    return market.code == Market.US and stripe_client.configured()


def allowed_payment_types(market: MarketConfig) -> tuple[str, ...]:
    """What a shopper of `market` may save: the ways to pay its checkout takes, nothing it cannot use.

    KG checkout takes no cards (no gateway there serves KG cards), so KG shoppers save none.
    """
    return tuple(market.payment_types)


def _card_errors(*, market: MarketConfig, card_type, last4, expiry_month, expiry_year, card_holder_name):
    errors = {}
    if not card_type:
        errors["card_type"] = _("Choose the card brand.")
    elif card_type not in market.card_types:
        errors["card_type"] = (
            _("MIR cards are accepted in Kyrgyzstan only.")
            if card_type == CardType.MIR
            else _("This card brand is not accepted in %(market)s.") % {"market": market.label}
        )
    if not LAST4.match(last4 or ""):
        errors["last4"] = _("Enter the last 4 digits of the card, never the whole number.")
    if not expiry_month or not 1 <= expiry_month <= 12:
        errors["expiry_month"] = _("Choose the month the card expires.")
    today = timezone.localdate()
    if not expiry_year or not today.year <= expiry_year <= today.year + 20:
        errors["expiry_year"] = _("Choose the year the card expires.")
    elif expiry_month and (expiry_year, expiry_month) < (today.year, today.month):
        errors["expiry_month"] = _("This card has expired.")
    if not (card_holder_name or "").strip():
        errors["card_holder_name"] = _("Enter the name on the card.")
    return errors


def add_payment_method(
    *,
    user: User,
    payment_type: str,
    card_type: str = "",
    last4: str = "",
    expiry_month: int | None = None,
    expiry_year: int | None = None,
    card_holder_name: str = "",
    gateway_reference: str = "",
    make_default: bool = False,
) -> PaymentMethod:
    """Save a way to pay. A card is only a display copy (brand, last 4, expiry, holder), never a number.

    US cards come from Stripe (`gateway_reference` pm_…) once Stripe is configured; until then a
    clearly labelled test card. MIR only in KG. ValidationError with field errors otherwise.
    """
    market = user.market_config
    if payment_type not in allowed_payment_types(market):
        raise ValidationError({"payment_type": _("This way to pay is not offered in your market.")})
    method = PaymentMethod(user=user, payment_type=payment_type)
    if payment_type == PaymentType.CARD:
        errors = _card_errors(
            market=market,
            card_type=card_type,
            last4=last4,
            expiry_month=expiry_month,
            expiry_year=expiry_year,
            card_holder_name=card_holder_name,
        )
        if card_gateway_required(market) and not gateway_reference.startswith("pm_"):
            errors[NON_FIELD_ERRORS] = _("Cards are saved through our payment provider's secure page.")
        if errors:
            raise ValidationError(errors)
        if market.code == Market.US and not gateway_reference:
            gateway_reference = TEST_CARD_PREFIX
        method.card_type = card_type
        method.card_number_masked = f"•••• {last4}"
        method.expiry_month, method.expiry_year = expiry_month, expiry_year
        method.card_holder_name = card_holder_name.strip()
        method.gateway_reference = gateway_reference
    elif user.payment_methods.filter(payment_type=payment_type).exists():
        raise ValidationError({"payment_type": _("You have already saved this way to pay.")})
    with transaction.atomic():
        _lock(user)
        _save_keeping_one_default(method, user.payment_methods.all(), make_default=make_default)
    return method


def set_default_payment_method(*, method: PaymentMethod) -> PaymentMethod:
    """Make `method` its user's only default way to pay."""
    with transaction.atomic():
        _lock(method.user)
        _make_only_default(method, method.user.payment_methods.all(), update_fields=["is_default"])
    return method


def remove_payment_method(*, method: PaymentMethod) -> None:
    """Remove `method`; when it was the default, the newest remaining one takes over."""
    with transaction.atomic():
        _lock(method.user)
        _delete_handing_on_default(method, method.user.payment_methods.all(), update_fields=["is_default"])


# --- notifications ------------------------------------------------------------------------------


def mark_notification_read(*, notification: Notification) -> None:
    """Mark one notification read (idempotent)."""
    Notification.objects.filter(pk=notification.pk, is_read=False).update(is_read=True)
    notification.is_read = True


def mark_all_notifications_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; how many there were."""
    return unread_notifications(user).update(is_read=True)
