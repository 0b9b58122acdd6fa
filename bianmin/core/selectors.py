from __future__ import annotations

import datetime as dt
import threading

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from bianmin.core.models import CalendarDay
from bianmin.core.workcalendar import DayRule, WorkCalendar

CALENDAR_VERSION_KEY = "bianmin:calendar-version"
_local = threading.local()


def calendar_days(*, year: int | None = None) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.select_related("created_by")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def build_work_calendar(rows: list[CalendarDay]) -> WorkCalendar:
    """Notified special days (admin) override the statutory arrangement (package) for the same date."""
    overrides: dict[dt.date, DayRule] = {}
    for row in sorted(rows, key=lambda r: (r.date, r.source != CalendarDay.Source.PACKAGE)):
        reason = f"{row.name}：{row.reason}" if row.reason else row.name
        overrides[row.date] = DayRule(row.is_workday, reason, row.source)
    return WorkCalendar(overrides, tz=timezone.get_default_timezone())


def work_calendar() -> WorkCalendar:
    """The working calendar, rebuilt only when a calendar service has bumped the shared version."""
    version = cache.get(CALENDAR_VERSION_KEY)
    if version is None:
        version = timezone.now().timestamp()
        cache.add(CALENDAR_VERSION_KEY, version, timeout=None)
        version = cache.get(CALENDAR_VERSION_KEY, version)
    held = getattr(_local, "calendar", None)
    if held is not None and held[0] == version:
        return held[1]
    calendar = build_work_calendar(list(CalendarDay.objects.all()))
    _local.calendar = (version, calendar)
    return calendar


def invalidate_work_calendar() -> None:
    cache.set(CALENDAR_VERSION_KEY, timezone.now().timestamp(), timeout=None)
    _local.calendar = None
