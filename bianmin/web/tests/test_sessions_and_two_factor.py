import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user
from bianmin.web import middleware

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456"


def _login(client, user, **extra):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, **extra})


def test_a_session_ends_when_the_browser_closes_unless_the_user_chose_otherwise():
    staff = staff_user(Role.WINDOW, center())
    plain, remembered = Client(), Client()
    _login(plain, staff.user)
    _login(remembered, staff.user, remember="on")

    assert plain.cookies["sessionid"]["expires"] == ""
    assert plain.session.get_expire_at_browser_close()
    assert remembered.cookies["sessionid"]["expires"] != ""
    assert not remembered.session.get_expire_at_browser_close()


def test_an_idle_session_ends(settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    staff = staff_user(Role.WINDOW, center())
    client = Client()
    client.force_login(staff.user)
    session = client.session
    session[middleware.SEEN_AT] = time.time() - 31 * 60
    session.save()

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_session_in_use_ends_after_the_absolute_limit(settings):
    settings.BIANMIN_SESSION_ABSOLUTE_SECONDS = 3600
    staff = staff_user(Role.WINDOW, center())
    client = Client()
    client.force_login(staff.user)
    session = client.session
    session[middleware.LOGIN_AT] = time.time() - 3601
    session.save()

    assert client.get("/staff/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_recent_session_goes_on():
    staff = staff_user(Role.WINDOW, center())
    client = Client()
    client.force_login(staff.user)

    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DIRECTOR])
def test_administrators_and_directors_enrol_a_second_factor_when_required(settings, role):
    settings.BIANMIN_REQUIRE_2FA = True
    staff = staff_user(role, center())
    client = Client()
    _login(client, staff.user)

    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/account/two-factor/")
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff.user)
    assert not device.confirmed

    assert client.post("/staff/account/two-factor/", {"token": "000000"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code
    done = client.post("/staff/account/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert done.status_code == 200
    assert StaticToken.objects.filter(device__user=staff.user).count() == 10
    assert client.get("/staff/").status_code == 200


def test_a_recovery_code_stands_in_for_the_authenticator_once(settings):
    settings.BIANMIN_REQUIRE_2FA = True
    staff = staff_user(Role.DIRECTOR, center())
    first = Client()
    _login(first, staff.user)
    first.get("/staff/account/two-factor/")
    device = TOTPDevice.objects.get(user=staff.user)
    first.post("/staff/account/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    code = StaticToken.objects.filter(device__user=staff.user).first().token

    second = Client()
    _login(second, staff.user)
    assert second.get("/staff/").status_code == 302
    assert second.post("/staff/account/two-factor/", {"token": code, "next": "/staff/"}).status_code == 302
    assert second.get("/staff/").status_code == 200

    third = Client()
    _login(third, staff.user)
    assert third.post("/staff/account/two-factor/", {"token": code}).status_code == 400


def test_window_staff_need_no_second_factor(settings):
    settings.BIANMIN_REQUIRE_2FA = True
    staff = staff_user(Role.WINDOW, center())
    client = Client()
    _login(client, staff.user)

    assert client.get("/staff/").status_code == 200


def test_without_the_setting_nobody_is_asked_for_a_second_factor(settings):
    settings.BIANMIN_REQUIRE_2FA = False
    staff = staff_user(Role.ADMIN, center())
    client = Client()
    _login(client, staff.user)

    assert client.get("/staff/").status_code == 200
