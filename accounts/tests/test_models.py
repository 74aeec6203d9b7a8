"""Users take their market from their phone; their records take it from them; the database keeps the rules."""

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from accounts.models import Address, Notification, PaymentMethod, User
from accounts.tests.factories import (
    AddressFactory,
    KGUserFactory,
    NotificationFactory,
    PaymentMethodFactory,
)
from storefront.markets import PhoneNumberRefused

pytestmark = pytest.mark.django_db


def refused_by_database(*errors):
    """The database itself refuses the write (no Python validation runs on save)."""
    return pytest.raises(errors or IntegrityError)


# --- the user's market comes from the phone ----------------------------------------------------


def test_a_kyrgyz_number_makes_a_kg_user_paying_in_som():
    user = User.objects.create_user("+996 555 123 456")
    user.refresh_from_db()
    assert (user.phone, user.market, user.currency, user.country) == ("+996555123456", "KG", "KGS", "KG")
    assert user.language == "ru"


def test_a_us_number_makes_a_us_user_paying_in_dollars():
    user = User.objects.create_user("+1 (212) 555-0100")
    user.refresh_from_db()
    assert (user.phone, user.market, user.currency, user.country) == ("+12125550100", "US", "USD", "US")
    assert user.language == "en"


def test_save_ignores_a_market_the_caller_set_by_hand():
    user = User(phone="+12125550100", market="KG", currency="KGS", country="KG")
    user.save()
    user.refresh_from_db()
    assert (user.market, user.currency, user.country) == ("US", "USD", "US")


def test_save_normalizes_the_number_to_e164():
    user = KGUserFactory()
    user.phone = "996 700 99 88 77"
    user.save()
    user.refresh_from_db()
    assert user.phone == "+996700998877"


def test_changing_to_a_number_of_the_other_market_moves_the_user():
    user = KGUserFactory()
    user.phone = "+12125550100"
    user.save(update_fields=["phone"])
    user.refresh_from_db()
    assert (user.market, user.currency, user.country, user.language) == ("US", "USD", "US", "en")


@pytest.mark.parametrize("phone", ["+1 416 555 0199", "+74951234567", "garbage", ""])
def test_a_user_cannot_be_saved_with_a_number_outside_both_markets(phone):
    with pytest.raises(PhoneNumberRefused):
        User.objects.create_user(phone)
    assert not User.objects.exists()


def test_sign_in_finds_the_user_however_the_number_is_written():
    user = User.objects.create_user("+996555123456")
    assert User.objects.get_by_natural_key("+996 555 12-34-56") == user


def test_one_account_per_phone_number_however_it_is_written():
    User.objects.create_user("+996555123456")
    with refused_by_database(), transaction.atomic():
        User.objects.create_user("+996 (555) 123 456")


# --- records of a user take the user's market --------------------------------------------------


def test_an_address_takes_market_and_country_from_its_user_not_the_caller(us_shopper):
    address = Address(user=us_shopper, market="KG", street="5th Avenue", city="New York", state="NY")
    address.country = "KG"
    address.save()
    address.refresh_from_db()
    assert (address.market, address.country) == ("US", "US")


def test_a_payment_method_takes_its_market_from_its_user(us_shopper):
    method = PaymentMethod.objects.create(user=us_shopper, market="KG", payment_type="card", card_type="visa")
    method.refresh_from_db()
    assert method.market == "US"


def test_a_notification_takes_its_market_from_its_user(kg_shopper):
    notification = Notification.objects.create(user=kg_shopper, market="US", title="Hi", message="Welcome")
    notification.refresh_from_db()
    assert notification.market == "KG"


def test_a_partial_save_still_writes_the_users_market(kg_shopper):
    notification = NotificationFactory(user=kg_shopper)
    Notification.objects.filter(pk=notification.pk).update(market="US")
    notification.is_read = True
    notification.save(update_fields=["is_read"])
    notification.refresh_from_db()
    assert (notification.market, notification.is_read) == ("KG", True)


def test_a_partial_save_of_an_address_keeps_market_and_country_together(kg_shopper):
    address = AddressFactory(user=kg_shopper)
    kg_shopper.phone = "+12125550100"
    kg_shopper.save()
    address.title = "Office"
    address.save(update_fields=["title"])
    address.refresh_from_db()
    assert (address.market, address.country, address.title) == ("US", "US", "Office")


# --- one default address and payment method per user --------------------------------------------


def test_a_second_default_address_is_refused(kg_shopper):
    AddressFactory(user=kg_shopper, is_default=True)
    with refused_by_database(), transaction.atomic():
        AddressFactory(user=kg_shopper, is_default=True)


def test_a_user_may_keep_many_addresses_besides_the_default(kg_shopper):
    AddressFactory(user=kg_shopper, is_default=True)
    AddressFactory(user=kg_shopper)
    AddressFactory(user=kg_shopper)
    assert kg_shopper.addresses.count() == 3


def test_two_users_each_have_a_default_address(kg_shopper, us_shopper):
    AddressFactory(user=kg_shopper, is_default=True)
    AddressFactory(user=us_shopper, is_default=True, city="New York", state="NY")
    assert Address.objects.filter(is_default=True).count() == 2


def test_a_second_default_payment_method_is_refused(kg_shopper):
    PaymentMethodFactory(user=kg_shopper, is_default=True)
    with refused_by_database(), transaction.atomic():
        PaymentMethodFactory(user=kg_shopper, is_default=True, payment_type="bank_transfer")


def test_two_users_each_have_a_default_payment_method(kg_shopper, us_shopper):
    PaymentMethodFactory(user=kg_shopper, is_default=True)
    PaymentMethodFactory(user=us_shopper, is_default=True, payment_type="card", card_type="visa")
    PaymentMethodFactory(user=kg_shopper, payment_type="bank_transfer")
    assert PaymentMethod.objects.filter(is_default=True).count() == 2


# --- cards -------------------------------------------------------------------------------------


def test_a_mir_card_is_accepted_in_kg(kg_shopper):
    method = PaymentMethodFactory(user=kg_shopper, payment_type="card", card_type="mir", card_number_masked="•••• 1234")
    assert method.market == "KG"


def test_a_mir_card_is_refused_in_us(us_shopper):
    with refused_by_database(), transaction.atomic():
        PaymentMethodFactory(user=us_shopper, payment_type="card", card_type="mir", card_number_masked="•••• 1234")


def test_the_masked_card_number_holds_the_last_four_digits(kg_shopper):
    method = PaymentMethodFactory(
        user=kg_shopper, payment_type="card", card_type="visa", card_number_masked="•••• 4242"
    )
    method.refresh_from_db()
    assert method.card_number_masked == "•••• 4242"


@pytest.mark.parametrize("full_number", ["4242424242424242", "4242 4242 4242 4242", "•••• •••• •••• 4242"])
def test_a_full_card_number_cannot_be_stored(kg_shopper, full_number):
    # PostgreSQL's varchar(9) refuses it first (DataError); SQLite has no length limit, so the
    # payment_method_masked_number_only check refuses it there (IntegrityError).
    expected = DataError if connection.vendor == "postgresql" else IntegrityError
    with refused_by_database(expected), transaction.atomic():
        PaymentMethodFactory(user=kg_shopper, payment_type="card", card_type="visa", card_number_masked=full_number)
    assert not PaymentMethod.objects.exists()


def test_an_expiry_month_outside_1_to_12_is_refused(us_shopper):
    with refused_by_database(), transaction.atomic():
        PaymentMethodFactory(user=us_shopper, payment_type="card", card_type="visa", expiry_month=13, expiry_year=2030)


def test_a_card_past_its_expiry_month_is_expired(us_shopper):
    card = PaymentMethodFactory.build(user=us_shopper, payment_type="card", expiry_month=1, expiry_year=2000)
    assert card.is_expired
    assert not PaymentMethodFactory.build(user=us_shopper, expiry_month=12, expiry_year=2999).is_expired
