"""Every staff page of the foundation, for every role: allowed, forbidden, out of scope (404 like missing)."""

import datetime as dt

import pytest
from django.test import Client

from bianmin.core.models import CalendarDay
from bianmin.org.models import Role
from bianmin.org.tests.factories import (
    PostFactory,
    UserFactory,
    WindowFactory,
    center,
    community,
    district,
    staff_user,
)

ROLES = [Role.WINDOW, Role.HANDLER, Role.DIRECTOR, Role.INSPECTOR, Role.DISTRICT, Role.ADMIN]
CENTER_ROLES = {Role.WINDOW, Role.HANDLER, Role.DIRECTOR, Role.INSPECTOR}


@pytest.fixture
def world(db):
    d = district(code="D1")
    c = center(parent=d, code="C1")
    p = community(parent=c, code="P1")
    other_center = center(parent=d, code="C2")
    other_district = district(code="D2")
    far_center = center(parent=other_district, code="C3")
    windows = {}
    for unit in (c, other_center, far_center):
        windows[unit.code] = WindowFactory.create(center=unit, number=1)
        PostFactory.create(window=windows[unit.code], staff=staff_user(Role.WINDOW, unit), kind="A")
    special = CalendarDay.objects.create(
        date=dt.date(2026, 12, 1), source="admin", is_workday=False, name="闭厅", reason="停电"
    )
    return {"d": d, "c": c, "p": p, "c2": other_center, "c3": far_center, "windows": windows, "special": special}


def login_as(role, world):
    unit = world["d"] if role in (Role.DISTRICT, Role.ADMIN) else world["c"]
    staff = staff_user(role, unit)
    client = Client()
    client.force_login(staff.user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_staff_home_org_tree_and_calendar(world, role):
    client = login_as(role, world)

    for url in ("/staff/", "/staff/org/", "/staff/calendar/?year=2026"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_units_and_windows_in_scope_are_visible(world, role):
    client = login_as(role, world)

    assert client.get("/staff/org/C1/").status_code == 200
    assert client.get("/staff/org/P1/").status_code == 200
    assert client.get(f"/staff/windows/{world['windows']['C1'].pk}/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_units_and_windows_answer_404_like_missing_ones(world, role):
    client = login_as(role, world)
    sibling_visible = role not in CENTER_ROLES  # district and admin users see every center of their district

    assert client.get("/staff/org/C2/").status_code == (200 if sibling_visible else 404)
    assert client.get(f"/staff/windows/{world['windows']['C2'].pk}/").status_code == (200 if sibling_visible else 404)
    assert client.get("/staff/org/C3/").status_code == 404
    assert client.get(f"/staff/windows/{world['windows']['C3'].pk}/").status_code == 404
    assert client.get("/staff/org/NOPE/").status_code == 404
    assert client.get("/staff/windows/999999/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_the_director_and_admin_replace_staff_on_a_post(world, role):
    client = login_as(role, world)
    window = world["windows"]["C1"]
    post = window.posts.get()
    newcomer = staff_user(Role.WINDOW, world["c"])

    response = client.post(
        f"/staff/windows/{window.pk}/",
        {"post": post.pk, "new_staff": newcomer.pk, "on": "2026-12-01", "reason": "调换"},
    )

    assert response.status_code == (302 if role in (Role.DIRECTOR, Role.ADMIN) else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_changes_the_calendar(world, role):
    client = login_as(role, world)

    set_response = client.post(
        "/staff/calendar/", {"day": "2026-12-02", "is_workday": "0", "name": "闭厅", "reason": "检修"}
    )
    remove_response = client.post(f"/staff/calendar/{world['special'].pk}/remove/", {"reason": "恢复"})

    expected = 302 if role == Role.ADMIN else 403
    assert set_response.status_code == expected
    assert remove_response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_django_admin_is_for_the_system_administrator_only(world, role):
    client = login_as(role, world)

    response = client.get("/admin/")

    assert response.status_code == (200 if role == Role.ADMIN else 302)


def test_anonymous_users_are_sent_to_login_and_public_pages_are_open(world):
    client = Client()

    for url in ("/staff/", "/staff/org/", "/staff/calendar/", f"/staff/windows/{world['windows']['C1'].pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 200
    assert client.get("/centers/C1/staff/").status_code == 200
    assert client.get("/centers/NOPE/staff/").status_code == 404


def test_a_login_without_a_staff_profile_is_forbidden(world):
    client = Client()
    client.force_login(UserFactory.create())

    assert client.get("/staff/").status_code == 403
