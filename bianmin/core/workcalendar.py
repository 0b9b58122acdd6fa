"""Working-day arithmetic (§6(2), §8(2)): pure functions, no ORM.

A `WorkCalendar` knows, for every date, whether it is a working day and why: weekends are off, statutory
holidays are off, make-up working days (调休上班) are on, and the administrator's notified special days
override both. `OfficeHours` are a center's sessions (morning, afternoon). The functions below answer with
a `Deadline` that carries its own explanation, so a due moment can always be shown with how it was worked out.

The counting rule is the law's: a period counted in days starts on the day after it begins (《民法典》第二百零一条
"开始的当日不计入，自下一日开始计算"; the 行政许可法 counts working days the same way). The day of acceptance
never counts, whatever the hour; N working days end at the close of the N-th working day after it. A direct item
(0 days) is due at the close of the day the clock starts: the acceptance day, or the next working day when
accepted outside office hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A calendar with no working day in a year is a configuration error, not a reason to loop forever.
MAX_SCAN_DAYS = 366


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class DayRule:
    is_workday: bool
    reason: str
    source: str = "default"  # "default" (weekday/weekend), "package" (statutory), "admin" (notified)


# The rules of a day no override names (made once: a deadline asks for a dozen days).
_WEEKDAY = DayRule(True, "工作日")
_WEEKEND = DayRule(False, "周末")


@dataclass(frozen=True)
class Session:
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise CalendarError(f"办公时段的开始时间必须早于结束时间：{self.start}–{self.end}")


@dataclass(frozen=True)
class OfficeHours:
    sessions: tuple[Session, ...]

    def __post_init__(self) -> None:
        if not self.sessions:
            raise CalendarError("至少需要一个办公时段。")
        for earlier, later in zip(self.sessions, self.sessions[1:], strict=False):
            if not earlier.end <= later.start:
                raise CalendarError("办公时段不能重叠，且须按时间先后排列。")

    @classmethod
    def of(cls, *pairs: tuple[dt.time, dt.time]) -> OfficeHours:
        return cls(tuple(Session(a, b) for a, b in pairs))

    @property
    def opening(self) -> dt.time:
        return self.sessions[0].start

    @property
    def closing(self) -> dt.time:
        return self.sessions[-1].end

    def describe(self) -> str:
        return "，".join(f"{s.start:%H:%M}–{s.end:%H:%M}" for s in self.sessions)


DEFAULT_OFFICE_HOURS = OfficeHours.of((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))


MAKEUP_WORKDAY = "调休上班"


def statutory_overrides(years: Iterable[int]) -> dict[dt.date, DayRule]:
    """China's statutory holidays (off) and make-up working days (on) for `years`, from the holidays package."""
    years = sorted(set(years))
    cn = holidays.country_holidays("CN", years=years, language="zh_CN")
    rules = {day: DayRule(False, str(name), "package") for day, name in cn.items()}
    for day in getattr(cn, "weekend_workdays", set()):
        if day.year in years:
            rules[day] = DayRule(True, MAKEUP_WORKDAY, "package")
    return rules


class WorkCalendar:
    """Working days: weekday/weekend by default, overridden date by date."""

    def __init__(self, overrides: Mapping[dt.date, DayRule] | None = None, tz: dt.tzinfo = SHANGHAI) -> None:
        self._overrides = dict(overrides or {})
        self.tz = tz

    def rule(self, day: dt.date) -> DayRule:
        found = self._overrides.get(day)
        if found is not None:
            return found
        return _WEEKEND if day.weekday() >= 5 else _WEEKDAY

    def is_workday(self, day: dt.date) -> bool:
        return self.rule(day).is_workday

    def next_workday(self, day: dt.date, skipped: list[tuple[dt.date, str]] | None = None) -> dt.date:
        """The first working day strictly after `day`; days passed over are appended to `skipped`."""
        candidate = day
        for _ in range(MAX_SCAN_DAYS):
            candidate += dt.timedelta(days=1)
            rule = self.rule(candidate)
            if rule.is_workday:
                return candidate
            if skipped is not None:
                skipped.append((candidate, rule.reason))
        raise CalendarError(f"{day} 之后一年内没有工作日，请检查工作日历。")

    def workdays(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        """Working days in [start, end)."""
        day = start
        while day < end:
            if self.is_workday(day):
                yield day
            day += dt.timedelta(days=1)


@dataclass
class Deadline:
    """A due moment together with how it was worked out."""

    received: dt.datetime
    start: dt.datetime
    due: dt.datetime
    days: int
    unit: str  # "working" or "calendar"
    counted: list[dt.date] = field(default_factory=list)
    skipped: list[tuple[dt.date, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def explain(self) -> list[str]:
        lines = [f"起算：{_fmt(self.received)}", *self.notes]
        if self.unit == "working":
            if self.counted:
                days = "、".join(f"{d.month:02d}-{d.day:02d}" for d in self.counted)  # strftime's %m-%d, faster
                lines.append(f"计入 {len(self.counted)} 个工作日：{days}")
            for day, reason in self.skipped:
                lines.append(f"跳过 {day:%Y-%m-%d}（{reason}）")
        lines.append(f"截止：{_fmt(self.due)}")
        return lines


def _fmt(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _local(moment: dt.datetime, cal: WorkCalendar) -> dt.datetime:
    if moment.tzinfo is None:
        raise CalendarError("时间必须带时区。")
    return moment.astimezone(cal.tz)


def _at(day: dt.date, moment: dt.time, cal: WorkCalendar) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=cal.tz)


def is_working_moment(moment: dt.datetime, cal: WorkCalendar, hours: OfficeHours) -> bool:
    local = _local(moment, cal)
    if not cal.is_workday(local.date()):
        return False
    now = local.timetz().replace(tzinfo=None)
    return any(s.start <= now < s.end for s in hours.sessions)


def next_working_moment(
    moment: dt.datetime,
    cal: WorkCalendar,
    hours: OfficeHours,
    skipped: list[tuple[dt.date, str]] | None = None,
) -> dt.datetime:
    """`moment` itself if the hall is open then, else the start of the next session on a working day."""
    local = _local(moment, cal)
    day = local.date()
    if cal.is_workday(day):
        now = local.timetz().replace(tzinfo=None)
        for session in hours.sessions:
            if now < session.end:
                return local if now >= session.start else _at(day, session.start, cal)
    elif skipped is not None:
        skipped.append((day, cal.rule(day).reason))
    return _at(cal.next_workday(day, skipped), hours.opening, cal)


def end_of_working_day(day: dt.date, cal: WorkCalendar, hours: OfficeHours) -> dt.datetime:
    return _at(day, hours.closing, cal)


def add_working_days(moment: dt.datetime, days: int, cal: WorkCalendar, hours: OfficeHours) -> Deadline:
    """Due at the close of the `days`-th working day after the day received; `days == 0` means the close of
    the day the clock starts."""
    if days < 0:
        raise CalendarError("工作日数不能为负数。")
    received = _local(moment, cal)
    skipped: list[tuple[dt.date, str]] = []
    notes: list[str] = []
    if days == 0:
        start = next_working_moment(received, cal, hours, skipped)
        if start != received:
            notes.append(f"非办公时间受理，自 {_fmt(start)} 起算")
        notes.append("当日办结")
        return Deadline(
            received, start, end_of_working_day(start.date(), cal, hours), 0, "working", [start.date()], skipped, notes
        )

    # The acceptance day never counts (民法典 第二百零一条), even when accepted before opening time.
    start = next_working_moment(received, cal, hours)
    notes.append(f"受理当日（{received:%m-%d}）不计入，自下一日起计算")
    counted: list[dt.date] = []
    day = received.date()
    while len(counted) < days:
        day = cal.next_workday(day, skipped)
        counted.append(day)
    return Deadline(
        received, start, end_of_working_day(counted[-1], cal, hours), days, "working", counted, skipped, notes
    )


def add_calendar_days(moment: dt.datetime, days: int, cal: WorkCalendar) -> Deadline:
    """Due at the end (24:00) of the `days`-th calendar day after the day received; holidays count."""
    if days < 0:
        raise CalendarError("天数不能为负数。")
    received = _local(moment, cal)
    last = received.date() + dt.timedelta(days=days)
    due = _at(last + dt.timedelta(days=1), dt.time(0, 0), cal) - dt.timedelta(microseconds=1)
    notes = [f"按自然日计算 {days} 日，节假日不顺延"]
    return Deadline(received, received, due, days, "calendar", [], [], notes)


def count_working_days(start: dt.date, end: dt.date, cal: WorkCalendar) -> int:
    """Working days in [start, end): e.g. how many working days a paused clock stood still."""
    return sum(1 for _ in cal.workdays(start, end))


def shift_by_working_days(due: dt.datetime, days: int, cal: WorkCalendar, hours: OfficeHours) -> dt.datetime:
    """Move a due moment `days` working days later, keeping it at the close of a working day."""
    if days < 0:
        raise CalendarError("工作日数不能为负数。")
    day = _local(due, cal).date()
    if not cal.is_workday(day):
        day = cal.next_workday(day)
    for _ in range(days):
        day = cal.next_workday(day)
    return end_of_working_day(day, cal, hours)


def working_day_of(moment: dt.datetime, cal: WorkCalendar) -> tuple[dt.date, DayRule]:
    local = _local(moment, cal)
    return local.date(), cal.rule(local.date())
