"""Attendance rules (§6(3), §7(3)) as pure functions: late, early, absent, on leave, overtime.

A working day expects presence through the center's office sessions, less any approved leave. Against that:
- late: minutes between the start of the first expected session the staff member was present in and check-in;
- early: expected minutes (office sessions less approved leave) between check-out and the end of the day's expected
  presence: any check-out before closing time without leave is leaving early (早退), even one in the lunch break;
- absent: the share of the day (by session) in expected sessions they were not present in at all and did not leave
  early from; a day whose every expected session was missed is an absence (旷工), approved leave never is;
- overtime: presence in their rostered duty shifts (extended hours, weekend duty, notified days), all presence on a
  non-working day, and presence after closing on a working day when it lasts at least `OVERTIME_MIN_MINUTES`.
A check-in without a check-out on a past day is flagged (未签退) and not guessed at. Times count in whole minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bianmin.core.workcalendar import DayRule, OfficeHours, WorkCalendar

OVERTIME_MIN_MINUTES = 30

Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class LeaveSpan:
    start: dt.datetime
    end: dt.datetime
    label: str  # short label of the kind, e.g. "事假"


@dataclass(frozen=True)
class DayFacts:
    day: dt.date
    rule: DayRule
    hours: OfficeHours
    tz: dt.tzinfo
    now: dt.datetime
    check_in: dt.datetime | None = None
    check_out: dt.datetime | None = None
    leaves: Sequence[LeaveSpan] = ()
    shifts: Sequence[Span] = ()
    corrected: bool = False


@dataclass(frozen=True)
class DayAssessment:
    day: dt.date
    workday: bool
    future: bool = False
    late_minutes: int = 0
    early_minutes: int = 0
    absent_days: float = 0.0
    leave_days: float = 0.0
    leave_label: str = ""
    overtime_minutes: int = 0
    missing_check_out: bool = False
    not_yet_in: bool = False  # today, a session has begun and there is no check-in yet
    present: bool = False
    corrected: bool = False
    marks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def late(self) -> bool:
        return self.late_minutes > 0

    @property
    def early(self) -> bool:
        return self.early_minutes > 0

    @property
    def absent(self) -> bool:
        """Expected sessions missed without leave and no presence at all that day (旷工)."""
        return self.workday and self.absent_days > 0 and not self.present

    @property
    def mark(self) -> str:
        return "".join(self.marks)


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _overlap(a: Span, b: Span) -> dt.timedelta:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return end - start if end > start else dt.timedelta(0)


def _subtract(span: Span, cuts: Iterable[Span]) -> list[Span]:
    pieces = [span]
    for cut_start, cut_end in sorted(cuts):
        next_pieces: list[Span] = []
        for start, end in pieces:
            if cut_end <= start or cut_start >= end:
                next_pieces.append((start, end))
                continue
            if cut_start > start:
                next_pieces.append((start, cut_start))
            if cut_end < end:
                next_pieces.append((cut_end, end))
        pieces = next_pieces
    return pieces


def _union_minutes(presence: Span, spans: Iterable[Span]) -> int:
    """Minutes of `presence` inside the union of `spans`."""
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(_minutes(_overlap(presence, (s, e))) for s, e in merged)


def session_spans(day: dt.date, hours: OfficeHours, tz: dt.tzinfo) -> list[Span]:
    return [
        (dt.datetime.combine(day, s.start, tzinfo=tz), dt.datetime.combine(day, s.end, tzinfo=tz))
        for s in hours.sessions
    ]


HALVES = ("am", "pm")


def half_day_start(day: dt.date, half: str, hours: OfficeHours, tz: dt.tzinfo) -> dt.datetime:
    """Leave is asked for by half days (上午/下午): a half day starts with its office session."""
    if half not in HALVES:
        raise ValueError(f"unknown half day {half!r}")
    session = hours.sessions[0] if half == "am" else hours.sessions[-1]
    return dt.datetime.combine(day, session.start, tzinfo=tz)


def half_day_end(day: dt.date, half: str, hours: OfficeHours, tz: dt.tzinfo) -> dt.datetime:
    if half not in HALVES:
        raise ValueError(f"unknown half day {half!r}")
    session = hours.sessions[0] if half == "am" else hours.sessions[-1]
    return dt.datetime.combine(day, session.end, tzinfo=tz)


def _round_half(value: float) -> float:
    return round(value * 2) / 2


def leave_share(day: dt.date, hours: OfficeHours, tz: dt.tzinfo, leaves: Iterable[Span]) -> float:
    """The share of a working day's sessions that leave covers, to the half day."""
    sessions = session_spans(day, hours, tz)
    leaves = list(leaves)
    share = 0.0
    for session in sessions:
        covered = sum((_overlap(session, leave) for leave in leaves), dt.timedelta(0))
        share += min(1.0, covered / (session[1] - session[0])) / len(sessions)
    return _round_half(share)


def leave_working_days(start: dt.datetime, end: dt.datetime, cal: WorkCalendar, hours: OfficeHours) -> float:
    """Working days (to the half day) a leave period takes: weekends and holidays do not count."""
    if end <= start:
        return 0.0
    first = start.astimezone(cal.tz).date()
    last = end.astimezone(cal.tz).date()
    total = 0.0
    for day in cal.workdays(first, last + dt.timedelta(days=1)):
        total += leave_share(day, hours, cal.tz, [(start, end)])
    return total


def assess_day(facts: DayFacts) -> DayAssessment:
    tz = facts.tz
    day_start = dt.datetime.combine(facts.day, dt.time(0), tzinfo=tz)
    day_end = day_start + dt.timedelta(days=1)
    today = facts.now.astimezone(tz).date()
    workday = facts.rule.is_workday
    if facts.day > today:
        return DayAssessment(facts.day, workday, future=True)

    leaves = [(max(x.start, day_start), min(x.end, day_end)) for x in facts.leaves if x.end > day_start]
    leaves = [x for x in leaves if x[1] > x[0]]
    leave_label = next((x.label for x in facts.leaves if _overlap((x.start, x.end), (day_start, day_end))), "")

    is_today = facts.day == today
    presence: Span | None = None
    missing_out = False
    if facts.check_in is not None:
        if facts.check_out is not None and facts.check_out > facts.check_in:
            presence = (facts.check_in, facts.check_out)
        elif is_today:
            presence = (facts.check_in, max(facts.now, facts.check_in))
        else:
            missing_out = True
            presence = (facts.check_in, day_end)  # present from check-in; the end is unknown

    marks: list[str] = []
    late = early = 0
    absent_days = leave_days = 0.0
    not_yet_in = False

    if workday:
        sessions = session_spans(facts.day, facts.hours, tz)
        weight = 1 / len(sessions)
        leave_days = leave_share(facts.day, facts.hours, tz, leaves)
        expected: list[tuple[Span, float]] = []
        for session in sessions:
            length = session[1] - session[0]
            for piece in _subtract(session, leaves):
                expected.append((piece, weight * ((piece[1] - piece[0]) / length)))
        # A check-in this very minute counts as attending the session it falls in.
        attended = [(span, w) for span, w in expected if presence and presence[0] < span[1] and presence[1] > span[0]]
        left_at = facts.check_out if facts.check_out is not None and not missing_out and attended else None
        for span, w in expected:
            finished = span[1] <= facts.now
            left_before = left_at is not None and span[0] >= left_at  # counted as leaving early, not as absence
            if (span, w) not in attended and finished and not left_before:
                absent_days += w
        absent_days = _round_half(absent_days)
        if attended and facts.check_in is not None:
            first = attended[0][0]
            late = _minutes(facts.check_in - first[0])
            if left_at is not None:
                early = _minutes(sum((_overlap(span, (left_at, span[1])) for span, _ in expected), dt.timedelta(0)))
        if is_today and facts.check_in is None:
            not_yet_in = any(span[0] <= facts.now for span, _ in expected)

    overtime = 0
    # Overtime needs a check-out: a day still running (or a forgotten check-out) earns none yet.
    if presence is not None and facts.check_out is not None and not missing_out:
        shifts = list(facts.shifts)
        if workday:
            closing = dt.datetime.combine(facts.day, facts.hours.closing, tzinfo=tz)
            after = _minutes(_overlap(presence, (closing, day_end)))
            rostered_after = _union_minutes(presence, [_clip(s, (closing, day_end)) for s in shifts])
            overtime = _union_minutes(presence, shifts)
            if after - rostered_after >= OVERTIME_MIN_MINUTES:
                overtime += after - rostered_after
        else:
            overtime = _minutes(_overlap(presence, (day_start, day_end)))

    present = presence is not None
    if workday:
        if leave_days >= 1:
            marks.append(_short(leave_label))
        else:
            if leave_days > 0:
                marks.append(_short(leave_label))
            if present:
                if late:
                    marks.append("迟")
                if early:
                    marks.append("早")
                if absent_days > 0:
                    marks.append("缺")
                if missing_out:
                    marks.append("未退")
                if not (late or early or absent_days or missing_out):
                    marks.append("√")
            elif absent_days > 0:
                marks.append("旷")
            elif not_yet_in:
                marks.append("未签")
    elif present:
        marks.append("班")
    else:
        marks.append("休")
    if overtime and workday:
        marks.append("加")

    return DayAssessment(
        day=facts.day,
        workday=workday,
        late_minutes=late,
        early_minutes=early,
        absent_days=absent_days,
        leave_days=leave_days,
        leave_label=leave_label if leave_days else "",
        overtime_minutes=overtime,
        missing_check_out=missing_out,
        not_yet_in=not_yet_in,
        present=present,
        corrected=facts.corrected,
        marks=tuple(marks),
    )


def _clip(span: Span, bounds: Span) -> Span:
    start, end = max(span[0], bounds[0]), min(span[1], bounds[1])
    return (start, end) if end > start else (bounds[0], bounds[0])


def _short(label: str) -> str:
    return label[:1] if label else "假"


@dataclass
class MonthTotals:
    workdays: int = 0
    present_days: float = 0.0  # on a working day, the share not on leave and not absent; a day worked when off
    late_times: int = 0
    late_minutes: int = 0
    early_times: int = 0
    early_minutes: int = 0
    absent_days: float = 0.0
    leave_days: float = 0.0
    leave_by_label: dict[str, float] = field(default_factory=dict)
    overtime_minutes: int = 0
    missing_check_outs: int = 0

    @property
    def overtime_hours(self) -> float:
        return round(self.overtime_minutes / 60, 1)


def month_totals(days: Iterable[DayAssessment]) -> MonthTotals:
    totals = MonthTotals()
    for a in days:
        if a.future:
            continue
        if a.workday:
            totals.workdays += 1
        if a.present:
            # Approved leave is leave, not attendance, even when the person checked in that day.
            totals.present_days += max(0.0, 1 - a.leave_days - a.absent_days) if a.workday else 1
        if a.late:
            totals.late_times += 1
            totals.late_minutes += a.late_minutes
        if a.early:
            totals.early_times += 1
            totals.early_minutes += a.early_minutes
        totals.absent_days += a.absent_days
        if a.leave_days:
            totals.leave_days += a.leave_days
            totals.leave_by_label[a.leave_label] = totals.leave_by_label.get(a.leave_label, 0.0) + a.leave_days
        totals.overtime_minutes += a.overtime_minutes
        if a.missing_check_out:
            totals.missing_check_outs += 1
    return totals
