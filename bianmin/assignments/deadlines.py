"""Deadlines of assigned tasks: pure functions over a WorkCalendar (their reminder moments: core.reminders)."""

from __future__ import annotations

import datetime as dt

from bianmin.core.workcalendar import (
    CalendarError,
    Deadline,
    OfficeHours,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    end_of_working_day,
)

WORKING_DAYS = "working"
CALENDAR_DAYS = "calendar"
DATE = "date"

MAX_DAYS = 365


def task_deadline(
    *,
    kind: str,
    start: dt.datetime,
    cal: WorkCalendar,
    hours: OfficeHours,
    days: int | None = None,
    date: dt.date | None = None,
) -> Deadline:
    """Working days (at the close of the N-th working day), calendar days (end of the N-th day), or a date
    (at the close of office hours that day)."""
    if kind in (WORKING_DAYS, CALENDAR_DAYS):
        if days is None or not 0 <= days <= MAX_DAYS:
            raise CalendarError(f"时限天数须在 0 至 {MAX_DAYS} 之间。")
        if kind == WORKING_DAYS:
            return add_working_days(start, days, cal, hours)
        return add_calendar_days(start, days, cal)
    if kind == DATE:
        if date is None:
            raise CalendarError("请填写截止日期。")
        received = start.astimezone(cal.tz)
        due = end_of_working_day(date, cal, hours)
        notes = ["按指定日期截止（当日下班时间）"]
        rule = cal.rule(date)
        if not rule.is_workday:
            notes.append(f"注意：{date:%Y-%m-%d} 为休息日（{rule.reason}）")
        if due <= received:
            raise CalendarError("截止日期须晚于交办时间。")
        return Deadline(received, received, due, 0, "date", [], [], notes)
    raise CalendarError(f"未知的时限方式：{kind}")
