"""The working calendar (§6(2)) and deadline arithmetic (§8(2)): pure functions, tested hard."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.core.workcalendar import (
    DEFAULT_OFFICE_HOURS,
    SHANGHAI,
    CalendarError,
    DayRule,
    OfficeHours,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    count_working_days,
    end_of_working_day,
    is_working_moment,
    next_working_moment,
    shift_by_working_days,
    statutory_overrides,
)

CAL = WorkCalendar(statutory_overrides(range(2024, 2029)))
HOURS = DEFAULT_OFFICE_HOURS  # 09:00–12:00, 13:30–17:30


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def close(y, m, d):
    return at(y, m, d, 17, 30)


# --- the statutory calendar as the holidays package gives it -------------------------------------------------


def test_2026_national_day_is_off_and_its_makeup_saturday_and_sunday_are_on():
    for day in range(1, 8):
        assert not CAL.is_workday(dt.date(2026, 10, day)), f"10-{day}"
    assert CAL.is_workday(dt.date(2026, 9, 20))  # Sunday, 调休上班
    assert CAL.is_workday(dt.date(2026, 10, 10))  # Saturday, 调休上班
    assert CAL.rule(dt.date(2026, 10, 10)).reason == "调休上班"
    assert "国庆节" in CAL.rule(dt.date(2026, 10, 1)).reason


def test_2026_spring_festival_is_off_from_15_to_23_february_with_makeup_saturdays():
    for day in range(15, 24):
        assert not CAL.is_workday(dt.date(2026, 2, day)), f"02-{day}"
    assert CAL.is_workday(dt.date(2026, 2, 14))
    assert CAL.is_workday(dt.date(2026, 2, 28))
    assert CAL.is_workday(dt.date(2026, 2, 24))


def test_plain_weekends_are_off_and_weekdays_on():
    assert not CAL.is_workday(dt.date(2026, 11, 28))  # Saturday
    assert CAL.is_workday(dt.date(2026, 11, 24))  # Tuesday
    assert CAL.rule(dt.date(2026, 11, 29)).reason == "周末"


# --- adding working days -----------------------------------------------------------------------------------


def test_promised_case_accepted_the_day_before_national_day_skips_the_whole_holiday():
    deadline = add_working_days(at(2026, 9, 30, 10), 5, CAL, HOURS)

    # 9-30 is the acceptance day (not counted); 10-01..10-07 off; 10-10 Saturday is a make-up working day.
    assert deadline.counted == [
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 13),
    ]
    assert deadline.due == close(2026, 10, 13)
    skipped = dict(deadline.skipped)
    assert dt.date(2026, 10, 1) in skipped
    assert "国庆节" in skipped[dt.date(2026, 10, 1)]
    assert skipped[dt.date(2026, 10, 11)] == "周末"


def test_explanation_names_the_start_rule_the_skipped_days_and_the_due_moment():
    lines = add_working_days(at(2026, 9, 30, 10), 5, CAL, HOURS).explain()

    text = "\n".join(lines)
    assert "受理当日（09-30）不计入" in text
    assert "跳过 2026-10-01（国庆节）" in text
    assert "截止：2026-10-13 17:30" in text


def test_a_clock_starting_on_a_makeup_sunday_counts_that_sunday():
    # Saturday 9-19 is off; Sunday 9-20 is 调休上班: the clock starts there at opening, a full day.
    deadline = add_working_days(at(2026, 9, 19, 10), 1, CAL, HOURS)

    assert deadline.start == at(2026, 9, 20, 9)
    assert deadline.due == close(2026, 9, 20)


def test_spring_festival_deadline_jumps_from_the_makeup_saturday_to_after_the_holiday():
    deadline = add_working_days(at(2026, 2, 13, 15), 3, CAL, HOURS)

    assert deadline.counted == [dt.date(2026, 2, 14), dt.date(2026, 2, 24), dt.date(2026, 2, 25)]
    assert deadline.due == close(2026, 2, 25)


def test_a_deadline_that_starts_on_a_holiday_starts_at_the_next_opening():
    deadline = add_working_days(at(2026, 10, 3, 11), 0, CAL, HOURS)

    assert deadline.start == at(2026, 10, 8, 9)
    assert deadline.due == close(2026, 10, 8)
    assert any("非办公时间受理" in line for line in deadline.explain())


def test_after_office_hours_the_next_working_day_is_a_full_counted_day():
    deadline = add_working_days(at(2026, 11, 23, 18), 1, CAL, HOURS)  # Monday 18:00

    assert deadline.start == at(2026, 11, 24, 9)
    assert deadline.due == close(2026, 11, 24)


def test_before_opening_the_acceptance_day_still_does_not_count():
    # 民法典 第二百零一条: the day a period begins is not counted, whatever the hour.
    deadline = add_working_days(at(2026, 11, 23, 8), 1, CAL, HOURS)  # Monday 08:00

    assert deadline.counted == [dt.date(2026, 11, 24)]
    assert deadline.due == close(2026, 11, 24)
    assert "受理当日（11-23）不计入" in "\n".join(deadline.explain())


def test_five_working_days_from_an_acceptance_before_opening_end_on_the_fifth_day_after():
    deadline = add_working_days(at(2026, 11, 23, 8), 5, CAL, HOURS)  # Monday 08:00

    assert deadline.counted[0] == dt.date(2026, 11, 24)
    assert deadline.due == close(2026, 11, 30)  # Tue..Fri, then Monday 11-30


def test_at_opening_time_the_acceptance_day_does_not_count_either():
    assert add_working_days(at(2026, 11, 23, 9), 1, CAL, HOURS).due == close(2026, 11, 24)


def test_during_the_lunch_break_the_day_has_begun_and_is_not_counted():
    deadline = add_working_days(at(2026, 11, 23, 12, 30), 1, CAL, HOURS)

    assert deadline.start == at(2026, 11, 23, 13, 30)
    assert deadline.due == close(2026, 11, 24)


def test_direct_case_is_due_at_the_close_of_the_day_it_was_accepted():
    assert add_working_days(at(2026, 11, 24, 16), 0, CAL, HOURS).due == close(2026, 11, 24)


def test_a_friday_afternoon_acceptance_runs_over_the_weekend():
    deadline = add_working_days(at(2026, 11, 27, 15), 2, CAL, HOURS)  # Friday

    assert deadline.due == close(2026, 12, 1)  # Mon 11-30, Tue 12-01
    assert (dt.date(2026, 11, 28), "周末") in deadline.skipped


def test_notified_special_days_override_the_statutory_calendar():
    overrides = dict(statutory_overrides([2026]))
    overrides[dt.date(2026, 11, 25)] = DayRule(False, "临时闭厅：线路改造", "admin")
    overrides[dt.date(2026, 11, 28)] = DayRule(True, "集中办理日", "admin")
    cal = WorkCalendar(overrides)

    deadline = add_working_days(at(2026, 11, 24, 10), 3, cal, HOURS)

    assert deadline.counted == [dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)]
    assert (dt.date(2026, 11, 25), "临时闭厅：线路改造") in deadline.skipped


def test_center_office_hours_change_the_due_time():
    hours = OfficeHours.of((dt.time(8, 30), dt.time(12, 0)), (dt.time(14, 30), dt.time(18, 0)))

    assert add_working_days(at(2026, 11, 24, 8, 30), 1, CAL, hours).due == at(2026, 11, 25, 18)


def test_negative_days_and_naive_moments_are_refused():
    with pytest.raises(CalendarError):
        add_working_days(at(2026, 11, 24), -1, CAL, HOURS)
    with pytest.raises(CalendarError):
        add_working_days(dt.datetime(2026, 11, 24, 10), 1, CAL, HOURS)


def test_office_hours_must_be_ordered_and_not_overlap():
    with pytest.raises(CalendarError):
        OfficeHours.of((dt.time(9), dt.time(12)), (dt.time(11), dt.time(17)))
    with pytest.raises(CalendarError):
        OfficeHours.of((dt.time(12), dt.time(9)))


def test_a_calendar_with_no_working_day_fails_loudly_instead_of_looping():
    all_off = WorkCalendar({dt.date(2027, 1, 1) + dt.timedelta(days=i): DayRule(False, "x") for i in range(400)})
    with pytest.raises(CalendarError):
        add_working_days(at(2026, 12, 31, 10), 2, all_off, HOURS)


# --- moments, counting, shifting, calendar days ------------------------------------------------------------------


def test_working_moments_follow_sessions_and_days():
    assert is_working_moment(at(2026, 11, 24, 10), CAL, HOURS)
    assert not is_working_moment(at(2026, 11, 24, 12, 30), CAL, HOURS)
    assert not is_working_moment(at(2026, 11, 24, 17, 30), CAL, HOURS)  # sessions are [start, end)
    assert not is_working_moment(at(2026, 10, 1, 10), CAL, HOURS)
    assert next_working_moment(at(2026, 11, 24, 12, 30), CAL, HOURS) == at(2026, 11, 24, 13, 30)
    assert next_working_moment(at(2026, 11, 27, 18), CAL, HOURS) == at(2026, 11, 30, 9)


def test_count_working_days_over_national_day():
    # [9-28, 10-13): 9-28, 9-29, 9-30, 10-8, 10-9, 10-10, 10-12
    assert count_working_days(dt.date(2026, 9, 28), dt.date(2026, 10, 13), CAL) == 7
    assert count_working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 8), CAL) == 0


def test_shifting_a_due_moment_by_paused_working_days():
    assert shift_by_working_days(close(2026, 9, 29), 2, CAL, HOURS) == close(2026, 10, 8)
    assert shift_by_working_days(close(2026, 9, 29), 0, CAL, HOURS) == close(2026, 9, 29)


def test_calendar_days_do_not_skip_holidays():
    deadline = add_calendar_days(at(2026, 9, 28, 15), 10, CAL)

    assert deadline.due.date() == dt.date(2026, 10, 8)
    assert deadline.due.hour == 23
    assert deadline.due.minute == 59
    assert "按自然日计算 10 日" in "\n".join(deadline.explain())


def test_end_of_working_day_is_the_closing_of_the_last_session():
    assert end_of_working_day(dt.date(2026, 11, 24), CAL, HOURS) == close(2026, 11, 24)


# --- properties ----------------------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(SHANGHAI),
)


@settings(max_examples=300, deadline=None)
@given(moment=moments, n=st.integers(1, 40), m=st.integers(1, 40))
def test_adding_n_then_m_working_days_equals_adding_n_plus_m(moment, n, m):
    first = add_working_days(moment, n, CAL, HOURS)
    assert add_working_days(first.due, m, CAL, HOURS).due == add_working_days(moment, n + m, CAL, HOURS).due


@settings(max_examples=300, deadline=None)
@given(moment=moments, n=st.integers(0, 40))
def test_a_deadline_closes_a_working_day_after_the_start_with_exactly_n_counted_days(moment, n):
    deadline = add_working_days(moment, n, CAL, HOURS)

    assert deadline.due > moment
    assert CAL.is_workday(deadline.due.date())
    assert deadline.due.timetz().replace(tzinfo=None) == HOURS.closing
    assert len(deadline.counted) == max(n, 1)
    assert all(CAL.is_workday(d) for d in deadline.counted)
    assert deadline.counted == sorted(set(deadline.counted))
    assert all(not CAL.is_workday(d) for d, _ in deadline.skipped)
    if n > 0:
        # The acceptance day never counts, whatever the hour.
        assert deadline.counted[0] > moment.date()
        assert deadline.counted[0] == CAL.next_workday(moment.date())


@settings(max_examples=200, deadline=None)
@given(moment=moments, n=st.integers(1, 30))
def test_more_days_never_make_an_earlier_deadline(moment, n):
    assert add_working_days(moment, n + 1, CAL, HOURS).due > add_working_days(moment, n, CAL, HOURS).due


@settings(max_examples=200, deadline=None)
@given(start=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)), a=st.integers(0, 60), b=st.integers(0, 60))
def test_working_day_counts_add_up_over_adjacent_ranges(start, a, b):
    middle = start + dt.timedelta(days=a)
    end = middle + dt.timedelta(days=b)
    total = count_working_days(start, end, CAL)
    assert total == count_working_days(start, middle, CAL) + count_working_days(middle, end, CAL)
