"""When a deadline's reminders are due: "due tomorrow" from the opening of the working day before the deadline,
"overdue" from the first working moment after it. Pure functions over a WorkCalendar, shared by every app that
reminds people of deadlines (cases, assigned tasks, complaints, rectifications)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bianmin.core.workcalendar import MAX_SCAN_DAYS, CalendarError, OfficeHours, WorkCalendar, next_working_moment

# Reminder sweeps look this far back and ahead of now: enough for the longest holiday between a deadline and the
# working moment its reminder is due (Spring Festival, National Day), so a sweep reads a bounded slice of the data.
REMINDER_HORIZON = dt.timedelta(days=15)
# Sweeps work in chunks of this many rows.
REMINDER_CHUNK = 500


def previous_workday(day: dt.date, cal: WorkCalendar) -> dt.date:
    candidate = day
    for _ in range(MAX_SCAN_DAYS):
        candidate -= dt.timedelta(days=1)
        if cal.is_workday(candidate):
            return candidate
    raise CalendarError(f"{day} 之前一年内没有工作日，请检查工作日历。")


def near_deadline_moment(due: dt.datetime, cal: WorkCalendar, hours: OfficeHours) -> dt.datetime:
    """The opening of the working day before the day the deadline falls on: when to say "due tomorrow"."""
    day = due.astimezone(cal.tz).date()
    before = previous_workday(day, cal)
    return dt.datetime.combine(before, hours.opening, tzinfo=cal.tz)


def overdue_notice_moment(due: dt.datetime, cal: WorkCalendar, hours: OfficeHours) -> dt.datetime:
    """The first working moment after the deadline: an overdue notice is not sent at night or on a holiday."""
    return next_working_moment(due + dt.timedelta(microseconds=1), cal, hours)


def reminder_kind(due_at: dt.datetime | None, now: dt.datetime, cal: WorkCalendar, hours: OfficeHours) -> str | None:
    """ "near" from the opening of the working day before the deadline, "overdue" from the first working moment
    after it, None in between (too early) or with no deadline."""
    if due_at is None:
        return None
    if due_at >= now:
        return "near" if now >= near_deadline_moment(due_at, cal, hours) else None
    return "overdue" if now >= overdue_notice_moment(due_at, cal, hours) else None


@dataclass(frozen=True)
class StaffReminder:
    """A deadline fact to tell one staff user in-app: the listener (notify) renders `template` with `context` and
    sends it once per `key`."""

    key: str
    template: str
    context: dict[str, Any]
    user: Any
    url: str
    center: Any
