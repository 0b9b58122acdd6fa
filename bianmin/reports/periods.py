"""Reporting periods: a month (dashboards), a quarter or a year (assessment). Pure, no ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bianmin.core.months import read_month

MIN_YEAR, MAX_YEAR = 2000, 2100


class PeriodError(ValueError):
    """Unreadable period in a query string; the message is for the user."""


@dataclass(frozen=True)
class Period:
    """[start, end) in local dates. Quarter 0 is the whole year."""

    year: int
    quarter: int = 0

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(_("年度应在 %(min)s 至 %(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR})
        if not 0 <= self.quarter <= 4:
            raise PeriodError(_("季度应为 1 至 4，年度考核不填季度。"))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter == 0 else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter in (0, 4):
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, 3 * self.quarter + 1, 1)

    @property
    def label(self) -> str:
        if self.quarter == 0:
            return _("%(year)s年度") % {"year": self.year}
        return _("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}

    def bounds(self, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        return local_bounds(self.start, self.end, tz)


def local_bounds(start: dt.date, end: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(start, dt.time(0), tzinfo=tz), dt.datetime.combine(end, dt.time(0), tzinfo=tz)


def parse_period(year: str | None, quarter: str | None, default_year: int) -> Period:
    try:
        y = int(year) if year else default_year
        q = int(quarter) if quarter else 0
    except ValueError as exc:
        raise PeriodError(_("年度和季度须为数字。")) from exc
    return Period(y, q)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(value: str | None, default: dt.date) -> dt.date:
    """ "2026-03" (or "2026年3月") → 2026-03-01; empty gives the default's month; anything else is a PeriodError."""
    if not value:
        return month_start(default)
    first = read_month(value)
    if first is None:
        raise PeriodError(_("月份格式应为“年-月”，如 2026-03。"))
    return first


def month_days(first: dt.date) -> list[dt.date]:
    end = next_month(first)
    return [first + dt.timedelta(days=i) for i in range((end - first).days)]
