import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianmin.assignments import deadlines
from bianmin.core import reminders
from bianmin.core.workcalendar import (
    DEFAULT_OFFICE_HOURS,
    SHANGHAI,
    CalendarError,
    DayRule,
    WorkCalendar,
    is_working_moment,
)

HOURS = DEFAULT_OFFICE_HOURS
# 2026: National Day golden week 10-01..10-08 off, Sunday 09-28 and Saturday 10-10 make-up working days.
CAL = WorkCalendar(
    {
        **{dt.date(2026, 10, d): DayRule(False, "国庆节", "package") for d in range(1, 9)},
        dt.date(2026, 9, 27): DayRule(True, "调休上班", "package"),
        dt.date(2026, 10, 10): DayRule(True, "调休上班", "package"),
    }
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_working_days_skip_the_holiday_and_end_at_closing_time():
    # Given a task assigned on the last working day before the holiday, mid-morning
    deadline = deadlines.task_deadline(kind="working", start=at(2026, 9, 30, 10), cal=CAL, hours=HOURS, days=2)

    # Then the day itself does not count, the holiday is skipped, the make-up Saturday 10-10 counts
    assert deadline.due == at(2026, 10, 10, 17, 30)
    assert deadline.counted == [dt.date(2026, 10, 9), dt.date(2026, 10, 10)]
    assert any("国庆节" in line for line in deadline.explain())


def test_calendar_days_count_holidays():
    deadline = deadlines.task_deadline(kind="calendar", start=at(2026, 9, 30, 10), cal=CAL, hours=HOURS, days=3)

    assert deadline.due.date() == dt.date(2026, 10, 3)


def test_a_date_deadline_is_the_close_of_that_day_and_warns_about_a_rest_day():
    deadline = deadlines.task_deadline(
        kind="date", start=at(2026, 9, 1, 10), cal=CAL, hours=HOURS, date=dt.date(2026, 10, 3)
    )

    assert deadline.due == at(2026, 10, 3, 17, 30)
    assert any("休息日" in line for line in deadline.explain())


@pytest.mark.parametrize(
    ("kind", "days", "date", "message"),
    [
        ("working", None, None, "时限天数"),
        ("working", 400, None, "时限天数"),
        ("calendar", -1, None, "时限天数"),
        ("date", None, None, "截止日期"),
        ("date", None, dt.date(2026, 8, 1), "晚于交办时间"),
        ("weekly", 3, None, "未知的时限方式"),
    ],
)
def test_bad_deadlines_are_refused_in_chinese(kind, days, date, message):
    with pytest.raises(CalendarError, match=message):
        deadlines.task_deadline(kind=kind, start=at(2026, 9, 1, 10), cal=CAL, hours=HOURS, days=days, date=date)


def test_near_deadline_moment_is_the_opening_of_the_previous_working_day():
    # A deadline on 10-09 (first day after the holiday) is announced on 09-30, before the holiday
    assert reminders.near_deadline_moment(at(2026, 10, 9, 17, 30), CAL, HOURS) == at(2026, 9, 30, 9, 0)
    # A Monday deadline is announced on the Friday before
    assert reminders.near_deadline_moment(at(2026, 11, 16, 17, 30), CAL, HOURS) == at(2026, 11, 13, 9, 0)


def test_overdue_notice_waits_for_the_next_working_moment():
    # Due at closing time on the eve of the holiday → told on the first morning back
    assert reminders.overdue_notice_moment(at(2026, 9, 30, 17, 30), CAL, HOURS) == at(2026, 10, 9, 9, 0)
    # A calendar-day deadline ending at midnight → told at opening that morning
    due = at(2026, 11, 11, 23, 59) + dt.timedelta(seconds=59, microseconds=999999)
    assert reminders.overdue_notice_moment(due, CAL, HOURS) == at(2026, 11, 12, 9, 0)


@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 1)),
    days=st.integers(min_value=0, max_value=30),
)
def test_reminder_moments_bracket_the_deadline(start, days):
    deadline = deadlines.task_deadline(
        kind="working", start=start.replace(tzinfo=SHANGHAI), cal=CAL, hours=HOURS, days=days
    )
    near = reminders.near_deadline_moment(deadline.due, CAL, HOURS)
    overdue = reminders.overdue_notice_moment(deadline.due, CAL, HOURS)

    assert near < deadline.due < overdue
    assert CAL.is_workday(near.date())
    assert near.date() < deadline.due.date()
    assert is_working_moment(overdue, CAL, HOURS)
