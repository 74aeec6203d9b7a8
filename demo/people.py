"""Demo staff (a merchandiser and a market manager per market) and demo shoppers of both markets.

Everyone is found again by phone number. A shopper's addresses, payment methods and notifications
are created with the shopper, so a rerun adds none.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Address, ManagedMarket, Notification, PaymentMethod, User
from accounts.roles import MARKET_MANAGER, MERCHANDISER
from demo.seeding import seeded_random
from storefront.markets import CardType, Market, PaymentType, get_market
from storefront.money import format_for_market

STAFF_PASSWORD = "marque-demo"  # noqa: S105 - documented in the README for the demo staff only


@dataclass(frozen=True)
class StaffSpec:
    phone: str
    full_name: str
    role: str
    managed_market: str | None = None


STAFF = (
    StaffSpec("+996700000001", "Aigerim Sydykova", MERCHANDISER),
    StaffSpec("+996700000002", "Bakyt Usenov", MARKET_MANAGER, Market.KG),
    StaffSpec("+12025550142", "Jordan Ellis", MARKET_MANAGER, Market.US),
)


@dataclass(frozen=True)
class Place:
    city: str
    street: str
    postal_code: str
    state: str = ""


KG_SHOPPERS = (
    ("+996700100001", "Aizada Toktogulova"),
    ("+996555100002", "Nurlan Abdyldaev"),
    ("+996770100003", "Aigerim Sadykova"),
    ("+996700100004", "Bekzat Mamytov"),
    ("+996555100005", "Kanykei Usubalieva"),
    ("+996770100006", "Timur Asanov"),
    ("+996700100007", "Elnura Bakirova"),
    ("+996555100008", "Daniiar Ismailov"),
    ("+996770100009", "Cholpon Zhumabaeva"),
    ("+996700100010", "Azamat Kadyrov"),
)
US_SHOPPERS = (
    ("+14152001001", "Emily Carter"),
    ("+14152001002", "Marcus Johnson"),
    ("+14152001003", "Sofia Martinez"),
    ("+14152001004", "Ethan Brooks"),
    ("+14152001005", "Olivia Nguyen"),
    ("+14152001006", "Jamal Wright"),
    ("+14152001007", "Hannah Kim"),
    ("+14152001008", "Lucas Rivera"),
    ("+14152001009", "Grace Patel"),
    ("+14152001010", "Noah Bennett"),
)
KG_PLACES = (
    Place("Bishkek", "Chuy Avenue", "720001"),
    Place("Bishkek", "Manas Avenue", "720017"),
    Place("Bishkek", "Kievskaya Street", "720040"),
    Place("Bishkek", "Toktogul Street", "720021"),
    Place("Bishkek", "Erkindik Boulevard", "720040"),
    Place("Bishkek", "Jibek Jolu Avenue", "720009"),
    Place("Bishkek", "Abdrakhmanov Street", "720011"),
    Place("Osh", "Kurmanjan Datka Street", "723500"),
    Place("Osh", "Lenin Street", "723500"),
    Place("Osh", "Alisher Navoi Street", "723504"),
)
US_PLACES = (
    Place("San Francisco", "Valencia Street", "94110", "CA"),
    Place("Brooklyn", "Bedford Avenue", "11211", "NY"),
    Place("Austin", "South Congress Avenue", "78704", "TX"),
    Place("Chicago", "North Clark Street", "60614", "IL"),
    Place("Seattle", "Fremont Avenue North", "98103", "WA"),
    Place("Portland", "NW 23rd Avenue", "97210", "OR"),
    Place("Denver", "Larimer Street", "80205", "CO"),
    Place("Miami", "NE 2nd Avenue", "33137", "FL"),
    Place("Boston", "Tremont Street", "02118", "MA"),
    Place("Los Angeles", "Sunset Boulevard", "90026", "CA"),
)
SHOPPERS = {Market.KG: (KG_SHOPPERS, KG_PLACES), Market.US: (US_SHOPPERS, US_PLACES)}
# Display copy only, as a payment gateway returns it: brand, last four digits, expiry.
DEMO_CARDS = ((CardType.VISA, "4242"), (CardType.MASTERCARD, "4444"), (CardType.AMEX, "0005"))


def seed_staff():
    """The three staff users the README documents, in their groups and with their markets."""
    groups = {group.name: group for group in Group.objects.filter(name__in=[MERCHANDISER, MARKET_MANAGER])}
    missing = {MERCHANDISER, MARKET_MANAGER} - set(groups)
    if missing:
        raise CommandError(f"Missing groups {', '.join(sorted(missing))}: run `manage.py migrate` first.")
    staff = []
    with transaction.atomic():
        for spec in STAFF:
            user = User.objects.filter(phone=spec.phone).first()
            if user is None:
                user = User.objects.create_user(
                    spec.phone, password=STAFF_PASSWORD, full_name=spec.full_name, is_staff=True, is_verified=True
                )
            elif not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            user.groups.add(groups[spec.role])
            if spec.managed_market:
                ManagedMarket.objects.get_or_create(user=user, market=spec.managed_market)
            staff.append(user)
    return staff


def _email(full_name):
    return f"{full_name.lower().replace(' ', '.')}@example.com"


def _add_details(user, market, index, places):
    """A new shopper's addresses, ways to pay and first notifications."""
    rng = seeded_random("shopper", market, index)
    place = places[index % len(places)]
    Address.objects.create(
        user=user,
        title="Home",
        street=place.street,
        building=str(rng.randint(1, 180)),
        apartment=str(rng.randint(1, 120)) if rng.random() < 0.7 else "",
        city=place.city,
        state=place.state,
        postal_code=place.postal_code,
        is_default=True,
    )
    if index % 3 == 0:
        work = places[(index + 4) % len(places)]
        Address.objects.create(
            user=user,
            title="Work",
            street=work.street,
            building=str(rng.randint(1, 90)),
            city=work.city,
            state=work.state,
            postal_code=work.postal_code,
        )

    if market == Market.KG:
        PaymentMethod.objects.create(user=user, payment_type=PaymentType.CASH, is_default=True)
        if index % 2:
            PaymentMethod.objects.create(user=user, payment_type=PaymentType.BANK_TRANSFER)
    else:
        year = timezone.localdate().year
        for order, (card_type, last_four) in enumerate(DEMO_CARDS[: 1 + index % 2]):
            PaymentMethod.objects.create(
                user=user,
                payment_type=PaymentType.CARD,
                card_type=card_type,
                card_number_masked=f"•••• {last_four}",
                card_holder_name=user.full_name,
                expiry_month=rng.randint(1, 12),
                expiry_year=year + 1 + order + index % 3,
                is_default=order == 0,
            )

    config = get_market(market)
    prefix = config.url_prefix
    free_over = format_for_market(config.shipping.free_over, config)
    Notification.objects.create(
        user=user,
        type=Notification.Type.SYSTEM,
        title="Welcome to MARQUE",
        message="Your account is ready. Save your sizes and addresses for a faster checkout.",
        is_read=True,
    )
    Notification.objects.create(
        user=user,
        type=Notification.Type.PROMO,
        title="Free delivery is back",
        message=f"Orders over {free_over} ship free this month.",
        link_url=f"/{prefix}/",
        is_read=rng.random() < 0.3,
    )


def seed_shoppers():
    """Ten demo shoppers per market; returns them per market, in a stable order."""
    now = timezone.now()
    shoppers = {}
    with transaction.atomic():
        for market, (people, places) in SHOPPERS.items():
            existing = {user.phone: user for user in User.objects.filter(phone__in=[p for p, _ in people])}
            shoppers[market] = []
            for index, (phone, full_name) in enumerate(people):
                user = existing.get(phone)
                if user is None:
                    user = User.objects.create_user(
                        phone,
                        full_name=full_name,
                        email=_email(full_name),
                        is_verified=True,
                        date_joined=now - timedelta(days=200 - index * 15),
                    )
                    _add_details(user, market, index, places)
                shoppers[market].append(user)
    return shoppers
