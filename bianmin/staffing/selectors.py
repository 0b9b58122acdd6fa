"""Reads for staffing: who is on duty (the §6(1) rule), attendance sheets, leave, roster, unmanned windows,
inspections. Lists take the acting user and return only what their place in the org tree allows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bianmin.core.aggregates import Rows
from bianmin.core.months import read_month
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import DayRule, OfficeHours, Session
from bianmin.org.access import get_in_scope, has_role, in_scope, scope_filter, staff_of
from bianmin.org.models import Department, ExtendedHours, OrgUnit, Post, Staff, Window
from bianmin.org.selectors import center_of
from bianmin.staffing.access import OVERSEERS
from bianmin.staffing.cover import Duty, Holder, decide_duty
from bianmin.staffing.models import AttendanceDay, DutyShift, Inspection, Leave, UnmannedWindow
from bianmin.staffing.timekeeping import DayAssessment, DayFacts, LeaveSpan, MonthTotals, assess_day, month_totals

# --- On duty (§6(1)) -------------------------------------------------------------------------------------------


def duties_at(*, windows: Sequence[Window], moment: dt.datetime) -> dict[int, Duty]:
    """The on-duty decision for each window at `moment`, in four queries whatever the number of windows."""
    if not windows:
        return {}
    local = timezone.localtime(moment)
    day, clock = local.date(), local.time()
    ids = [w.pk for w in windows]
    posts = list(
        Post.objects.active_on(day)
        .filter(window_id__in=ids)
        .select_related("staff")
        .order_by("window_id", "kind", "valid_from", "id")
    )
    shifts = list(
        DutyShift.objects.filter(window_id__in=ids, date=day, start__lte=clock, end__gt=clock)
        .select_related("staff")
        .order_by("start", "id")
    )
    staff_ids = {p.staff_id for p in posts} | {s.staff_id for s in shifts}
    attendance = {a.staff_id: a for a in AttendanceDay.objects.filter(date=day, staff_id__in=staff_ids)}
    leaves: dict[int, Leave] = {}
    for leave in Leave.objects.filter(staff_id__in=staff_ids).covering(moment).order_by("start"):
        leaves.setdefault(leave.staff_id, leave)

    def holder(staff: Staff, kind: str) -> Holder:
        row = attendance.get(staff.pk)
        leave = leaves.get(staff.pk)
        period = leave.period if leave else None
        return Holder(
            staff_id=staff.pk,
            name=staff.name,
            kind=kind,
            checked_in=bool(row and staff.is_active and row.present_at(moment)),
            on_leave=leave is not None,
            leave_label=leave.get_kind_display() if leave else "",
            checked_out=bool(row and row.check_out and row.check_out <= moment),
            check_in_at=row.check_in if row else None,
            check_out_at=row.check_out if row else None,
            leave_from=period[0] if period else None,
            leave_until=period[1] if period else None,
        )

    by_window: dict[int, list[Holder]] = defaultdict(list)
    for post in posts:
        by_window[post.window_id].append(holder(post.staff, post.kind))
    for shift in shifts:
        assert shift.window_id is not None  # noqa: S101 - filtered on window_id above
        by_window[shift.window_id].append(holder(shift.staff, "duty"))
    return {w.pk: decide_duty(w.pk, by_window.get(w.pk, [])) for w in windows}


def on_duty(window: Window, moment: dt.datetime | None = None) -> Duty:
    """Who staffs `window` at `moment` (default now): A if checked in and not on leave, else B, else nobody.
    The staff board, the hall screen and case routing all ask this."""
    return duties_at(windows=[window], moment=moment or timezone.now())[window.pk]


def on_duty_in_center(*, center: OrgUnit, moment: dt.datetime | None = None) -> dict[int, Duty]:
    windows = list(Window.objects.filter(center=center, is_active=True).order_by("number"))
    return duties_at(windows=windows, moment=moment or timezone.now())


def covering_now(*, staff: Staff, moment: dt.datetime) -> list[tuple[Window, Duty]]:
    """Windows on which `staff` is on duty in place of the A post (B cover or a rostered shift)."""
    day = timezone.localtime(moment).date()
    windows = {p.window_id: p.window for p in Post.objects.active_on(day).filter(staff=staff).select_related("window")}
    duties = duties_at(windows=list(windows.values()), moment=moment)
    return [
        (windows[wid], duty)
        for wid, duty in sorted(duties.items(), key=lambda item: windows[item[0]].number)
        if duty.staff_id == staff.pk and duty.covering
    ]


# --- Centers in scope ------------------------------------------------------------------------------------------


def centers_for(*, user: Any) -> QuerySet[OrgUnit]:
    return scope_filter(OrgUnit.objects.centers().filter(is_active=True), user, "path").order_by("path")


def center_for(*, user: Any, code: str | None = None) -> OrgUnit:
    """The center a staffing page shows: the one named by `code` if in scope, else the user's own, else the first
    one in scope. Http404 when none."""
    if code:
        return get_in_scope(OrgUnit.objects.centers().filter(is_active=True), user, "path", code=code)
    staff = staff_of(user)
    if staff is not None:
        own = center_of(staff.org_unit)
        if own is not None:
            return own
    first = centers_for(user=user).first()
    if first is None:
        raise Http404
    return first


# --- Attendance ------------------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(value: str | None, default: dt.date) -> dt.date:
    """ "2026-03" (or "2026年3月") → 2026-03-01; anything unreadable gives the default month."""
    return read_month(value) or month_start(default)


def attendance_today(*, staff: Staff, day: dt.date | None = None) -> AttendanceDay | None:
    return AttendanceDay.objects.filter(staff=staff, date=day or timezone.localdate()).first()


@dataclass
class SheetRow:
    staff: Staff
    days: list[DayAssessment]
    totals: MonthTotals
    records: list[AttendanceDay | None] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[DayAssessment, AttendanceDay | None]]:
        return list(zip(self.days, self.records, strict=True))


@dataclass
class MonthSheet:
    center: OrgUnit
    month: dt.date
    department: Department | None
    days: list[tuple[dt.date, DayRule]]
    rows: list[SheetRow] = field(default_factory=list)
    records: dict[tuple[int, dt.date], AttendanceDay] = field(default_factory=dict)


def effective_leave_spans(leaves: Iterable[Leave]) -> dict[int, list[LeaveSpan]]:
    spans: dict[int, list[LeaveSpan]] = defaultdict(list)
    for leave in leaves:
        period = leave.period
        if period is not None:
            spans[leave.staff_id].append(LeaveSpan(period[0], period[1], leave.get_kind_display()))
    return spans


def _sheet(
    *, center: OrgUnit, staff: list[Staff], month: dt.date, now: dt.datetime, department: Department | None = None
) -> MonthSheet:
    cal = work_calendar()
    tz = cal.tz
    end = next_month(month)
    days = [(month + dt.timedelta(days=i), cal.rule(month + dt.timedelta(days=i))) for i in range((end - month).days)]
    ids = [s.pk for s in staff]
    records = {
        (r.staff_id, r.date): r for r in AttendanceDay.objects.filter(staff_id__in=ids, date__gte=month, date__lt=end)
    }
    month_from = dt.datetime.combine(month, dt.time(0), tzinfo=tz)
    month_to = dt.datetime.combine(end, dt.time(0), tzinfo=tz)
    leaves = effective_leave_spans(
        Leave.objects.effective()
        .filter(staff_id__in=ids)
        .filter(Q(start__lt=month_to, end__gt=month_from) | Q(actual_start__lt=month_to, actual_end__gt=month_from))
    )
    shifts: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for shift in DutyShift.objects.filter(staff_id__in=ids, date__gte=month, date__lt=end):
        shifts[(shift.staff_id, shift.date)].append(
            (
                dt.datetime.combine(shift.date, shift.start, tzinfo=tz),
                dt.datetime.combine(shift.date, shift.end, tzinfo=tz),
            )
        )
    hours = center.office_hours
    sheet = MonthSheet(center, month, department, days, records=records)
    for person in staff:
        assessed = []
        found = []
        for day, rule in days:
            row = records.get((person.pk, day))
            found.append(row)
            assessed.append(
                assess_day(
                    DayFacts(
                        day=day,
                        rule=rule,
                        hours=hours,
                        tz=tz,
                        now=now,
                        check_in=row.check_in if row else None,
                        check_out=row.check_out if row else None,
                        leaves=leaves.get(person.pk, []),
                        shifts=shifts.get((person.pk, day), []),
                        corrected=bool(row and row.corrected),
                    )
                )
            )
        sheet.rows.append(SheetRow(person, assessed, month_totals(assessed), found))
    return sheet


def attendance_sheet(
    *, user: Any, center: OrgUnit, month: dt.date, department: Department | None = None, now: dt.datetime | None = None
) -> MonthSheet:
    """The monthly attendance sheet of a center (optionally one department): five queries."""
    staff = scope_filter(
        Staff.objects.filter(org_unit=center, is_active=True).select_related("department"), user, "org_unit__path"
    )
    if department is not None:
        staff = staff.filter(department=department)
    return _sheet(
        center=center,
        staff=list(staff.order_by("department__code", "name")),
        month=month,
        now=now or timezone.now(),
        department=department,
    )


def own_attendance(*, staff: Staff, month: dt.date, now: dt.datetime | None = None) -> SheetRow:
    center = center_of(staff.org_unit) or staff.org_unit
    return _sheet(center=center, staff=[staff], month=month, now=now or timezone.now()).rows[0]


def departments_of(*, center: OrgUnit) -> QuerySet[Department]:
    return Department.objects.filter(org_unit=center).order_by("code")


def attendance_record(*, staff: Staff, day: dt.date) -> AttendanceDay | None:
    return AttendanceDay.objects.filter(staff=staff, date=day).prefetch_related("events__actor__staff").first()


def staff_in_center(*, user: Any, center: OrgUnit) -> QuerySet[Staff]:
    return scope_filter(
        Staff.objects.filter(org_unit=center, is_active=True).select_related("department"), user, "org_unit__path"
    ).order_by("name")


def staff_member_in_scope(*, user: Any, staff_id: int) -> Staff:
    return get_in_scope(
        Staff.objects.select_related("org_unit", "department", "user"), user, "org_unit__path", pk=staff_id
    )


# --- Leave -----------------------------------------------------------------------------------------------------


def leaves_of(*, staff: Staff) -> QuerySet[Leave]:
    return Leave.objects.filter(staff=staff).select_related("decided_by").order_by("-start")


def leaves_in_scope(*, user: Any, center: OrgUnit | None = None, status: str | None = None) -> QuerySet[Leave]:
    qs = scope_filter(Leave.objects.select_related("staff", "staff__department", "center"), user, "center__path")
    if center is not None:
        qs = qs.filter(center=center)
    if status == "awaiting_return":
        qs = qs.filter(status=Leave.Status.APPROVED, end__lte=timezone.now())
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-start", "-id")


def leave_for(*, user: Any, leave_id: int) -> Leave:
    """A leave the user may see: their own, or one in their scope if they oversee others. 404 otherwise."""
    qs = Leave.objects.select_related("staff", "staff__user", "staff__department", "center", "decided_by")
    staff = staff_of(user)
    try:
        leave = qs.get(pk=leave_id)
    except (Leave.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if staff is not None and leave.staff_id == staff.pk:
        return leave
    if has_role(user, OVERSEERS) and in_scope(user, leave.center):
        return leave
    raise Http404


def leave_awaiting_return(*, staff: Staff, now: dt.datetime) -> list[Leave]:
    """Approved leave already begun that the staff member has not yet cancelled (销假)."""
    return list(Leave.objects.filter(staff=staff, status=Leave.Status.APPROVED, start__lte=now).order_by("start"))


def leave_covering(*, staff: Staff, moment: dt.datetime) -> Leave | None:
    return Leave.objects.filter(staff=staff).covering(moment).first()


# --- Live board and unmanned windows ---------------------------------------------------------------------------


def current_session(moment: dt.datetime, hours: OfficeHours, rule: DayRule) -> Session | None:
    if not rule.is_workday:
        return None
    clock = timezone.localtime(moment).time()
    return next((s for s in hours.sessions if s.start <= clock < s.end), None)


@dataclass
class BoardRow:
    window: Window
    duty: Duty
    unmanned: UnmannedWindow | None
    shifts: list[DutyShift]


@dataclass
class Board:
    center: OrgUnit
    moment: dt.datetime
    rule: DayRule
    session: Session | None
    rows: list[BoardRow]

    @property
    def unmanned_count(self) -> int:
        return sum(1 for row in self.rows if row.unmanned is not None)

    @property
    def covered_count(self) -> int:
        return sum(1 for row in self.rows if row.duty.covering)


def live_board(*, user: Any, center: OrgUnit, moment: dt.datetime) -> Board:
    if not in_scope(user, center):
        raise Http404
    windows = list(Window.objects.filter(center=center, is_active=True).order_by("number"))
    duties = duties_at(windows=windows, moment=moment)
    open_records = {
        r.window_id: r for r in UnmannedWindow.objects.filter(center=center, ended_at__isnull=True, window__in=windows)
    }
    local = timezone.localtime(moment)
    shifts: dict[int, list[DutyShift]] = defaultdict(list)
    for shift in DutyShift.objects.filter(center=center, date=local.date(), window__isnull=False).select_related(
        "staff"
    ):
        assert shift.window_id is not None  # noqa: S101 - filtered above
        shifts[shift.window_id].append(shift)
    rule = work_calendar().rule(local.date())
    rows = [BoardRow(w, duties[w.pk], open_records.get(w.pk), shifts.get(w.pk, [])) for w in windows]
    return Board(center, moment, rule, current_session(moment, center.office_hours, rule), rows)


def open_unmanned(*, user: Any, center: OrgUnit | None = None) -> QuerySet[UnmannedWindow]:
    qs = scope_filter(UnmannedWindow.objects.select_related("window", "center"), user, "center__path")
    if center is not None:
        qs = qs.filter(center=center)
    return qs.filter(ended_at__isnull=True).order_by("started_at")


def unmanned_records(
    *, user: Any, center: OrgUnit | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[UnmannedWindow]:
    """Unmanned-window records in scope — the raw material for §8(3)(6) accountability."""
    qs = scope_filter(
        UnmannedWindow.objects.select_related("window", "center", "acknowledged_by"), user, "center__path"
    )
    if center is not None:
        qs = qs.filter(center=center)
    if since is not None:
        qs = qs.filter(started_at__date__gte=since)
    if until is not None:
        qs = qs.filter(started_at__date__lte=until)
    return qs.order_by("-started_at")


def unmanned_in_scope(*, user: Any, record_id: int) -> UnmannedWindow:
    return get_in_scope(UnmannedWindow.objects.select_related("window", "center"), user, "center__path", pk=record_id)


# --- Duty roster -----------------------------------------------------------------------------------------------


@dataclass
class ExtendedSlot:
    session: ExtendedHours
    shifts: list[DutyShift]

    @property
    def staffed(self) -> bool:
        return bool(self.shifts)


@dataclass
class RosterMonth:
    center: OrgUnit
    month: dt.date
    shifts: list[DutyShift]
    extended: list[ExtendedSlot]

    @property
    def unstaffed_extended(self) -> list[ExtendedSlot]:
        return [slot for slot in self.extended if not slot.staffed]


def roster_month(*, user: Any, center: OrgUnit, month: dt.date) -> RosterMonth:
    """The month's duty shifts, and each extended-hours session with the shifts that staff it."""
    if not in_scope(user, center):
        raise Http404
    end = next_month(month)
    shifts = list(
        DutyShift.objects.filter(center=center, date__gte=month, date__lt=end)
        .select_related("window", "staff", "staff__department")
        .order_by("date", "start", "window__number", "id")
    )
    sessions = ExtendedHours.objects.filter(center=center, date__gte=month, date__lt=end).order_by("date", "start")
    extended = [
        ExtendedSlot(
            session,
            [
                s
                for s in shifts
                if s.kind == DutyShift.Kind.EXTENDED
                and s.date == session.date
                and s.start < session.end
                and s.end > session.start
            ],
        )
        for session in sessions
    ]
    return RosterMonth(center, month, shifts, extended)


def shift_in_scope(*, user: Any, shift_id: int) -> DutyShift:
    return get_in_scope(DutyShift.objects.select_related("center", "staff"), user, "center__path", pk=shift_id)


def shifts_of(*, staff: Staff, since: dt.date) -> QuerySet[DutyShift]:
    return DutyShift.objects.filter(staff=staff, date__gte=since).select_related("window").order_by("date", "start")


# --- Inspections -----------------------------------------------------------------------------------------------


def inspections(
    *, user: Any, center: OrgUnit | None = None, staff_id: int | None = None, finding: str | None = None
) -> QuerySet[Inspection]:
    qs = scope_filter(Inspection.objects.select_related("window", "staff", "inspector", "center"), user, "center__path")
    if center is not None:
        qs = qs.filter(center=center)
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    if finding:
        qs = qs.filter(finding=finding)
    return qs.order_by("-inspected_at", "-id")


def inspection_in_scope(*, user: Any, inspection_id: int) -> Inspection:
    return get_in_scope(
        Inspection.objects.select_related("window", "staff", "inspector__staff", "center"),
        user,
        "center__path",
        pk=inspection_id,
    )


def own_inspections(*, staff: Staff) -> QuerySet[Inspection]:
    """The inspection findings about the staff member themself (not voided), with their statements."""
    return (
        Inspection.objects.filter(staff=staff, voided=False)
        .select_related("window", "inspector__staff")
        .prefetch_related("events")
        .order_by("-inspected_at", "-id")
    )


def own_inspection(*, user: Any, inspection_id: int) -> Inspection:
    """One finding about the user themself; 404 for anyone else's, like a missing one."""
    staff = staff_of(user)
    found = own_inspections(staff=staff).filter(pk=inspection_id).first() if staff is not None else None
    if found is None:
        raise Http404
    return found


@dataclass
class StaffFindings:
    staff_id: int
    name: str
    checks: int
    violations: int


def findings_by_staff(
    *, user: Any, center: OrgUnit, since: dt.date | None = None, until: dt.date | None = None
) -> list[StaffFindings]:
    """Inspection findings per staff member, for assessment (§6(4)): one query."""
    qs = inspections(user=user, center=center).filter(voided=False, staff__isnull=False)
    if since is not None:
        qs = qs.filter(inspected_at__date__gte=since)
    if until is not None:
        qs = qs.filter(inspected_at__date__lte=until)
    rows = (
        qs.values("staff_id", "staff__name")
        .annotate(checks=Rows(), violations=Rows(Q(finding=Inspection.Finding.VIOLATION)))
        .order_by("-violations", "staff__name")
    )
    return [StaffFindings(r["staff_id"], r["staff__name"], r["checks"], r["violations"]) for r in rows]


# --- The check-in card on the staff home ----------------------------------------------------------------------


@dataclass
class CheckinState:
    staff: Staff | None
    now: dt.datetime
    record: AttendanceDay | None = None
    today: DayAssessment | None = None
    on_leave: Leave | None = None
    awaiting_return: list[Leave] = field(default_factory=list)
    covering: list[tuple[Window, Duty]] = field(default_factory=list)
    leave_later_today: Leave | None = None
    watches_windows: bool = False

    @property
    def checked_in(self) -> bool:
        return bool(self.record and self.record.check_in and self.record.check_out is None)

    @property
    def checked_out(self) -> bool:
        return bool(self.record and self.record.check_out)


def checkin_state(*, user: Any, now: dt.datetime | None = None) -> CheckinState:
    """What the staff home shows about today: check-in, leave to cancel, windows covered, unmanned alerts."""
    now = now or timezone.now()
    staff = staff_of(user)
    state = CheckinState(staff=staff, now=now, watches_windows=has_role(user, OVERSEERS))
    if staff is None:
        return state
    local_day = timezone.localtime(now).date()
    row = own_attendance(staff=staff, month=month_start(local_day), now=now)
    state.today = row.days[local_day.day - 1]
    state.record = attendance_today(staff=staff, day=local_day)
    state.awaiting_return = leave_awaiting_return(staff=staff, now=now)
    state.on_leave = next((lv for lv in state.awaiting_return if lv.end > now), None)
    midnight = dt.datetime.combine(local_day + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())
    state.leave_later_today = (
        Leave.objects.filter(staff=staff, status=Leave.Status.APPROVED, start__gt=now, start__lt=midnight)
        .order_by("start")
        .first()
    )
    state.covering = covering_now(staff=staff, moment=now)
    return state
