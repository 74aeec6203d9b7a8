import pytest

from accounts.tests.factories import StaffFactory

SMS_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True)


def test_staff_signed_in_by_sms_code_must_enter_their_password_for_the_admin(client, superuser):
    client.force_login(superuser, backend=SMS_BACKEND)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/checkout/order/").status_code == 302


def test_staff_signed_in_with_their_password_reach_the_admin(client, superuser):
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    assert client.get("/admin/").status_code == 200


def test_password_sign_in_through_the_admin_login_form_opens_the_admin(client, db):
    staff = StaffFactory(is_superuser=True)
    staff.set_password("a-long-staff-password")
    staff.save()
    response = client.post("/admin/login/?next=/admin/", {"username": staff.phone, "password": "a-long-staff-password"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
