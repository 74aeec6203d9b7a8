import datetime

import factory
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import Address, Notification, PaymentMethod, User, VerificationCode
from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import (
    AddressFactory,
    ManagedMarketFactory,
    NotificationFactory,
    PaymentMethodFactory,
    StaffFactory,
    USUserFactory,
)

CODE_HASH = "pbkdf2_sha256$1200000$Qm9ndXNTYWx0$c2VjcmV0LWhhc2gtb2YtdGhlLWNvZGU="
SESSION_KEY = "visitor-session-key-0123456789"


class VerificationCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationCode

    phone = "+996700123456"
    code = CODE_HASH
    market = "KG"
    session_key = SESSION_KEY
    ip_address = "203.0.113.7"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=3))


@pytest.fixture
def account_rows(db):
    AddressFactory()
    PaymentMethodFactory()
    NotificationFactory()
    VerificationCodeFactory()


def management_form(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


ACCOUNT_MODELS = [User, Address, PaymentMethod, Notification]


@pytest.mark.parametrize("model", [*ACCOUNT_MODELS, VerificationCode], ids=lambda m: m.__name__)
def test_account_changelists_and_change_pages_load_for_superuser(admin_client, account_rows, model):
    name = model._meta.model_name

    changelist = admin_client.get(reverse(f"admin:accounts_{name}_changelist"))
    change = admin_client.get(reverse(f"admin:accounts_{name}_change", args=[model.objects.first().pk]))

    assert (changelist.status_code, change.status_code) == (200, 200)
    assert changelist.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", ACCOUNT_MODELS, ids=lambda m: m.__name__)
def test_account_add_pages_load_for_superuser(admin_client, account_rows, model):
    response = admin_client.get(reverse(f"admin:accounts_{model._meta.model_name}_add"))

    assert response.status_code == 200


def test_user_add_form_takes_a_phone_number_and_no_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"phone": "+1 (415) 555-0132", "usable_password": "false", "password1": "", "password2": ""},
    )

    assert response.status_code == 302
    user = User.objects.get(phone="+14155550132")
    assert (user.market, user.currency, user.country) == ("US", "USD", "US")
    assert not user.has_usable_password()


def test_user_add_form_sets_a_password_when_given(admin_client):
    password = "a-long-staff-passphrase-42"
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {"phone": "+996700555001", "usable_password": "true", "password1": password, "password2": password},
    )

    assert User.objects.get(phone="+996700555001").check_password(password)


def test_user_add_form_refuses_a_number_outside_the_markets(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"), {"phone": "+442079460000", "usable_password": "false"}
    )

    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    assert not User.objects.filter(phone="+442079460000").exists()


def test_user_market_is_shown_but_never_editable(admin_client):
    user = USUserFactory()

    response = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    form_fields = response.context["adminform"].form.fields
    assert not {"market", "currency", "country"} & set(form_fields)
    assert {"groups", "user_permissions", "is_superuser"} <= set(form_fields)
    assert "United States" in response.text


def test_superuser_assigns_a_role_and_a_managed_market(admin_client):
    staff = StaffFactory()
    role = Group.objects.get(name=MARKET_MANAGER)
    data = {
        "phone": staff.phone,
        "full_name": staff.full_name,
        "email": staff.email,
        "language": staff.language,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(role.pk)],
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        **management_form("managed_markets"),
        "managed_markets-TOTAL_FORMS": "1",
        "managed_markets-0-market": "US",
    }

    response = admin_client.post(reverse("admin:accounts_user_change", args=[staff.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert list(staff.groups.all()) == [role]
    assert staff.managed_market_codes == ["US"]
    assert staff.market == "KG"


def test_manager_inline_is_listed_on_the_user_change_page(admin_client):
    manager = ManagedMarketFactory(market="US").user

    response = admin_client.get(reverse("admin:accounts_user_change", args=[manager.pk]))

    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == ["managed_markets"]


def test_verification_code_admin_never_reveals_the_code_hash_or_session(admin_client):
    code = VerificationCodeFactory()

    changelist = admin_client.get(reverse("admin:accounts_verificationcode_changelist"))
    change = admin_client.get(reverse("admin:accounts_verificationcode_change", args=[code.pk]))

    for response in (changelist, change):
        assert response.status_code == 200
        assert "c2VjcmV0LWhhc2gtb2YtdGhlLWNvZGU" not in response.text
        assert SESSION_KEY not in response.text
    assert code.phone in changelist.text


def test_verification_codes_cannot_be_added_or_changed(admin_client):
    code = VerificationCodeFactory()

    add = admin_client.get(reverse("admin:accounts_verificationcode_add"))
    change = admin_client.post(
        reverse("admin:accounts_verificationcode_change", args=[code.pk]), {"code": "x", "attempts": "0"}
    )

    assert (add.status_code, change.status_code) == (403, 403)
    code.refresh_from_db()
    assert (code.code, code.attempts) == (CODE_HASH, 0)


def test_account_record_market_comes_from_the_user_not_the_form(admin_client):
    address = AddressFactory(user=USUserFactory(), city="Chicago", state="IL", postal_code="60601")

    response = admin_client.get(reverse("admin:accounts_address_change", args=[address.pk]))

    assert "market" not in response.context["adminform"].form.fields
    assert "United States" in response.text


def test_market_manager_cannot_open_users(db, client):
    manager = ManagedMarketFactory().user
    manager.groups.add(Group.objects.get(name=MARKET_MANAGER))
    client.force_login(manager)

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_verificationcode_changelist")).status_code == 403
