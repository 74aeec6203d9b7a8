import factory
from django.contrib.auth.models import Group

from accounts.models import Address, ManagedMarket, Notification, PaymentMethod, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("phone",)

    phone = factory.Sequence(lambda n: f"+996555{n:06d}")
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    is_verified = True
    # The suite reads English copy; other languages are tested in storefront/tests/test_languages.py.
    language = "en"


class KGUserFactory(UserFactory):
    phone = factory.Sequence(lambda n: f"+996700{n:06d}")


class USUserFactory(UserFactory):
    phone = factory.Sequence(lambda n: f"+1415{2000000 + n:07d}")


class StaffFactory(UserFactory):
    phone = factory.Sequence(lambda n: f"+996777{n:06d}")
    is_staff = True


class ManagedMarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagedMarket

    user = factory.SubFactory(StaffFactory)
    market = "KG"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(KGUserFactory)
    title = "Home"
    street = factory.Faker("street_name")
    building = factory.Sequence(lambda n: str(n + 1))
    city = "Bishkek"


class PaymentMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    user = factory.SubFactory(KGUserFactory)
    payment_type = "cash"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(KGUserFactory)
    title = "Your order is on its way"
    message = "We handed your parcel to the courier."


def staff_in_role(role, *markets, **fields):
    """A staff user in the role's group (Merchandiser, Market manager), managing `markets`."""
    user = StaffFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    for market in markets:
        ManagedMarketFactory(user=user, market=market)
    return user
