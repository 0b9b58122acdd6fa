import io

import pytest
from django.core.management import call_command
from django.test import Client

from bianmin.org.models import Staff
from bianmin.staffing.models import AttendanceDay, AttendanceEvent, DutyShift, Inspection, Leave, UnmannedWindow
from bianmin.staffing.selectors import attendance_sheet, center_for, roster_month

MODELS = (AttendanceDay, AttendanceEvent, Leave, DutyShift, UnmannedWindow, Inspection)


@pytest.mark.django_db
def test_demo_month_loads_is_idempotent_and_the_pages_work_on_it(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in MODELS]

    call_command("load_demo", stdout=io.StringIO())

    assert [m.objects.count() for m in MODELS] == counts
    # about a month of attendance for the center's thirteen staff, every row with its events
    assert AttendanceDay.objects.count() > 200
    assert not AttendanceDay.objects.filter(events__isnull=True).exists()
    statuses = set(Leave.objects.values_list("status", flat=True))
    assert {"requested", "approved", "refused", "returned"} <= statuses
    assert AttendanceDay.objects.filter(corrected=True).count() == 1
    assert Inspection.objects.filter(finding="violation").count() == 2
    # B of window 4 late while its A was on annual leave: an unmanned record, acknowledged by the director
    incident = UnmannedWindow.objects.get(window__number=4, acknowledged_at__isnull=False)
    assert incident.situation["holders"][0]["state"] == "on_leave"
    assert UnmannedWindow.objects.filter(ended_at__isnull=True).count() == 0

    # and the director's pages work on it
    director = Staff.objects.get(user__username="director")
    client = Client()
    client.force_login(director.user)

    for url in (
        "/staff/",
        "/staff/staffing/board/",
        "/staff/staffing/attendance/sheet/",
        "/staff/staffing/attendance/sheet.xlsx",
        "/staff/staffing/leave/",
        "/staff/staffing/roster/",
        "/staff/staffing/inspections/",
        "/staff/staffing/unmanned/",
        "/staff/staffing/attendance/",
        "/centers/410108001/staff/",
    ):
        assert client.get(url).status_code == 200, url

    center = center_for(user=director.user)
    sheet = attendance_sheet(
        user=director.user, center=center, month=Leave.objects.earliest("start").start.date().replace(day=1)
    )
    assert any(row.totals.leave_days for row in sheet.rows)
    roster = roster_month(user=director.user, center=center, month=DutyShift.objects.latest("date").date.replace(day=1))
    assert roster.shifts
