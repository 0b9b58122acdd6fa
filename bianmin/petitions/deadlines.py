"""Time limits of letters and visits (§8(2)4): calendar days from the day received; holidays count."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from bianmin.core.workcalendar import Deadline, WorkCalendar, add_calendar_days


def petition_deadline(received_on: dt.date, days: int, cal: WorkCalendar) -> Deadline:
    """Due at the end of the `days`-th calendar day after the day received (the day received does not count)."""
    start = dt.datetime.combine(received_on, dt.time(0, 0), tzinfo=cal.tz)
    return add_calendar_days(start, days, cal)


def explain_petition_deadline(
    *, received_on: dt.date, days: int, category_label: str, due_at: dt.datetime, cal: WorkCalendar
) -> list[str]:
    due = due_at.astimezone(cal.tz)
    return [
        _("收到日期：%(day)s（当日不计入）") % {"day": f"{received_on:%Y-%m-%d}"},
        _("%(category)s，办理时限 %(days)s 日，按自然日计算，节假日不顺延")
        % {"category": category_label, "days": days},
        _("办理期限：%(day)s 24 时前") % {"day": f"{due:%Y-%m-%d}"},
    ]
