from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.core.models import AuditEvent, CalendarDay
from bianmin.org.models import ExtendedHours, Role
from bianmin.org.tests.factories import WindowFactory, center, staff_user
from bianmin.staffing.models import AttendanceDay, DutyShift, Inspection, Leave
from bianmin.staffing.services import (
    attendance_check_in,
    attendance_check_out,
    attendance_correct,
    duty_shift_add,
    duty_shift_remove,
    inspection_record,
    inspection_statement_add,
    inspection_void,
    leave_approve,
    leave_refuse,
    leave_request,
    leave_return,
    leave_withdraw,
    unmanned_acknowledge,
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


# --- attendance ----------------------------------------------------------------------------------------------------


def test_check_in_then_out_records_both_with_events():
    w = staffed_window()

    attendance_check_in(staff=w.a, actor=w.a.user, now=at(DAY, "08:57"))
    row = attendance_check_out(staff=w.a, actor=w.a.user, now=at(DAY, "17:33"))

    assert (row.check_in, row.check_out, row.center) == (at(DAY, "08:57"), at(DAY, "17:33"), w.center)
    assert [e.verb for e in row.events.all()] == ["check_in", "check_out"]
    assert row.events.all()[0].actor == w.a.user


def test_second_check_in_is_refused_in_chinese():
    w = staffed_window()
    attendance_check_in(staff=w.a, actor=w.a.user, now=at(DAY, "08:57"))
    with pytest.raises(ValidationError, match="已于 08:57 签到"):
        attendance_check_in(staff=w.a, actor=w.a.user, now=at(DAY, "09:30"))
    assert AttendanceDay.objects.count() == 1


def test_check_out_without_check_in_is_refused():
    w = staffed_window()
    with pytest.raises(ValidationError, match="尚未签到"):
        attendance_check_out(staff=w.a, actor=w.a.user, now=at(DAY, "17:30"))


def test_check_in_again_after_check_out_keeps_the_first_check_in():
    w = staffed_window()
    attendance_check_in(staff=w.a, actor=w.a.user, now=at(DAY, "08:57"))
    attendance_check_out(staff=w.a, actor=w.a.user, now=at(DAY, "10:00"))
    with pytest.raises(ValidationError, match="已于 10:00 签退"):
        attendance_check_out(staff=w.a, actor=w.a.user, now=at(DAY, "10:05"))

    row = attendance_check_in(staff=w.a, actor=w.a.user, now=at(DAY, "10:40"))

    assert (row.check_in, row.check_out) == (at(DAY, "08:57"), None)
    assert [e.verb for e in row.events.all()][-1] == "check_in_again"


def test_staff_without_a_center_cannot_check_in():
    from bianmin.org.models import OrgUnit
    from bianmin.org.tests.factories import OrgUnitFactory

    unit = OrgUnitFactory.create(hall_kind="", level=OrgUnit.Level.SUBDISTRICT)
    person = staff_user(Role.WINDOW, unit)
    with pytest.raises(ValidationError, match="未关联服务中心"):
        attendance_check_in(staff=person, actor=person.user, now=at(DAY, "09:00"))


def test_director_corrects_a_forgotten_check_out_with_a_reason_kept_as_an_event():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    AttendanceDayFactory.create(staff=w.a, check_in=at(DAY, "08:55"), check_out=None)

    row = attendance_correct(
        staff=w.a,
        day=DAY,
        check_in=dt.time(8, 55),
        check_out=dt.time(17, 35),
        reason="忘记签退，经核实正常下班",
        actor=director.user,
    )

    assert row.corrected
    assert row.check_out == at(DAY, "17:35")
    event = row.events.get(verb="correct")
    assert (event.actor, event.note, event.from_state, event.to_state) == (
        director.user,
        "忘记签退，经核实正常下班",
        "08:55–—",
        "08:55–17:35",
    )


def test_correction_can_create_a_missing_day():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    row = attendance_correct(
        staff=w.a, day=DAY, check_in=dt.time(9), check_out=dt.time(17, 30), reason="签到机故障", actor=director.user
    )
    assert row.check_in == at(DAY, "09:00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": " "}, "请填写更正原因"),
        ({"check_in": dt.time(17), "check_out": dt.time(9)}, "签退时间须晚于签到时间"),
        ({"check_in": None, "check_out": dt.time(9)}, "有签退时间时必须有签到时间"),
        ({"day": dt.date(2099, 1, 1)}, "不能更正今天以后的考勤"),
        ({"check_in": dt.time(8, 55), "check_out": dt.time(17, 35)}, "与原记录相同"),
    ],
)
def test_bad_corrections_are_refused(kwargs, message):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    AttendanceDayFactory.create(staff=w.a)
    args = {
        "staff": w.a,
        "day": DAY,
        "check_in": dt.time(9),
        "check_out": dt.time(17, 30),
        "reason": "核实",
        "actor": director.user,
    } | kwargs
    with pytest.raises(ValidationError, match=message):
        attendance_correct(**args)


def test_nobody_corrects_their_own_attendance():
    hall = center()
    director = staff_user(Role.DIRECTOR, hall)
    with pytest.raises(ValidationError, match="不能更正本人"):
        attendance_correct(
            staff=director, day=DAY, check_in=dt.time(9), check_out=None, reason="x", actor=director.user
        )


# --- leave -------------------------------------------------------------------------------------------------------


def _request(staff, start="09:00", end="17:30", day=DAY, now=None, **kw):
    return leave_request(
        staff=staff,
        kind=kw.pop("kind", Leave.Kind.PERSONAL),
        start=at(day, start),
        end=at(day, end),
        reason=kw.pop("reason", "家中有事"),
        actor=staff.user,
        now=now or at(day, "08:00"),
    )


def test_leave_request_approve_and_return_with_actual_period():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    leave = _request(w.a, end="17:30", day=DAY)
    assert leave.status == Leave.Status.REQUESTED

    leave_approve(leave=leave, actor=director.user, note="同意", now=at(DAY, "08:30"))
    leave.refresh_from_db()
    assert (leave.status, leave.decided_by, leave.decision_note) == (Leave.Status.APPROVED, director.user, "同意")
    assert leave.period == (at(DAY, "09:00"), at(DAY, "17:30"))

    leave_return(
        leave=leave, actual_start=at(DAY, "09:00"), actual_end=at(DAY, "12:00"), actor=w.a.user, now=at(DAY, "13:20")
    )
    leave.refresh_from_db()
    assert leave.status == Leave.Status.RETURNED
    assert leave.period == (at(DAY, "09:00"), at(DAY, "12:00"))
    assert leave.returned_at == at(DAY, "13:20")
    assert [(e.verb, e.from_state, e.to_state) for e in leave.events.all()] == [
        ("request", "", "requested"),
        ("approve", "requested", "approved"),
        ("return", "approved", "returned"),
    ]


def test_leave_approval_notifies_the_configured_channel_of_the_b_posts(settings, django_capture_on_commit_callbacks):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    settings.BIANMIN_STAFFING_LISTENERS = ["bianmin.staffing.tests.test_services.record_call"]
    RECORDED.clear()
    leave = _request(w.a)

    with django_capture_on_commit_callbacks(execute=True):
        leave_approve(leave=leave, actor=director.user, now=at(DAY, "08:30"))

    calls = [c for c in RECORDED if c["kind"] == "leave_approved"]
    assert len(calls) == 1
    assert calls[0]["covering"] == [w.b]


RECORDED: list[dict[str, object]] = []


def record_call(**kwargs):
    RECORDED.append(kwargs)


def test_nobody_approves_their_own_leave():
    hall = center()
    director = staff_user(Role.DIRECTOR, hall)
    leave = _request(director)
    with pytest.raises(ValidationError, match="不能审批本人"):
        leave_approve(leave=leave, actor=director.user)
    with pytest.raises(ValidationError, match="不能审批本人"):
        leave_refuse(leave=leave, actor=director.user, note="不同意")


def test_refusal_needs_a_reason_and_a_decided_leave_cannot_be_decided_again():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    leave = _request(w.a)
    with pytest.raises(ValidationError, match="请填写理由"):
        leave_refuse(leave=leave, actor=director.user, note="")
    leave_refuse(leave=leave, actor=director.user, note="当日窗口无人顶岗")
    with pytest.raises(ValidationError, match="已处理"):
        leave_approve(leave=leave, actor=director.user)


@pytest.mark.parametrize(
    ("start", "end", "now", "message"),
    [
        ("17:30", "09:00", None, "结束时间须晚于开始时间"),
        ("09:00", "17:30", dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), "一个月内"),
    ],
)
def test_bad_leave_periods_are_refused(start, end, now, message):
    w = staffed_window()
    with pytest.raises(ValidationError, match=message):
        _request(w.a, start=start, end=end, now=now)


def test_leave_needs_a_reason_and_a_known_kind():
    w = staffed_window()
    with pytest.raises(ValidationError, match="请填写请假事由"):
        _request(w.a, reason="  ")
    with pytest.raises(ValidationError, match="请选择请假类别"):
        _request(w.a, kind="holiday")


def test_overlapping_leave_is_refused_but_refused_leave_does_not_block():
    w = staffed_window()
    first = _request(w.a, start="09:00", end="12:00")
    with pytest.raises(ValidationError, match="重叠"):
        _request(w.a, start="11:00", end="17:30")
    director = staff_user(Role.DIRECTOR, w.center)
    leave_refuse(leave=first, actor=director.user, note="不同意")
    assert _request(w.a, start="11:00", end="17:30").status == Leave.Status.REQUESTED


def test_withdraw_before_start_but_not_after():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    leave = _request(w.a)
    leave_approve(leave=leave, actor=director.user, now=at(DAY, "08:10"))
    with pytest.raises(ValidationError, match="不能撤回，请办理销假"):
        leave_withdraw(leave=leave, actor=w.a.user, now=at(DAY, "10:00"))
    leave_withdraw(leave=leave, actor=w.a.user, now=at(DAY, "08:30"))
    leave.refresh_from_db()
    assert leave.status == Leave.Status.WITHDRAWN


def test_someone_else_cannot_withdraw_or_return_your_leave():
    w = staffed_window()
    leave = _request(w.a)
    with pytest.raises(ValidationError, match="本人或中心负责人"):
        leave_withdraw(leave=leave, actor=w.b.user, now=at(DAY, "08:30"))


@pytest.mark.parametrize(
    ("actual_start", "actual_end", "message"),
    [
        ("08:00", "12:00", "批准的时段之内"),
        ("09:00", "18:00", "批准的时段之内"),
        ("12:00", "09:00", "实际结束时间须晚于实际开始时间"),
    ],
)
def test_return_must_stay_within_the_approved_period(actual_start, actual_end, message):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    leave = _request(w.a)
    leave_approve(leave=leave, actor=director.user, now=at(DAY, "08:10"))
    with pytest.raises(ValidationError, match=message):
        leave_return(
            leave=leave,
            actual_start=at(DAY, actual_start),
            actual_end=at(DAY, actual_end),
            actor=w.a.user,
            now=at(DAY, "18:00"),
        )


def test_return_is_only_for_approved_leave_that_has_begun():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    leave = _request(w.a)
    with pytest.raises(ValidationError, match="只有已批准的请假才能销假"):
        leave_return(leave=leave, actual_start=at(DAY, "09:00"), actual_end=at(DAY, "12:00"), actor=w.a.user)
    leave_approve(leave=leave, actor=director.user, now=at(DAY, "08:10"))
    with pytest.raises(ValidationError, match="尚未开始"):
        leave_return(
            leave=leave,
            actual_start=at(DAY, "09:00"),
            actual_end=at(DAY, "12:00"),
            actor=w.a.user,
            now=at(DAY, "08:30"),
        )


# --- duty roster -------------------------------------------------------------------------------------------------


def test_extended_hours_shift_must_lie_within_an_extended_hours_session():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    args: dict[str, Any] = {
        "center": w.center,
        "date": DAY,
        "start": dt.time(12),
        "end": dt.time(13, 30),
        "kind": DutyShift.Kind.EXTENDED,
        "staff": w.a,
        "window": w.window,
        "actor": director.user,
    }
    with pytest.raises(ValidationError, match="没有覆盖此时段的延时服务"):
        duty_shift_add(**args)
    ExtendedHours.objects.create(center=w.center, date=DAY, start=dt.time(12), end=dt.time(13, 30))

    shift = duty_shift_add(**args)

    assert shift.window == w.window
    assert AuditEvent.objects.filter(verb="duty_shift_add").count() == 1


def test_weekend_duty_only_on_rest_days_and_special_only_on_notified_days():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    base: dict[str, Any] = {
        "center": w.center,
        "start": dt.time(9),
        "end": dt.time(12),
        "staff": w.a,
        "actor": director.user,
    }
    with pytest.raises(ValidationError, match="是工作日"):
        duty_shift_add(date=DAY, kind=DutyShift.Kind.WEEKEND, **base)
    assert duty_shift_add(date=dt.date(2026, 3, 14), kind=DutyShift.Kind.WEEKEND, **base).kind == "weekend"
    with pytest.raises(ValidationError, match="没有特殊情况通知"):
        duty_shift_add(date=DAY, kind=DutyShift.Kind.SPECIAL, **base)
    CalendarDay.objects.create(date=DAY, source="admin", is_workday=True, name="防汛值班")
    assert duty_shift_add(date=DAY, kind=DutyShift.Kind.SPECIAL, **base).kind == "special"


def test_roster_refuses_clashes_leave_and_other_centers():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    saturday = dt.date(2026, 3, 14)
    base: dict[str, Any] = {
        "center": w.center,
        "date": saturday,
        "kind": DutyShift.Kind.WEEKEND,
        "actor": director.user,
    }
    duty_shift_add(start=dt.time(9), end=dt.time(12), staff=w.a, **base)
    with pytest.raises(ValidationError, match="已有值班"):
        duty_shift_add(start=dt.time(11), end=dt.time(14), staff=w.a, **base)
    LeaveFactory.create(staff=w.b, start=at(saturday, "00:00"), end=at(saturday, "23:00"), kind=Leave.Kind.ANNUAL)
    with pytest.raises(ValidationError, match="请假"):
        duty_shift_add(start=dt.time(9), end=dt.time(12), staff=w.b, **base)
    outsider = staff_user(Role.WINDOW, center())
    with pytest.raises(ValidationError, match="不属于本中心"):
        duty_shift_add(start=dt.time(9), end=dt.time(12), staff=outsider, **base)
    foreign_window = WindowFactory.create(center=center())
    with pytest.raises(ValidationError, match="窗口不属于本中心"):
        duty_shift_add(start=dt.time(9), end=dt.time(12), staff=w.b, window=foreign_window, **base)
    with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
        duty_shift_add(start=dt.time(12), end=dt.time(9), staff=w.b, **base)


def test_removing_a_shift_needs_a_reason_and_leaves_a_trace():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    shift = DutyShiftFactory.create(staff=w.a, window=w.window)
    with pytest.raises(ValidationError, match="取消原因"):
        duty_shift_remove(shift=shift, reason="", actor=director.user)
    duty_shift_remove(shift=shift, reason="人员调整", actor=director.user)
    assert not DutyShift.objects.exists()
    assert AuditEvent.objects.get(verb="duty_shift_remove").data["staff"] == w.a.name


# --- unmanned acknowledgement ------------------------------------------------------------------------------------


def test_director_acknowledges_an_unmanned_window_with_a_note():
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    record = unmanned_sweep(at(DAY, "10:00")).opened[0]
    with pytest.raises(ValidationError, match="处置说明"):
        unmanned_acknowledge(record=record, note=" ", actor=director.user)

    unmanned_acknowledge(record=record, note="已电话通知B岗到岗", actor=director.user)

    record.refresh_from_db()
    assert (record.acknowledged_by, record.note) == (director.user, "已电话通知B岗到岗")
    assert record.is_open  # acknowledging does not staff the window
    assert [e.verb for e in record.events.all()] == ["open", "acknowledge"]


# --- inspections -------------------------------------------------------------------------------------------------


def _inspect(w, inspector, **kw):
    args = {
        "center": w.center,
        "inspected_at": at(DAY, "10:15"),
        "rule": Inspection.Rule.DRESS,
        "finding": Inspection.Finding.VIOLATION,
        "actor": inspector.user,
        "window": w.window,
        "staff": w.a,
        "note": "未佩戴胸卡",
        "now": at(DAY, "11:00"),
    } | kw
    return inspection_record(**args)


def test_inspection_records_rule_finding_and_note():
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    inspection = _inspect(w, inspector)
    assert (inspection.rule, inspection.finding, inspection.where) == ("r4_dress", "violation", str(w.window))
    assert inspection.events.get().verb == "record"


def test_a_violation_tells_the_staff_member_and_a_compliant_check_does_not(
    settings, django_capture_on_commit_callbacks
):
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    settings.BIANMIN_STAFFING_LISTENERS = ["bianmin.staffing.tests.test_services.record_call"]
    RECORDED.clear()

    with django_capture_on_commit_callbacks(execute=True):
        breach = _inspect(w, inspector)
        _inspect(w, inspector, finding=Inspection.Finding.COMPLIANT, note="", staff=w.b)

    assert [(c["kind"], c["inspection"]) for c in RECORDED] == [("inspection_violation", breach)]


def test_the_staff_member_found_in_breach_adds_one_statement():
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    inspection = _inspect(w, inspector)
    with pytest.raises(ValidationError, match="只有被检查人本人"):
        inspection_statement_add(inspection=inspection, text="当时在更换工装", actor=w.b.user)
    with pytest.raises(ValidationError, match="请填写情况说明"):
        inspection_statement_add(inspection=inspection, text="  ", actor=w.a.user)

    inspection_statement_add(inspection=inspection, text="胸卡当日遗失，已补办", actor=w.a.user)

    assert [(e.verb, e.note, e.actor) for e in inspection.events.all()] == [
        ("record", "未佩戴胸卡", inspector.user),
        ("statement", "胸卡当日遗失，已补办", w.a.user),
    ]
    with pytest.raises(ValidationError, match="已提交过"):
        inspection_statement_add(inspection=inspection, text="补充", actor=w.a.user)
    compliant = _inspect(w, inspector, finding=Inspection.Finding.COMPLIANT, note="")
    with pytest.raises(ValidationError, match="无需说明"):
        inspection_statement_add(inspection=compliant, text="说明", actor=w.a.user)


def test_inspection_with_photo_only(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    photo = SimpleUploadedFile("scene.gif", gif, content_type="image/gif")
    inspection = _inspect(w, inspector, note="", photo=photo)
    assert inspection.photo.name.startswith("inspections/")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"note": ""}, "请填写情况记录或上传现场照片"),
        ({"window": None, "place": ""}, "请选择窗口或填写检查地点"),
        ({"inspected_at": at(DAY, "12:00")}, "不能晚于现在"),
        ({"rule": "r11"}, "请选择检查事项"),
        ({"finding": "maybe"}, "请选择检查结果"),
    ],
)
def test_bad_inspections_are_refused(kwargs, message):
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    with pytest.raises(ValidationError, match=message):
        _inspect(w, inspector, **kwargs)


def test_compliant_finding_needs_no_note_and_hall_checks_need_no_window():
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    inspection = _inspect(
        w, inspector, rule=Inspection.Rule.TIDY, finding="compliant", note="", window=None, staff=None, place="办事大厅"
    )
    assert inspection.where == "办事大厅"


def test_void_keeps_the_record_and_needs_a_reason():
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    inspection = _inspect(w, inspector)
    with pytest.raises(ValidationError, match="作废原因"):
        inspection_void(inspection=inspection, reason="", actor=inspector.user)
    inspection_void(inspection=inspection, reason="登记错人", actor=inspector.user)
    with pytest.raises(ValidationError, match="已作废"):
        inspection_void(inspection=inspection, reason="再次", actor=inspector.user)
    assert Inspection.objects.get().voided
