"""Shoppers and staff (signed in by phone), their codes, addresses, payment methods, notifications.

A user's market follows their phone number's country code; every record below takes its market
from the user when it is saved, never from a form.
"""

import contextlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from storefront.markets import (
    CardType,
    Currency,
    Language,
    Market,
    PaymentType,
    PhoneNumberRefused,
    get_market,
    mir_cards_only_in_kg,
    normalize_phone,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, phone, password, **extra_fields):
        phone, _market = normalize_phone(phone)
        user = self.model(phone=phone, **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra_fields)

    def create_superuser(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_verified", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(phone, password, **extra_fields)

    def get_by_natural_key(self, username):
        # An unparsable login simply matches nobody.
        with contextlib.suppress(PhoneNumberRefused):
            username = normalize_phone(username)[0]
        return super().get_by_natural_key(username)


class MarketOwnedModel(models.Model):
    """A user's record whose market is copied from the user on every save."""

    market = models.CharField(_("market"), max_length=2, choices=Market.choices, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.market = self.user.market
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "market" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "market"}
        super().save(*args, **kwargs)


class User(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(
        _("phone number"),
        max_length=20,
        unique=True,
        help_text=_("In international format, such as +996555123456 or +12125550100."),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    profile_image_url = models.URLField(_("profile image URL"), max_length=500, blank=True)
    market = models.CharField(
        _("market"), max_length=2, choices=Market.choices, default=Market.KG, db_index=True, editable=False
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.RU)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.KGS, editable=False
    )
    country = models.CharField(_("country"), max_length=2, default="KG", editable=False)
    stripe_customer_id = models.CharField(
        _("Stripe customer"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Holds the cards saved through Stripe."),
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("Can sign in to the admin site."))
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["-date_joined"]

    def __str__(self):
        return self.full_name or self.phone

    def clean(self):
        super().clean()
        self.phone, _market = normalize_phone(self.phone)

    def save(self, *args, **kwargs):
        self.phone, market = normalize_phone(self.phone)
        self.set_market(market)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # set_market may also move the language to one the new market speaks.
            kwargs["update_fields"] = {*update_fields, "market", "currency", "country", "language"}
        super().save(*args, **kwargs)

    def set_market(self, market):
        config = get_market(market)
        if self.market != config.code and not self._state.adding:
            # A number moved to another market: the language follows unless still valid there.
            if self.language not in config.languages:
                self.language = config.default_language
        elif self._state.adding and self.language not in config.languages:
            self.language = config.default_language
        self.market = config.code
        self.currency = config.currency
        self.country = config.country

    @property
    def market_config(self):
        return get_market(self.market)

    def get_full_name(self):
        return self.full_name or self.phone

    def get_short_name(self):
        return (self.full_name.split() or [self.phone])[0]

    @property
    def managed_market_codes(self):
        """Markets whose orders this staff user manages (every market for a superuser)."""
        if self.is_superuser:
            return [m.value for m in Market]
        return [assignment.market for assignment in self.managed_markets.all()]


class ManagedMarket(models.Model):
    """A market whose orders a market manager may see and move."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="managed_markets")
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)

    class Meta:
        verbose_name = _("managed market")
        verbose_name_plural = _("managed markets")
        constraints = [models.UniqueConstraint(fields=["user", "market"], name="managed_market_unique")]

    def __str__(self):
        return f"{self.user} → {self.market}"


class VerificationCode(models.Model):
    """A one-time code sent by SMS; only its hash is stored."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Sign in")
        SIGNUP = "signup", _("Sign up")
        PHONE_CHANGE = "phone_change", _("Phone change")

    phone = models.CharField(_("phone number"), max_length=20, db_index=True)
    code = models.CharField(_("code hash"), max_length=128)
    market = models.CharField(_("market"), max_length=2, choices=Market.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.LOGIN)
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    is_used = models.BooleanField(_("used"), default=False)
    send_failed = models.BooleanField(_("sending failed"), default=False)
    # The language the visitor asked in: a new number's SMS is written in it.
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["phone", "created_at"], name="vcode_phone_created_idx"),
            models.Index(fields=["ip_address", "created_at"], name="vcode_ip_created_idx"),
        ]

    def __str__(self):
        return f"{self.phone} ({self.get_purpose_display()})"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at


class Address(MarketOwnedModel):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="addresses")
    title = models.CharField(_("title"), max_length=60, blank=True, help_text=_("Home, Work…"))
    full_address = models.CharField(_("full address"), max_length=300, blank=True)
    street = models.CharField(_("street"), max_length=200)
    building = models.CharField(_("building"), max_length=30, blank=True)
    apartment = models.CharField(_("apartment"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, editable=False)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="address_one_default_per_user"),
        ]

    def __str__(self):
        return self.title or self.one_line()

    def save(self, *args, **kwargs):
        self.country = self.user.market_config.country
        if not self.full_address:
            self.full_address = self.one_line()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "country" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "country"}
        super().save(*args, **kwargs)

    def one_line(self):
        """The address on one line, in the active language (a known city's name is translated)."""
        apartment = self.apartment and gettext("apt. %(number)s") % {"number": self.apartment}
        parts = [self.street, self.building, apartment, gettext(self.city) if self.city else ""]
        tail = " ".join(p for p in [self.state, self.postal_code] if p)
        return ", ".join(p for p in [*parts, tail] if p)


class PaymentMethod(MarketOwnedModel):
    """A saved way to pay. A card is only the display copy a payment gateway returned."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="payment_methods")
    payment_type = models.CharField(_("payment type"), max_length=20, choices=PaymentType.choices)
    card_type = models.CharField(_("card brand"), max_length=20, choices=CardType.choices, blank=True)
    card_number_masked = models.CharField(
        _("card number"), max_length=9, blank=True, help_text=_("Last four digits only, such as •••• 4242.")
    )
    card_holder_name = models.CharField(_("card holder"), max_length=100, blank=True)
    expiry_month = models.PositiveSmallIntegerField(_("expiry month"), null=True, blank=True)
    expiry_year = models.PositiveSmallIntegerField(_("expiry year"), null=True, blank=True)
    gateway_reference = models.CharField(
        _("gateway reference"), max_length=100, blank=True, help_text=_("The payment gateway's id, such as pm_…")
    )
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="payment_method_one_default_per_user"
            ),
            models.CheckConstraint(condition=mir_cards_only_in_kg(), name="payment_method_mir_only_kg"),
            models.CheckConstraint(
                condition=Q(expiry_month__isnull=True) | Q(expiry_month__gte=1, expiry_month__lte=12),
                name="payment_method_expiry_month_valid",
            ),
            # Room for "•••• 4242" and no more: a full card number cannot be stored.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("card_number_masked"), 9),
                name="payment_method_masked_number_only",
            ),
        ]

    def __str__(self):
        if self.payment_type == PaymentType.CARD:
            return f"{self.get_card_type_display()} {self.card_number_masked}".strip()
        return self.get_payment_type_display()

    @property
    def is_expired(self):
        if not (self.expiry_month and self.expiry_year):
            return False
        today = timezone.localdate()
        return (self.expiry_year, self.expiry_month) < (today.year, today.month)


class Notification(MarketOwnedModel):
    class Type(models.TextChoices):
        ORDER = "order", _("Order update")
        PROMO = "promo", _("Promotion")
        SYSTEM = "system", _("Account")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SYSTEM)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"))
    link_url = models.CharField(_("link"), max_length=300, blank=True)
    is_read = models.BooleanField(_("read"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "is_read"], name="notif_user_unread_idx")]

    def __str__(self):
        return self.title
