"""A case's due moment and how it was worked out: pure functions over the working calendar, no ORM.

- direct (即办): due at the close of the working day the clock starts;
- promised, joint, forwarded: the item's promised limit in working days (or calendar days) from acceptance;
- every span the case waited for the applicant moves the due moment by the working days it lasted
  (calendar days for calendar-day limits). A pause counts the working days in [pause day, resume day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from bianmin.core.workcalendar import (
    OfficeHours,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    count_working_days,
    end_of_working_day,
    shift_by_working_days,
)

DIRECT = "direct"
CALENDAR = "calendar"


@dataclass(frozen=True)
class Pause:
    started: dt.datetime
    ended: dt.datetime | None


@dataclass
class CaseDeadline:
    due: dt.datetime
    lines: list[str] = field(default_factory=list)
    paused: bool = False


def _fmt(moment: dt.datetime, cal: WorkCalendar) -> str:
    return f"{moment.astimezone(cal.tz):%Y-%m-%d %H:%M}"


def pause_length(pause: Pause, *, unit: str, cal: WorkCalendar) -> int:
    """Days the clock stood still; an open pause counts nothing yet."""
    if pause.ended is None:
        return 0
    start = pause.started.astimezone(cal.tz).date()
    end = pause.ended.astimezone(cal.tz).date()
    if unit == CALENDAR:
        return max((end - start).days, 0)
    return count_working_days(start, end, cal)


def case_deadline(
    *,
    mode: str,
    accepted_at: dt.datetime,
    days: int,
    unit: str,
    pauses: Sequence[Pause],
    cal: WorkCalendar,
    hours: OfficeHours,
) -> CaseDeadline:
    if mode == DIRECT or days == 0:
        base = add_working_days(accepted_at, 0, cal, hours)
    elif unit == CALENDAR:
        base = add_calendar_days(accepted_at, days, cal)
    else:
        base = add_working_days(accepted_at, days, cal, hours)
    lines = base.explain()[:-1]
    if mode == DIRECT:
        lines.append("即办件：当日办结")
    else:
        label = "自然日" if unit == CALENDAR else "工作日"
        lines.append(f"承诺时限 {days} 个{label}，计算截止：{_fmt(base.due, cal)}")
    due = base.due
    paused = False
    for pause in pauses:
        if pause.ended is None:
            paused = True
            lines.append(f"自 {_fmt(pause.started, cal)} 起等待申请人补正，暂停计时")
            continue
        n = pause_length(pause, unit=unit, cal=cal)
        if n == 0:
            lines.append(f"等待申请人补正 {_fmt(pause.started, cal)} 至 {_fmt(pause.ended, cal)}，未跨工作日，不顺延")
            continue
        if unit == CALENDAR and mode != DIRECT:
            due = due + dt.timedelta(days=n)
            lines.append(f"等待申请人补正 {_fmt(pause.started, cal)} 至 {_fmt(pause.ended, cal)}，顺延 {n} 个自然日")
        else:
            due = shift_by_working_days(due, n, cal, hours)
            lines.append(f"等待申请人补正 {_fmt(pause.started, cal)} 至 {_fmt(pause.ended, cal)}，顺延 {n} 个工作日")
    lines.append(f"办理期限：{_fmt(due, cal)}")
    return CaseDeadline(due=due, lines=lines, paused=paused)


def supplement_latest(
    *, accepted_at: dt.datetime, days: int, unit: str, cal: WorkCalendar, hours: OfficeHours
) -> dt.date:
    """The latest date a supplement may be asked for by: never later than the item's promised limit
    (at least the close of the next working day, so a direct item's applicant is not asked to come back today)."""
    if unit == CALENDAR and days > 0:
        return add_calendar_days(accepted_at, days, cal).due.date()
    deadline = add_working_days(accepted_at, max(days, 1), cal, hours)
    return deadline.due.astimezone(cal.tz).date()


@dataclass(frozen=True)
class DueMark:
    code: str  # "overdue", "today", "next", "paused", ""
    label: str


def due_mark(*, due: dt.datetime | None, now: dt.datetime, paused: bool, cal: WorkCalendar) -> DueMark:
    if paused:
        return DueMark("paused", "暂停计时")
    if due is None:
        return DueMark("", "")
    if due < now:
        return DueMark("overdue", "已超期")
    today = now.astimezone(cal.tz).date()
    due_day = due.astimezone(cal.tz).date()
    if due_day <= today:
        return DueMark("today", "今日到期")
    if due_day == cal.next_workday(today):
        return DueMark("next", "下一工作日到期")
    return DueMark("", "")


def end_of_day(day: dt.date, cal: WorkCalendar, hours: OfficeHours) -> dt.datetime:
    return end_of_working_day(day, cal, hours)
