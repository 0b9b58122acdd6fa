"""The §6(1) rule against the database: on_duty, B cover and the unmanned-window sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from bianmin.org.models import Post, Role
from bianmin.org.tests.factories import PostFactory, WindowFactory, center, staff_user
from bianmin.staffing.models import Leave, UnmannedEvent, UnmannedWindow
from bianmin.staffing.selectors import covering_now, duties_at, on_duty, on_duty_in_center, own_attendance
from bianmin.staffing.services import (
    attendance_check_in,
    attendance_check_out,
    leave_approve,
    leave_request,
    unmanned_sweep,
)
from bianmin.staffing.tests.factories import (
    DAY,
    AttendanceDayFactory,
    DutyShiftFactory,
    LeaveFactory,
    at,
    staffed_window,
)

pytestmark = pytest.mark.django_db


def test_a_checked_in_is_on_duty():
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.a, check_in=at(DAY, "08:50"), check_out=None)
    AttendanceDayFactory.create(staff=w.b, check_in=at(DAY, "08:52"), check_out=None)

    duty = on_duty(w.window, at(DAY, "10:00"))

    assert duty.staff_id == w.a.pk
    assert duty.kind == "A"


def test_a_who_checked_out_hands_over_to_b():
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.a, check_in=at(DAY, "08:50"), check_out=at(DAY, "10:30"))
    AttendanceDayFactory.create(staff=w.b, check_in=at(DAY, "08:52"), check_out=None)

    assert on_duty(w.window, at(DAY, "10:00")).kind == "A"
    assert on_duty(w.window, at(DAY, "10:31")).kind == "B"


def test_a_check_in_from_another_day_does_not_count():
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.a, date=DAY - dt.timedelta(days=1), check_in=at(DAY, "08:00"), check_out=None)

    assert on_duty(w.window, at(DAY, "10:00")).unmanned


def test_window_whose_a_is_on_leave_and_whose_b_checks_in_late():
    # given: A is on approved leave for the day; B comes in at 09:40, forty minutes after opening
    w = staffed_window()
    leave = leave_request(
        staff=w.a,
        kind=Leave.Kind.SICK,
        start=at(DAY, "09:00"),
        end=at(DAY, "17:30"),
        reason="发烧就医",
        actor=w.a.user,
        now=at(DAY, "08:00"),
    )
    director = staff_user(Role.DIRECTOR, w.center)
    leave_approve(leave=leave, actor=director.user, now=at(DAY, "08:10"))

    # when the hall opens, nobody is there: the window is unmanned and a record opens from 09:00
    assert on_duty(w.window, at(DAY, "09:05")).unmanned
    swept = unmanned_sweep(at(DAY, "09:05"))
    assert [r.window for r in swept.opened] == [w.window]
    record = swept.opened[0]
    assert record.started_at == at(DAY, "09:00")
    assert {h["kind"]: h["state"] for h in record.situation["holders"]} == {"A": "on_leave", "B": "absent"}

    # A checking in while on leave does not put A on duty: leave wins until it is cancelled (销假)
    attendance_check_in(staff=w.a, actor=w.a.user, now=at(DAY, "09:20"))
    assert on_duty(w.window, at(DAY, "09:25")).unmanned

    # when B checks in late, B is on duty covering A, and the record closes at B's check-in
    attendance_check_in(staff=w.b, actor=w.b.user, now=at(DAY, "09:40"))
    duty = on_duty(w.window, at(DAY, "09:41"))
    assert (duty.staff_id, duty.kind, duty.covering) == (w.b.pk, "B", True)
    assert [(win.pk, d.staff_id) for win, d in covering_now(staff=w.b, moment=at(DAY, "09:41"))] == [
        (w.window.pk, w.b.pk)
    ]
    closed = unmanned_sweep(at(DAY, "09:45")).closed
    assert [r.pk for r in closed] == [record.pk]
    record.refresh_from_db()
    assert (record.started_at, record.ended_at) == (at(DAY, "09:00"), at(DAY, "09:40"))

    # and attendance: B is 40 minutes late; A's day is leave, not absence

    b_day = own_attendance(staff=w.b, month=DAY.replace(day=1), now=at(DAY, "18:00")).days[DAY.day - 1]
    assert b_day.late_minutes == 40
    a_day = own_attendance(staff=w.a, month=DAY.replace(day=1), now=at(DAY, "18:00")).days[DAY.day - 1]
    assert a_day.leave_days == 1.0
    assert not a_day.absent
    assert a_day.mark == "病"


def test_pending_or_refused_leave_does_not_take_a_off_duty():
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.a, check_in=at(DAY, "08:50"), check_out=None)
    LeaveFactory.create(staff=w.a, status=Leave.Status.REQUESTED)
    LeaveFactory.create(staff=w.a, status=Leave.Status.REFUSED)

    assert on_duty(w.window, at(DAY, "10:00")).kind == "A"


def test_after_leave_is_cancelled_the_actual_period_counts():
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.a, check_in=at(DAY, "13:20"), check_out=None)
    LeaveFactory.create(
        staff=w.a,
        status=Leave.Status.RETURNED,
        start=at(DAY, "09:00"),
        end=at(DAY, "17:30"),
        actual_start=at(DAY, "09:00"),
        actual_end=at(DAY, "12:00"),
    )

    assert on_duty(w.window, at(DAY, "14:00")).kind == "A"


def test_rostered_staff_hold_the_window_during_their_shift_only():
    w = staffed_window()
    rostered = staff_user(Role.WINDOW, w.center)
    DutyShiftFactory.create(staff=rostered, window=w.window, start=dt.time(12, 0), end=dt.time(13, 30))
    AttendanceDayFactory.create(staff=rostered, check_in=at(DAY, "11:55"), check_out=None)

    assert on_duty(w.window, at(DAY, "12:10")).kind == "duty"
    assert on_duty(w.window, at(DAY, "13:40")).unmanned


def test_duties_for_a_whole_center_take_four_queries(django_assert_num_queries):
    hall = center()
    windows = [staffed_window(hall).window for _ in range(6)]
    with django_assert_num_queries(4):
        duties = duties_at(windows=windows, moment=at(DAY, "10:00"))
    assert len(duties) == 6
    assert all(d.unmanned for d in duties.values())


def test_on_duty_in_center_ignores_inactive_windows():
    hall = center()
    live = staffed_window(hall).window
    WindowFactory.create(center=hall, is_active=False)
    assert list(on_duty_in_center(center=hall, moment=at(DAY, "10:00"))) == [live.pk]


# --- the sweep ---------------------------------------------------------------------------------------------------


def test_sweep_is_idempotent():
    w = staffed_window()
    first = unmanned_sweep(at(DAY, "09:10"))
    second = unmanned_sweep(at(DAY, "09:10"))
    third = unmanned_sweep(at(DAY, "09:20"))

    assert len(first.opened) == 1
    assert (second.opened, second.closed, third.opened, third.closed) == ([], [], [], [])
    assert UnmannedWindow.objects.filter(window=w.window).count() == 1
    assert UnmannedEvent.objects.filter(verb="open").count() == 1


def test_sweep_outside_office_hours_opens_nothing_and_closes_at_session_end():
    w = staffed_window()
    assert unmanned_sweep(at(DAY, "08:30")).opened == []
    assert unmanned_sweep(at(DAY, "12:30")).opened == []  # lunch break
    unmanned_sweep(at(DAY, "11:00"))

    closed = unmanned_sweep(at(DAY, "12:30")).closed

    assert len(closed) == 1
    assert closed[0].ended_at == at(DAY, "12:00")
    assert closed[0].window == w.window


def test_sweep_on_a_rest_day_opens_nothing_but_a_rostered_window_must_be_manned():
    w = staffed_window()
    saturday = dt.date(2026, 3, 14)
    assert unmanned_sweep(at(saturday, "10:00")).opened == []
    rostered = staff_user(Role.WINDOW, w.center)
    DutyShiftFactory.create(
        staff=rostered, window=w.window, date=saturday, start=dt.time(9), end=dt.time(12), kind="weekend"
    )

    opened = unmanned_sweep(at(saturday, "10:00")).opened

    assert [r.window for r in opened] == [w.window]
    assert opened[0].started_at == at(saturday, "09:00")


def test_the_record_starts_when_the_last_person_left():
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.a, check_in=at(DAY, "08:50"), check_out=at(DAY, "10:15"))

    record = unmanned_sweep(at(DAY, "10:20")).opened[0]

    assert record.started_at == at(DAY, "10:15")


def test_sweep_can_be_limited_to_some_centers():
    one, other = staffed_window(), staffed_window()
    opened = unmanned_sweep(at(DAY, "10:00"), centers=[one.center]).opened
    assert [r.window for r in opened] == [one.window]
    assert not UnmannedWindow.objects.filter(window=other.window).exists()


def test_a_deactivated_window_has_its_record_closed():
    w = staffed_window()
    unmanned_sweep(at(DAY, "10:00"))
    w.window.is_active = False
    w.window.save()

    closed = unmanned_sweep(at(DAY, "10:05")).closed

    assert [r.window for r in closed] == [w.window]


def test_the_open_record_is_unique_per_window_in_the_database():
    from django.db import IntegrityError, transaction

    w = staffed_window()
    unmanned_sweep(at(DAY, "10:00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        UnmannedWindow.objects.create(
            window=w.window, center=w.center, started_at=at(DAY, "10:01"), detected_at=at(DAY, "10:01")
        )


@pytest.mark.clock
@pytest.mark.parametrize(
    ("clock", "open_now"),
    [("10:00", True), ("12:10", False), ("16:55", True), ("17:35", False)],
    ids=["morning", "lunch", "before-closing", "after-closing"],
)
def test_live_check_out_sweeps_its_center_after_commit(
    time_machine, django_capture_on_commit_callbacks, clock, open_now
):
    # given a window whose only person is A, checked in at the server's clock (no `now`: the live path), on a
    # working day; the moment is fixed, so the test does not pass or fail by the hour it runs at
    time_machine.move_to(at(DAY, clock), tick=False)
    w = staffed_window()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_check_in(staff=w.a, actor=w.a.user)

    # when A checks out
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attendance_check_out(staff=w.a, actor=w.a.user)

    # then the center is swept after commit: in office hours the window is recorded unmanned (and the record's
    # notice goes out after that commit), out of office hours nothing is opened
    assert len(callbacks) == (2 if open_now else 1)
    assert UnmannedWindow.objects.filter(window=w.window, ended_at__isnull=True).exists() == open_now


def test_b_on_two_windows_covers_both_when_both_as_are_away():
    hall = center()
    b = staff_user(Role.WINDOW, hall)
    windows = []
    for _ in range(2):
        window = WindowFactory.create(center=hall)
        PostFactory.create(window=window, staff=staff_user(Role.WINDOW, hall), kind=Post.Kind.A)
        PostFactory.create(window=window, staff=b, kind=Post.Kind.B)
        windows.append(window)
    AttendanceDayFactory.create(staff=b, check_in=at(DAY, "08:58"), check_out=None)

    covering = covering_now(staff=b, moment=at(DAY, "10:00"))

    assert [win for win, _ in covering] == windows
