"""The markets MARQUE sells in, and the one place the market rule is written.

Catalog content (Product, Category, Banner) carries `KG`, `US` or `ALL`; a shopper sees
`market = their market OR market = ALL`, through `MarketQuerySet.for_market`. Everything a
market decides (currency, phone code, languages, SMS provider, payment methods, shipping and
tax rules, address format) lives in `MARKETS`.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Market(models.TextChoices):
    """A market a shopper belongs to."""

    KG = "KG", _("Kyrgyzstan")
    US = "US", _("United States")


class MarketScope(models.TextChoices):
    """Where a piece of catalog content is sold: one market or all of them."""

    KG = "KG", _("Kyrgyzstan")
    US = "US", _("United States")
    ALL = "ALL", _("All markets")


class Currency(models.TextChoices):
    KGS = "KGS", _("Kyrgyz som")
    USD = "USD", _("US dollar")


class PaymentType(models.TextChoices):
    CARD = "card", _("Card")
    CASH = "cash", _("Cash on delivery")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    DIGITAL_WALLET = "digital_wallet", _("Digital wallet")


class CardType(models.TextChoices):
    VISA = "visa", _("Visa")
    MASTERCARD = "mastercard", _("Mastercard")
    MIR = "mir", _("MIR")
    AMEX = "amex", _("American Express")


class Language(models.TextChoices):
    EN = "en", _("English")
    RU = "ru", _("Russian")
    KY = "ky", _("Kyrgyz")


# The states (and DC) a US address may name; sales tax is set per state in the admin.
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip


@dataclass(frozen=True)
class RoundingRule:
    """Rounds a converted price up to the next `increment`, then takes `ending` off.

    KG: increment 10, ending 1 gives 1 299 som; US: increment 1, ending 0.01 gives $24.99.
    """

    increment: Decimal
    ending: Decimal


@dataclass(frozen=True)
class ShippingRule:
    """What delivery costs (a flat rate, free over an amount) and takes: `days` (fewest, most) after
    the order, or `capital_days` in `capital`; returns are accepted within `return_days` of delivery."""

    flat_rate: Decimal
    free_over: Decimal
    days: tuple[int, int] = (3, 7)
    capital: str = ""
    capital_days: tuple[int, int] = (1, 2)
    return_days: int = 14

    def delivery_days(self, city: str) -> tuple[int, int]:
        """How many days (fewest, most) an order takes to reach `city`."""
        return self.capital_days if self.capital and city == self.capital else self.days

    @property
    def delivery_range(self) -> tuple[int, int]:
        """The fewest and most days an order takes anywhere in the market (what a product page promises)."""
        ranges = [self.days, self.capital_days] if self.capital else [self.days]
        return min(r[0] for r in ranges), max(r[1] for r in ranges)


@dataclass(frozen=True)
class TaxRule:
    """`included`: prices already hold VAT at `rate`; `by_state`: sales tax is added per state."""

    mode: str
    rate: Decimal = Decimal("0")


@dataclass(frozen=True)
class AddressFormat:
    requires_state: bool
    postal_code_pattern: str
    postal_code_required: bool
    cities: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarketConfig:
    code: str
    name: str
    country: str
    currency: str
    currency_symbol: str
    phone_country_code: int
    # Language codes as plain strings: they end up in headers and cookies as they are.
    languages: tuple[str, ...]
    default_language: str
    sms_provider: str
    payment_types: tuple[str, ...]
    card_types: tuple[str, ...]
    shipping: ShippingRule
    tax: TaxRule
    rounding: RoundingRule
    address: AddressFormat
    url_prefix: str = field(default="")
    # Dates and times on pages and in messages are shown in the market's time (stored in UTC).
    time_zone: str = field(default="UTC")

    @property
    def label(self):
        return Market(self.code).label


MARKETS = {
    Market.KG: MarketConfig(
        code="KG",
        name="Kyrgyzstan",
        country="KG",
        currency=Currency.KGS,
        currency_symbol="сом",
        phone_country_code=996,
        languages=(Language.RU.value, Language.KY.value, Language.EN.value),
        default_language=Language.RU.value,
        sms_provider="kg_gateway",
        payment_types=(PaymentType.CASH, PaymentType.BANK_TRANSFER),
        card_types=(CardType.VISA, CardType.MASTERCARD, CardType.MIR),
        shipping=ShippingRule(
            flat_rate=Decimal("250"),
            free_over=Decimal("5000"),
            days=(3, 5),
            capital="Bishkek",
            capital_days=(1, 2),
            return_days=14,
        ),
        tax=TaxRule(mode="included", rate=Decimal("0.12")),
        rounding=RoundingRule(increment=Decimal("10"), ending=Decimal("1")),
        address=AddressFormat(
            requires_state=False,
            postal_code_pattern=r"^\d{6}$",
            postal_code_required=False,
            # Stored as written here; shown in the page's language (gettext at display).
            cities=(
                gettext_noop("Bishkek"),
                gettext_noop("Osh"),
                gettext_noop("Jalal-Abad"),
                gettext_noop("Karakol"),
                gettext_noop("Naryn"),
                gettext_noop("Talas"),
                gettext_noop("Batken"),
                gettext_noop("Tokmok"),
                gettext_noop("Kara-Balta"),
                gettext_noop("Cholpon-Ata"),
            ),
        ),
        url_prefix="kg",
        time_zone="Asia/Bishkek",
    ),
    Market.US: MarketConfig(
        code="US",
        name="United States",
        country="US",
        currency=Currency.USD,
        currency_symbol="$",
        phone_country_code=1,
        languages=(Language.EN.value,),
        default_language=Language.EN.value,
        sms_provider="twilio",
        payment_types=(PaymentType.CARD,),
        card_types=(CardType.VISA, CardType.MASTERCARD, CardType.AMEX),
        shipping=ShippingRule(flat_rate=Decimal("7.95"), free_over=Decimal("100"), days=(3, 7), return_days=30),
        tax=TaxRule(mode="by_state"),
        rounding=RoundingRule(increment=Decimal("1"), ending=Decimal("0.01")),
        address=AddressFormat(
            requires_state=True,
            postal_code_pattern=r"^\d{5}(-\d{4})?$",
            postal_code_required=True,
        ),
        url_prefix="us",
        time_zone="America/New_York",
    ),
}


def get_market(code: str) -> MarketConfig:
    """The configuration of the market `code` (`"KG"`/`"US"`, as URLs, rows and tasks carry it).

    The one conversion from a code: views and services pass the MarketConfig on, tasks and the
    database keep the code. ValueError for anything else (`"ALL"`, a MarketConfig).
    """
    return MARKETS[Market(code)]


class PhoneNumberRefused(ValidationError):
    """A phone number that is invalid or belongs to a country MARQUE does not sell in."""


_REGION_TO_MARKET = {"KG": Market.KG, "US": Market.US}


def normalize_phone(raw: str) -> tuple[str, str]:
    """Parse `raw` into E.164 and its market; raise PhoneNumberRefused with a clear message."""
    text = (raw or "").strip()
    if not text:
        raise PhoneNumberRefused(_("Enter your phone number."), code="required")
    if not text.startswith("+"):
        text = "+" + text.lstrip("0")
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise PhoneNumberRefused(
            _("Enter a phone number with its country code, such as +996 555 123 456 or +1 212 555 0100."),
            code="invalid",
        ) from None
    if not phonenumbers.is_valid_number(number):
        if number.country_code == 1:
            # Such as +1 555 123 4567: 555 is no area code.
            message = _(
                "This is not a valid US phone number: +1, a real 3-digit area code and 7 digits, "
                "such as +1 212 555 0100."
            )
        elif number.country_code == 996:
            message = _("This is not a valid Kyrgyz phone number: +996 and 9 digits, such as +996 555 123 456.")
        else:
            message = _("This phone number is not valid.")
        raise PhoneNumberRefused(message, code="invalid")
    region = phonenumbers.region_code_for_number(number)
    market = _REGION_TO_MARKET.get(region)
    if market is None:
        raise PhoneNumberRefused(
            _("MARQUE sells in Kyrgyzstan (+996) and the United States (+1) only."),
            code="unsupported_country",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), market


def market_from_phone(raw: str) -> str:
    """The market (`"KG"`/`"US"`) a phone number belongs to; PhoneNumberRefused otherwise."""
    return normalize_phone(raw)[1]


def mir_cards_only_in_kg():
    """The database rule behind "MIR cards: only available in KG" (a CheckConstraint condition)."""
    return ~models.Q(card_type=CardType.MIR) | models.Q(market=Market.KG)


def sold_in_all_markets():
    """The condition "this catalog row is sold in every market" (for annotations)."""
    return models.Q(market=MarketScope.ALL)


# --- the market rule: a shopper of a market sees that market's content and content sold in ALL ---


def visible_scopes(market: MarketConfig) -> tuple[str, str]:
    """The catalog scopes a shopper of `market` sees: its own and ALL."""
    if not isinstance(market, MarketConfig):
        # A code here means a conversion was skipped at the edge (get_market), or ALL slipped through.
        raise TypeError(f"A shopper's market is a MarketConfig, not {market!r}.")
    return (market.code, MarketScope.ALL.value)


def is_sold_in(scope: str, market: MarketConfig) -> bool:
    """Whether content of `scope` (`KG`, `US` or `ALL`) is sold in `market`: the rule in Python,
    for an object already loaded; querysets use `for_market`."""
    return scope in visible_scopes(market)


class MarketQuerySet(models.QuerySet):
    """Querysets of models with a `market` field; the only place that filters on it."""

    def for_market(self, market: MarketConfig):
        """Rows a shopper of `market` may see: that market's and those sold in ALL."""
        return self.filter(market__in=visible_scopes(market))

    def in_markets(self, codes):
        """Rows of exactly the markets `codes` (staff scoping; no ALL rows unless named)."""
        return self.filter(market__in=[Market(code).value for code in codes])

    def owned_in_markets(self, codes, owner="user"):
        """Rows whose `owner`'s account is in exactly the markets `codes`, through a join. The shop
        scopes by the row's own `market` (`in_markets`); the benchmark measures this beside it."""
        return self.filter(**{f"{owner}__market__in": [Market(code).value for code in codes]})
