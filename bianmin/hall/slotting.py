"""When the hall is open on a day and how a session splits into appointment slots: pure functions, no ORM.

A working day has the center's office hours; extended-hours sessions (延时服务) add to them, on working days
(lunch time, evenings) and on days off alike (weekend duty). A day the administrator has notified as closed (a
special day, 特殊情况另行通知) has no session at all: the hall is shut, extended hours included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bianmin.core.workcalendar import OfficeHours, WorkCalendar


@dataclass(frozen=True, order=True)
class OpenSession:
    start: dt.time
    end: dt.time
    extended: bool = False
    note: str = ""


def open_sessions(
    day: dt.date, cal: WorkCalendar, hours: OfficeHours, extended: Iterable[tuple[dt.time, dt.time, str]] = ()
) -> list[OpenSession]:
    """The hall's sessions on `day`, in time order: office hours on a working day, plus extended sessions."""
    if is_closed_by_notice(day, cal):
        return []
    sessions = []
    if cal.is_workday(day):
        sessions = [OpenSession(s.start, s.end) for s in hours.sessions]
    sessions += [OpenSession(start, end, True, note) for start, end, note in extended if start < end]
    return sorted(sessions)


def is_closed_by_notice(day: dt.date, cal: WorkCalendar) -> bool:
    # DayRule.source "admin": the administrator's special day (core.CalendarDay.Source.ADMIN), not a weekend or a
    # statutory holiday, on which weekend duty may still be held.
    rule = cal.rule(day)
    return not rule.is_workday and rule.source == "admin"


def split_session(start: dt.time, end: dt.time, minutes: int) -> list[tuple[dt.time, dt.time]]:
    """Consecutive intervals of `minutes` covering [start, end); a shorter tail of at least half a slot is kept."""
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    day = dt.date(2000, 1, 1)
    cursor = dt.datetime.combine(day, start)
    stop = dt.datetime.combine(day, end)
    step = dt.timedelta(minutes=minutes)
    slots: list[tuple[dt.time, dt.time]] = []
    while cursor < stop:
        upper = min(cursor + step, stop)
        if upper - cursor >= step / 2 or not slots:
            slots.append((cursor.time(), upper.time()))
        cursor = upper
    return slots


def overlaps(a: tuple[dt.time, dt.time], b: tuple[dt.time, dt.time]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def is_open_at(moment: dt.time, sessions: Iterable[OpenSession]) -> bool:
    return any(s.start <= moment < s.end for s in sessions)
