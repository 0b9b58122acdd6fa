"""Writes for staffing: one function per business action, each in a transaction and leaving an event row."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.core.models import CalendarDay
from bianmin.core.selectors import work_calendar
from bianmin.org.access import has_role
from bianmin.org.models import ExtendedHours, OrgUnit, Post, Staff, Window
from bianmin.org.selectors import center_of
from bianmin.staffing.access import MANAGERS
from bianmin.staffing.cover import Duty
from bianmin.staffing.models import (
    AttendanceDay,
    AttendanceEvent,
    DutyShift,
    Inspection,
    InspectionEvent,
    Leave,
    LeaveEvent,
    UnmannedEvent,
    UnmannedWindow,
)
from bianmin.staffing.notifications import notify
from bianmin.staffing.selectors import current_session, duties_at
from bianmin.staffing.workflow import LEAVE

logger = logging.getLogger(__name__)

MAX_LEAVE_DAYS = 366
BACKDATE_DAYS = 31  # leave may be requested afterwards (补办请假手续) within a month


def _tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _at(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=_tz())


def _fmt(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else "—"


def staff_center(staff: Staff) -> OrgUnit:
    center = center_of(staff.org_unit)
    if center is None:
        raise ValidationError(_("您所在单位未关联服务中心，无法办理。"))
    return center


def _belongs_to(staff: Staff, center: OrgUnit) -> bool:
    return staff.org_unit_id == center.pk or center_of(staff.org_unit) == center


def _sweep_after_commit(center: OrgUnit) -> None:
    """A live change of presence or leave is checked against the windows at once, after it is saved. The change
    itself is already committed: a failing sweep is logged (the board and the command sweep again), never raised."""

    def sweep() -> None:
        try:
            unmanned_sweep(timezone.now(), centers=[center])
        except Exception:
            logger.exception("unmanned sweep after a staffing change failed for center %s", center.pk)

    transaction.on_commit(sweep)


# --- Attendance ------------------------------------------------------------------------------------------------


@transaction.atomic
def attendance_check_in(*, staff: Staff, actor: Any, now: dt.datetime | None = None) -> AttendanceDay:
    """One click at the window's computer; the time is the server's (`now` is for tests and demo data only)."""
    live = now is None
    now = now or timezone.now()
    center = staff_center(staff)
    day = timezone.localtime(now).date()
    row, created = AttendanceDay.objects.select_for_update().get_or_create(
        staff=staff, date=day, defaults={"center": center, "check_in": now}
    )
    if created:
        verb = "check_in"
    elif row.check_in is not None and row.check_out is None:
        raise ValidationError(_("您今日已于 %(time)s 签到，无需重复签到。") % {"time": _fmt(row.check_in)})
    elif row.check_in is None:
        row.check_in = now
        row.save(update_fields=["check_in"])
        verb = "check_in"
    else:
        # Back after checking out (e.g. an errand): the day runs from the first check-in to the last check-out.
        AttendanceEvent.objects.create(
            attendance=row,
            actor=actor,
            verb="check_in_again",
            data={"previous_check_out": row.check_out.isoformat() if row.check_out else None, "at": now.isoformat()},
        )
        row.check_out = None
        row.save(update_fields=["check_out"])
        if live:
            _sweep_after_commit(center)
        return row
    AttendanceEvent.objects.create(attendance=row, actor=actor, verb=verb, data={"at": now.isoformat()})
    if live:
        _sweep_after_commit(center)
    return row


@transaction.atomic
def attendance_check_out(*, staff: Staff, actor: Any, now: dt.datetime | None = None) -> AttendanceDay:
    live = now is None
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    row = AttendanceDay.objects.select_for_update().filter(staff=staff, date=day).first()
    if row is None or row.check_in is None:
        raise ValidationError(_("您今日尚未签到，不能签退。"))
    if row.check_out is not None:
        raise ValidationError(_("您今日已于 %(time)s 签退。") % {"time": _fmt(row.check_out)})
    row.check_out = now
    row.save(update_fields=["check_out"])
    AttendanceEvent.objects.create(attendance=row, actor=actor, verb="check_out", data={"at": now.isoformat()})
    if live:
        _sweep_after_commit(row.center)
    return row


@transaction.atomic
def attendance_correct(
    *,
    staff: Staff,
    day: dt.date,
    check_in: dt.time | None,
    check_out: dt.time | None,
    reason: str,
    actor: Any,
) -> AttendanceDay:
    """The director corrects a day's record (a forgotten check-out, a computer failure); the reason is kept."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    if day > timezone.localdate():
        raise ValidationError(_("不能更正今天以后的考勤。"))
    if getattr(actor, "pk", None) == staff.user_id:
        raise ValidationError(_("不能更正本人的考勤记录，请由其他负责人办理。"))
    if check_out is not None and check_in is None:
        raise ValidationError({"check_in": _("有签退时间时必须有签到时间。")})
    new_in = _at(day, check_in) if check_in else None
    new_out = _at(day, check_out) if check_out else None
    if new_in and new_out and new_out <= new_in:
        raise ValidationError({"check_out": _("签退时间须晚于签到时间。")})
    row = AttendanceDay.objects.select_for_update().filter(staff=staff, date=day).first()
    if row is None:
        if new_in is None:
            raise ValidationError(_("该日没有考勤记录，无需更正。"))
        row = AttendanceDay.objects.create(staff=staff, date=day, center=staff_center(staff))
    before = (row.check_in, row.check_out)
    if before == (new_in, new_out):
        raise ValidationError(_("更正后的时间与原记录相同。"))
    row.check_in, row.check_out, row.corrected = new_in, new_out, True
    row.save(update_fields=["check_in", "check_out", "corrected"])
    AttendanceEvent.objects.create(
        attendance=row,
        actor=actor,
        verb="correct",
        from_state=f"{_fmt(before[0])}–{_fmt(before[1])}",
        to_state=f"{_fmt(new_in)}–{_fmt(new_out)}",
        note=reason,
        data={
            "before": [m.isoformat() if m else None for m in before],
            "after": [m.isoformat() if m else None for m in (new_in, new_out)],
        },
    )
    notify("attendance_corrected", record=row)
    return row


# --- Leave (请销假, §7(3)) --------------------------------------------------------------------------------------


def _leave_event(leave: Leave, *, actor: Any, verb: str, before: str, note: str = "", **data: Any) -> None:
    LeaveEvent.objects.create(
        leave=leave, actor=actor, verb=verb, from_state=before, to_state=leave.status, note=note, data=data
    )


def _lock(leave: Leave) -> Leave:
    return Leave.objects.select_for_update().select_related("staff", "center").get(pk=leave.pk)


@transaction.atomic
def leave_request(
    *,
    staff: Staff,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    actor: Any,
    now: dt.datetime | None = None,
) -> Leave:
    now = now or timezone.now()
    reason = reason.strip()
    if kind not in Leave.Kind.values:
        raise ValidationError({"kind": _("请选择请假类别。")})
    if not reason:
        raise ValidationError({"reason": _("请填写请假事由。")})
    if end <= start:
        raise ValidationError(_("请假结束时间须晚于开始时间。"))
    if end - start > dt.timedelta(days=MAX_LEAVE_DAYS):
        raise ValidationError(_("一次请假不能超过一年。"))
    if start < now - dt.timedelta(days=BACKDATE_DAYS):
        raise ValidationError(_("补办请假手续只能在一个月内提出。"))
    center = staff_center(staff)
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # serialize one person's requests
    clash = Leave.objects.filter(staff=staff).overlapping(start, end).first()
    if clash is not None:
        raise ValidationError(
            _("该时段与已有的请假（%(kind)s，%(start)s 起，%(status)s）重叠。")
            % {
                "kind": clash.get_kind_display(),
                "start": timezone.localtime(clash.start).strftime("%Y-%m-%d %H:%M"),
                "status": clash.get_status_display(),
            }
        )
    leave = Leave.objects.create(staff=staff, center=center, kind=kind, start=start, end=end, reason=reason)
    _leave_event(leave, actor=actor, verb="request", before="", note=reason)
    return leave


def _covering_b(leave: Leave) -> list[Staff]:
    """The B posts of the windows where the person on leave holds the A post."""
    day = timezone.localtime(leave.start).date()
    windows = Post.objects.active_on(day).filter(staff=leave.staff, kind=Post.Kind.A).values("window_id")
    posts = Post.objects.active_on(day).filter(window_id__in=windows, kind=Post.Kind.B).select_related("staff")
    return list({p.staff_id: p.staff for p in posts}.values())


@transaction.atomic
def leave_approve(*, leave: Leave, actor: Any, note: str = "", now: dt.datetime | None = None) -> Leave:
    leave = _lock(leave)
    if leave.status != Leave.Status.REQUESTED:
        raise ValidationError(_("该请假申请已处理（%(status)s）。") % {"status": leave.get_status_display()})
    if getattr(actor, "pk", None) == leave.staff.user_id:
        raise ValidationError(_("不能审批本人的请假申请。"))
    before = leave.status
    LEAVE.move(leave, Leave.Status.APPROVED, _("批准"))
    leave.decided_by = actor
    leave.decided_at = now or timezone.now()
    leave.decision_note = note.strip()
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _leave_event(leave, actor=actor, verb="approve", before=before, note=leave.decision_note)
    notify("leave_approved", leave=leave, covering=_covering_b(leave))
    if now is None:
        _sweep_after_commit(leave.center)
    return leave


@transaction.atomic
def leave_refuse(*, leave: Leave, actor: Any, note: str, now: dt.datetime | None = None) -> Leave:
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("不予批准时请填写理由。")})
    leave = _lock(leave)
    if leave.status != Leave.Status.REQUESTED:
        raise ValidationError(_("该请假申请已处理（%(status)s）。") % {"status": leave.get_status_display()})
    if getattr(actor, "pk", None) == leave.staff.user_id:
        raise ValidationError(_("不能审批本人的请假申请。"))
    before = leave.status
    LEAVE.move(leave, Leave.Status.REFUSED, _("不批准"))
    leave.decided_by = actor
    leave.decided_at = now or timezone.now()
    leave.decision_note = note
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _leave_event(leave, actor=actor, verb="refuse", before=before, note=note)
    return leave


def _may_act_for(leave: Leave, actor: Any) -> bool:
    return getattr(actor, "pk", None) == leave.staff.user_id or has_role(actor, MANAGERS)


@transaction.atomic
def leave_withdraw(*, leave: Leave, actor: Any, now: dt.datetime | None = None) -> Leave:
    """The applicant takes back a request, or approved leave that has not begun."""
    now = now or timezone.now()
    leave = _lock(leave)
    if not _may_act_for(leave, actor):
        raise ValidationError(_("只有请假人本人或中心负责人可以撤回。"))
    if leave.status == Leave.Status.APPROVED and leave.start <= now:
        raise ValidationError(_("假期已经开始，不能撤回，请办理销假。"))
    if leave.status not in (Leave.Status.REQUESTED, Leave.Status.APPROVED):
        raise ValidationError(_("该请假已%(status)s，不能撤回。") % {"status": leave.get_status_display()})
    before = leave.status
    LEAVE.move(leave, Leave.Status.WITHDRAWN, _("撤回"))
    leave.save(update_fields=["status"])
    _leave_event(leave, actor=actor, verb="withdraw", before=before)
    if before == Leave.Status.APPROVED:
        # The B posts were told to cover when it was approved: tell them the cover is off.
        notify("leave_withdrawn", leave=leave, covering=_covering_b(leave))
    return leave


@transaction.atomic
def leave_return(
    *,
    leave: Leave,
    actual_start: dt.datetime,
    actual_end: dt.datetime,
    actor: Any,
    now: dt.datetime | None = None,
) -> Leave:
    """销假: back at work, the staff member records the leave actually taken, within the approved period."""
    live = now is None
    now = now or timezone.now()
    leave = _lock(leave)
    if not _may_act_for(leave, actor):
        raise ValidationError(_("只有请假人本人或中心负责人可以办理销假。"))
    if leave.status != Leave.Status.APPROVED:
        raise ValidationError(
            _("只有已批准的请假才能销假（当前：%(status)s）。") % {"status": leave.get_status_display()}
        )
    if leave.start > now:
        raise ValidationError(_("假期尚未开始；不再需要时请撤回。"))
    if actual_end <= actual_start:
        raise ValidationError(_("实际结束时间须晚于实际开始时间。"))
    if actual_start < leave.start or actual_end > leave.end:
        raise ValidationError(_("实际休假时段须在批准的时段之内；超出部分请另行请假。"))
    end_of_today = _at(timezone.localtime(now).date() + dt.timedelta(days=1), dt.time(0))
    if actual_end > end_of_today:
        raise ValidationError(_("实际结束时间不能晚于今天。"))
    before = leave.status
    LEAVE.move(leave, Leave.Status.RETURNED, _("销假"))
    leave.actual_start, leave.actual_end, leave.returned_at = actual_start, actual_end, now
    leave.save(update_fields=["status", "actual_start", "actual_end", "returned_at"])
    _leave_event(
        leave,
        actor=actor,
        verb="return",
        before=before,
        actual_start=actual_start.isoformat(),
        actual_end=actual_end.isoformat(),
    )
    if live:
        _sweep_after_commit(leave.center)
    return leave


# --- Duty roster (§6(2)) ---------------------------------------------------------------------------------------


@transaction.atomic
def duty_shift_add(
    *,
    center: OrgUnit,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    kind: str,
    staff: Staff,
    actor: Any,
    window: Window | None = None,
    note: str = "",
) -> DutyShift:
    """Put a staff member on duty; the shift must agree with the working calendar and the extended hours."""
    if kind not in DutyShift.Kind.values:
        raise ValidationError({"kind": _("请选择值班类别。")})
    if end <= start:
        raise ValidationError({"end": _("结束时间须晚于开始时间。")})
    if window is not None and window.center_id != center.pk:
        raise ValidationError({"window": _("该窗口不属于本中心。")})
    if not _belongs_to(staff, center):
        raise ValidationError({"staff": _("该工作人员不属于本中心。")})
    if kind == DutyShift.Kind.EXTENDED:
        if not ExtendedHours.objects.filter(center=center, date=date, start__lte=start, end__gte=end).exists():
            raise ValidationError(
                _("该日没有覆盖此时段的延时服务安排。请先设置延时服务时段，或把值班时段调整到延时服务时段之内。")
            )
    elif kind == DutyShift.Kind.WEEKEND:
        if work_calendar().is_workday(date):
            raise ValidationError({"date": _("该日是工作日，不是周末或节假日。")})
    elif not CalendarDay.objects.filter(date=date, source=CalendarDay.Source.ADMIN).exists():
        raise ValidationError({"date": _("工作日历中该日没有特殊情况通知，请先在工作日历中设置。")})
    clash = DutyShift.objects.filter(staff=staff, date=date, start__lt=end, end__gt=start).first()
    if clash is not None:
        raise ValidationError(
            {"staff": _("该工作人员当日 %(slot)s 已有值班。") % {"slot": f"{clash.start:%H:%M}–{clash.end:%H:%M}"}}
        )
    if Leave.objects.filter(staff=staff).effective_during(_at(date, start), _at(date, end)).exists():
        raise ValidationError({"staff": _("该工作人员在此时段请假，不能安排值班。")})
    shift = DutyShift.objects.create(
        center=center,
        date=date,
        start=start,
        end=end,
        kind=kind,
        window=window,
        staff=staff,
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit(
        actor=actor,
        target=shift,
        verb="duty_shift_add",
        note=note,
        data={"date": date.isoformat(), "slot": f"{start:%H:%M}–{end:%H:%M}", "staff": staff.name, "kind": kind},
    )
    return shift


@transaction.atomic
def duty_shift_remove(*, shift: DutyShift, reason: str, actor: Any) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写取消原因。")})
    audit(
        actor=actor,
        target=shift.center,
        verb="duty_shift_remove",
        note=reason,
        data={
            "date": shift.date.isoformat(),
            "slot": f"{shift.start:%H:%M}–{shift.end:%H:%M}",
            "staff": shift.staff.name,
            "window": shift.window_id,
            "kind": shift.kind,
        },
    )
    shift.delete()


# --- Unmanned windows (§6(1), §8(3)(6)) ------------------------------------------------------------------------


@dataclass
class SweepResult:
    opened: list[UnmannedWindow] = field(default_factory=list)
    closed: list[UnmannedWindow] = field(default_factory=list)


def _situation(duty: Duty, spell: tuple[dt.datetime, dt.datetime]) -> dict[str, Any]:
    return {
        "spell": f"{_fmt(spell[0])}–{_fmt(spell[1])}",
        "holders": [
            {"staff_id": h.staff_id, "name": h.name, "kind": h.kind, "state": h.state, "leave": h.leave_label}
            for h in duty.holders
        ],
    }


def _unmanned_since(duty: Duty, spell_start: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When the window most likely lost its last person: the start of the session, or later if someone left."""
    candidates = [spell_start]
    for h in duty.holders:
        if h.check_out_at is not None and h.check_out_at <= now:
            candidates.append(h.check_out_at)
        if h.on_leave and h.leave_from is not None and h.leave_from <= now:
            candidates.append(h.leave_from)
    return min(max(candidates), now)


def _spell_end(record: UnmannedWindow) -> dt.datetime | None:
    local = timezone.localtime(record.started_at)
    clock = local.time()
    for session in record.center.office_hours.sessions:
        if session.start <= clock < session.end:
            return _at(local.date(), session.end)
    return None


@transaction.atomic
def unmanned_sweep(now: dt.datetime, *, centers: Iterable[OrgUnit] | None = None) -> SweepResult:
    """Open a record for every window that should be staffed at `now` and has nobody on duty; close the records of
    windows staffed again or no longer due to be open. Idempotent: running it twice at the same moment changes
    nothing the second time, and two sweeps at once cannot open two records for one window."""
    result = SweepResult()
    local = timezone.localtime(now)
    day, clock = local.date(), local.time()
    rule = work_calendar().rule(day)
    windows_qs = Window.objects.filter(is_active=True, center__is_active=True).exclude(center__hall_kind="")
    records_qs = UnmannedWindow.objects.filter(ended_at__isnull=True)
    if centers is not None:
        center_ids = [c.pk for c in centers]
        windows_qs = windows_qs.filter(center_id__in=center_ids)
        records_qs = records_qs.filter(center_id__in=center_ids)
    windows = list(windows_qs.select_related("center"))
    open_records = {r.window_id: r for r in records_qs.select_related("center", "window")}

    spells: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for window in windows:
        session = current_session(now, window.center.office_hours, rule)
        if session is not None:
            spells[window.pk] = (_at(day, session.start), _at(day, session.end))
    for shift in DutyShift.objects.filter(
        window_id__in=[w.pk for w in windows], date=day, start__lte=clock, end__gt=clock
    ):
        assert shift.window_id is not None  # noqa: S101 - filtered on window ids above
        spells.setdefault(shift.window_id, (_at(day, shift.start), _at(day, shift.end)))
    duties = duties_at(windows=[w for w in windows if w.pk in spells], moment=now)

    for window in windows:
        record = open_records.pop(window.pk, None)
        duty = duties.get(window.pk)
        if duty is not None and duty.unmanned:
            if record is None:
                opened = _unmanned_open(window, duty, spells[window.pk], now)
                if opened is not None:
                    result.opened.append(opened)
            continue
        if record is not None and _unmanned_close(record, duty, now):
            result.closed.append(record)
    for record in open_records.values():  # windows since deactivated
        if _unmanned_close(record, None, now):
            result.closed.append(record)
    return result


def _unmanned_open(
    window: Window, duty: Duty, spell: tuple[dt.datetime, dt.datetime], now: dt.datetime
) -> UnmannedWindow | None:
    try:
        with transaction.atomic():
            record = UnmannedWindow.objects.create(
                window=window,
                center=window.center,
                started_at=_unmanned_since(duty, spell[0], now),
                detected_at=now,
                situation=_situation(duty, spell),
            )
            UnmannedEvent.objects.create(record=record, actor=None, verb="open", to_state="open", data=record.situation)
    except IntegrityError:
        return None  # another sweep opened it a moment ago
    notify("unmanned_opened", record=record)
    return record


def _unmanned_close(record: UnmannedWindow, duty: Duty | None, now: dt.datetime) -> bool:
    ended = now
    by = ""
    if duty is not None and duty.holder is not None:
        by = duty.holder.name
        came = duty.holder.check_in_at
        if came is not None and record.started_at <= came <= now:
            ended = came
    else:
        spell_end = _spell_end(record)
        if spell_end is not None and record.started_at < spell_end < now:
            ended = spell_end
    if not UnmannedWindow.objects.filter(pk=record.pk, ended_at__isnull=True).update(ended_at=ended):
        return False
    record.ended_at = ended
    UnmannedEvent.objects.create(
        record=record,
        actor=None,
        verb="close",
        from_state="open",
        to_state="closed",
        data={"ended_at": ended.isoformat(), "by": by},
    )
    notify("unmanned_closed", record=record)
    return True


@transaction.atomic
def unmanned_acknowledge(
    *, record: UnmannedWindow, note: str, actor: Any, now: dt.datetime | None = None
) -> UnmannedWindow:
    """The director records what was done about an unmanned window (who was sent, why it happened)."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("请填写处置说明，例如已安排何人顶岗。")})
    record = UnmannedWindow.objects.select_for_update().get(pk=record.pk)
    record.acknowledged_by = actor
    record.acknowledged_at = now or timezone.now()
    record.note = note
    record.save(update_fields=["acknowledged_by", "acknowledged_at", "note"])
    UnmannedEvent.objects.create(record=record, actor=actor, verb="acknowledge", note=note)
    return record


# --- Discipline inspections (§6(3), §7) ------------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    center: OrgUnit,
    inspected_at: dt.datetime,
    rule: str,
    finding: str,
    actor: Any,
    window: Window | None = None,
    place: str = "",
    staff: Staff | None = None,
    note: str = "",
    photo: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> Inspection:
    now = now or timezone.now()
    note, place = note.strip(), place.strip()
    if rule not in Inspection.Rule.values:
        raise ValidationError({"rule": _("请选择检查事项。")})
    if finding not in Inspection.Finding.values:
        raise ValidationError({"finding": _("请选择检查结果。")})
    if inspected_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"inspected_at": _("检查时间不能晚于现在。")})
    if window is not None and window.center_id != center.pk:
        raise ValidationError({"window": _("该窗口不属于本中心。")})
    if staff is not None and not _belongs_to(staff, center):
        raise ValidationError({"staff": _("该工作人员不属于本中心。")})
    if window is None and not place:
        raise ValidationError({"place": _("请选择窗口或填写检查地点。")})
    if finding == Inspection.Finding.VIOLATION and not (note or photo):
        raise ValidationError({"note": _("发现违反规定时，请填写情况记录或上传现场照片。")})
    inspection = Inspection.objects.create(
        center=center,
        inspected_at=inspected_at,
        inspector=actor,
        window=window,
        place=place,
        staff=staff,
        rule=rule,
        finding=finding,
        note=note,
    )
    if photo is not None:
        inspection.photo.save(photo.name or "photo.jpg", photo, save=True)
    InspectionEvent.objects.create(
        inspection=inspection,
        actor=actor,
        verb="record",
        to_state=finding,
        note=note,
        data={"rule": rule, "staff": staff.name if staff else "", "where": inspection.where},
    )
    if staff is not None and finding == Inspection.Finding.VIOLATION:
        notify("inspection_violation", inspection=inspection)
    return inspection


STATEMENT_VERB = "statement"


@transaction.atomic
def inspection_statement_add(*, inspection: Inspection, text: str, actor: Any) -> InspectionEvent:
    """The staff member found in breach gives their account (情况说明), once; it stays with the record."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("请填写情况说明。")})
    inspection = Inspection.objects.select_for_update(of=("self",)).select_related("staff").get(pk=inspection.pk)
    if inspection.staff is None or inspection.staff.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("只有被检查人本人可以提交情况说明。"))
    if inspection.voided:
        raise ValidationError(_("该检查记录已作废，无需说明。"))
    if inspection.finding != Inspection.Finding.VIOLATION:
        raise ValidationError(_("该检查结果为符合要求，无需说明。"))
    if inspection.events.filter(verb=STATEMENT_VERB).exists():
        raise ValidationError(_("您已提交过情况说明。"))
    return InspectionEvent.objects.create(inspection=inspection, actor=actor, verb=STATEMENT_VERB, note=text[:2000])


@transaction.atomic
def inspection_void(*, inspection: Inspection, reason: str, actor: Any) -> Inspection:
    """A record made in error is voided, not deleted; it no longer counts in findings."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废原因。")})
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.voided:
        raise ValidationError(_("该检查记录已作废。"))
    inspection.voided = True
    inspection.save(update_fields=["voided"])
    InspectionEvent.objects.create(
        inspection=inspection, actor=actor, verb="void", from_state=inspection.finding, to_state="voided", note=reason
    )
    return inspection
