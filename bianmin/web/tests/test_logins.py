import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from bianmin.core.models import AuditEvent
from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user
from bianmin.web.models import AccountSecurity

PASSWORD = "pw-123456"  # the factories' password

pytestmark = pytest.mark.django_db


def _staff(role=Role.WINDOW, **kwargs):
    return staff_user(role, center(), **kwargs)


def _login(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password, **extra}, **extra.pop("meta", {}))


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in():
    staff = _staff()
    client = Client()
    for _ in range(30):
        _login(client, staff.user.username, "wrong-password")

    response = _login(client, staff.user.username, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "登录失败次数过多" in text
    assert "后再试" in text


def test_the_admin_login_is_locked_out_too():
    staff = _staff(Role.ADMIN)
    client = Client()
    for _ in range(30):
        _login(client, staff.user.username, "wrong-password", path="/admin/login/")

    response = _login(client, staff.user.username, PASSWORD, path="/admin/login/")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_account_is_locked_from_every_address(settings):
    settings.AXES_FAILURE_LIMIT = 3
    staff = _staff()
    for _ in range(3):
        Client(REMOTE_ADDR="10.0.0.1").post("/accounts/login/", {"username": staff.user.username, "password": "wrong"})

    response = Client(REMOTE_ADDR="10.0.0.2").post(
        "/accounts/login/", {"username": staff.user.username, "password": PASSWORD}
    )

    assert response.status_code == 429


def test_an_address_is_locked_for_every_account(settings):
    settings.AXES_FAILURE_LIMIT = 3
    victim = _staff()
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(3):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": victim.user.username, "password": PASSWORD})

    assert response.status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.10")
    assert other.post("/accounts/login/", {"username": victim.user.username, "password": PASSWORD}).status_code == 302


def test_fewer_failures_than_the_limit_still_log_in_and_reset_the_count():
    staff = _staff()
    client = Client()
    for _ in range(4):
        _login(client, staff.user.username, "wrong-password")

    assert _login(client, staff.user.username, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.user.pk)


def test_each_failure_is_recorded_and_audited():
    staff = _staff()
    _login(Client(), staff.user.username, "wrong-password")

    assert AccessFailureLog.objects.filter(username=staff.user.username).count() == 1
    assert AuditEvent.objects.filter(verb="login_failed", object_id=str(staff.user.pk)).count() == 1


def test_an_administrator_unlocks_an_account_in_the_staff_ui():
    staff = _staff()
    admin = _staff(Role.ADMIN)
    for _ in range(6):
        _login(Client(), staff.user.username, "wrong-password")
    attempt = AccessAttempt.objects.get(username=staff.user.username)
    manager = Client()
    manager.force_login(admin.user)

    page = manager.get("/staff/security/lockouts/")
    assert staff.user.username in page.content.decode()
    assert "已锁定" in page.content.decode()
    manager.post(f"/staff/security/lockouts/{attempt.pk}/unlock/")

    assert _login(Client(), staff.user.username, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(verb="login_unlocked").exists()


def test_only_administrators_see_the_lockouts():
    client = Client()
    client.force_login(_staff(Role.DIRECTOR).user)

    assert client.get("/staff/security/lockouts/").status_code == 403


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("window_a1", False),
        ("window_a123", False),
        ("short-pw", False),
        ("1234567890", False),
        ("password123", False),
        ("bianmin-demo", False),
        ("河畔-柳絮-47-飞", True),
    ],
)
def test_password_rules(password, ok):
    user = get_user_model()(username="window_a")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_with_debug_off_the_demo_password_never_logs_in(settings):
    settings.DEBUG = False
    staff = _staff()
    staff.user.set_password("bianmin-demo")
    staff.user.save()

    assert _login(Client(), staff.user.username, "bianmin-demo").status_code == 200


def test_with_debug_on_the_demo_password_logs_in_directly(settings):
    settings.DEBUG = True
    settings.BIANMIN_REQUIRE_2FA = False
    staff = _staff(Role.DIRECTOR)
    staff.user.set_password("bianmin-demo")
    staff.user.save()
    client = Client()

    assert _login(client, staff.user.username, "bianmin-demo").status_code == 302
    assert client.get("/staff/").status_code == 200


def test_staff_change_their_own_password():
    staff = _staff()
    client = Client()
    client.force_login(staff.user)

    response = client.post(
        "/staff/account/password/",
        {"old_password": PASSWORD, "new_password1": "河畔-柳絮-47-飞", "new_password2": "河畔-柳絮-47-飞"},
    )

    assert response.status_code == 302
    staff.user.refresh_from_db()
    assert staff.user.check_password("河畔-柳絮-47-飞")
    assert client.get("/staff/").status_code == 200  # still logged in


def test_a_too_short_new_password_is_refused():
    staff = _staff()
    client = Client()
    client.force_login(staff.user)

    response = client.post(
        "/staff/account/password/", {"old_password": PASSWORD, "new_password1": "abc-12", "new_password2": "abc-12"}
    )

    assert response.status_code == 400
    assert 'id="id_new_password2_error"' in response.content.decode()
    staff.user.refresh_from_db()
    assert staff.user.check_password(PASSWORD)


def test_a_password_set_by_an_administrator_must_be_changed_at_first_login():
    admin = _staff(Role.ADMIN)
    staff = _staff()
    manager = Client()
    manager.force_login(admin.user)
    manager.post(
        f"/admin/auth/user/{staff.user.pk}/password/",
        {"password1": "临时-密码-2026-abc", "password2": "临时-密码-2026-abc", "usable_password": "true"},
    )
    assert AccountSecurity.objects.get(user=staff.user).must_change_password

    client = Client()
    assert _login(client, staff.user.username, "临时-密码-2026-abc").status_code == 302
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/account/password/"

    client.post(
        "/staff/account/password/",
        {"old_password": "临时-密码-2026-abc", "new_password1": "河畔-柳絮-47-飞", "new_password2": "河畔-柳絮-47-飞"},
    )
    assert client.get("/staff/").status_code == 200
    assert not AccountSecurity.objects.get(user=staff.user).must_change_password


def test_the_session_user_is_read_with_staff_unit_and_inbox_in_one_query(django_assert_num_queries):
    from bianmin.web.passwords import PasswordBackend

    staff = _staff()
    backend = PasswordBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(staff.user.pk)
        assert user == staff.user
        assert user.staff == staff
        assert user.staff.org_unit == staff.org_unit
    # a session naming nobody, or no number, or a deactivated account: signed out
    assert backend.get_user(10**9) is None
    assert backend.get_user("not a number") is None
    get_user_model().objects.filter(pk=staff.user.pk).update(is_active=False)
    assert backend.get_user(staff.user.pk) is None
