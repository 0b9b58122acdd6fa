"""Staffing pages pick months in Chinese ("2026年3月"), keep `?month=YYYY-MM` links, and read the Chinese form too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user
from bianmin.staffing.selectors import parse_month
from bianmin.staffing.tests.factories import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(DAY, "10:00"))
    hall = center()
    staff_user(Role.WINDOW, hall, name="何春燕")
    client = Client()
    client.force_login(staff_user(Role.DIRECTOR, hall).user)
    return client


def test_parse_month_reads_iso_and_chinese_and_falls_back_on_anything_else():
    today = dt.date(2026, 3, 10)
    assert parse_month("2026-02", today) == dt.date(2026, 2, 1)
    assert parse_month("2026年2月", today) == dt.date(2026, 2, 1)
    for bad in ("", None, "2026-13", "february", "1800-01"):
        assert parse_month(bad, today) == dt.date(2026, 3, 1)


def test_the_attendance_sheet_picks_its_month_from_a_chinese_select(director):
    html = director.get("/staff/staffing/attendance/sheet/?month=2026-02").content.decode()
    assert 'type="month"' not in html
    assert '<select id="f-month" name="month"' in html
    assert '<option value="2026-02" selected>2026年2月</option>' in html
    assert html.count('id="f-month"') == 1  # the month navigation below does not repeat the picker
    assert "2026年2月考勤表" in html


@pytest.mark.parametrize(
    "path", ["/staff/staffing/roster/", "/staff/staffing/inspections/", "/staff/staffing/unmanned/"]
)
def test_the_month_navigation_offers_the_picker_between_previous_and_next(director, path):
    response = director.get(path, {"month": "2026年2月"})
    html = response.content.decode()
    assert response.status_code == 200, path
    assert '<option value="2026-02" selected>2026年2月</option>' in html
    assert "?month=2026-01" in html
    assert "?month=2026-03" in html
