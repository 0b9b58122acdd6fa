from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianmin.core.workcalendar import DEFAULT_OFFICE_HOURS, DayRule, WorkCalendar
from bianmin.staffing.timekeeping import (
    OVERTIME_MIN_MINUTES,
    DayFacts,
    LeaveSpan,
    assess_day,
    half_day_end,
    half_day_start,
    leave_working_days,
    month_totals,
)

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = dt.date(2026, 3, 10)
SATURDAY = dt.date(2026, 3, 14)
WORKDAY = DayRule(True, "工作日")
REST = DayRule(False, "周末")
LATER = dt.datetime(2026, 4, 1, 12, 0, tzinfo=TZ)  # "now", well after the days assessed


def at(day: dt.date, clock: str) -> dt.datetime:
    h, m = (int(x) for x in clock.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=TZ)


def facts(day=TUESDAY, rule=WORKDAY, now=LATER, **kw) -> DayFacts:
    return DayFacts(day=day, rule=rule, hours=DEFAULT_OFFICE_HOURS, tz=TZ, now=now, **kw)


def test_on_time_day_is_normal():
    a = assess_day(facts(check_in=at(TUESDAY, "08:50"), check_out=at(TUESDAY, "17:31")))
    assert (a.late_minutes, a.early_minutes, a.absent_days, a.overtime_minutes) == (0, 0, 0, 0)
    assert a.mark == "√"


def test_late_arrival_counts_whole_minutes_after_opening():
    a = assess_day(facts(check_in=at(TUESDAY, "09:12"), check_out=at(TUESDAY, "17:30")))
    assert a.late_minutes == 12
    assert a.mark == "迟"
    within_the_minute = assess_day(facts(check_in=at(TUESDAY, "09:00") + dt.timedelta(seconds=59)))
    assert within_the_minute.late_minutes == 0


def test_early_departure():
    a = assess_day(facts(check_in=at(TUESDAY, "09:00"), check_out=at(TUESDAY, "17:00")))
    assert a.early_minutes == 30
    assert a.mark == "早"


def test_checking_out_in_the_lunch_break_without_leave_is_leaving_early_not_a_clean_day():
    a = assess_day(facts(check_in=at(TUESDAY, "08:55"), check_out=at(TUESDAY, "12:30")))
    assert a.early
    assert a.early_minutes == 4 * 60  # the whole afternoon session
    assert a.absent_days == 0  # counted once, as leaving early
    assert a.mark == "早"


def test_checking_out_before_closing_today_is_flagged_at_once():
    a = assess_day(facts(now=at(TUESDAY, "12:35"), check_in=at(TUESDAY, "08:55"), check_out=at(TUESDAY, "12:30")))
    assert a.early_minutes == 4 * 60
    assert a.mark == "早"


def test_checking_out_at_the_start_of_afternoon_leave_is_not_early():
    leave = LeaveSpan(at(TUESDAY, "13:30"), at(TUESDAY, "17:30"), "事假")
    a = assess_day(facts(leaves=[leave], check_in=at(TUESDAY, "08:55"), check_out=at(TUESDAY, "12:00")))
    assert a.early_minutes == 0
    assert a.mark == "事√"


def test_a_day_of_approved_leave_is_not_counted_as_present_in_the_month():
    leave = LeaveSpan(at(TUESDAY, "09:00"), at(TUESDAY, "17:30"), "病假")
    half = LeaveSpan(at(dt.date(2026, 3, 11), "13:30"), at(dt.date(2026, 3, 11), "17:30"), "事假")
    days = [
        assess_day(facts(leaves=[leave], check_in=at(TUESDAY, "08:50"), check_out=at(TUESDAY, "09:10"))),
        assess_day(
            facts(
                day=dt.date(2026, 3, 11),
                leaves=[half],
                check_in=at(dt.date(2026, 3, 11), "08:50"),
                check_out=at(dt.date(2026, 3, 11), "12:00"),
            )
        ),
    ]
    totals = month_totals(days)
    assert totals.workdays == 2
    assert totals.leave_days == 1.5
    assert totals.present_days == 0.5
    assert totals.present_days + totals.leave_days + totals.absent_days == totals.workdays


def test_no_check_in_on_a_past_working_day_is_absence():
    a = assess_day(facts())
    assert a.absent
    assert a.absent_days == 1.0
    assert a.mark == "旷"


def test_approved_leave_is_not_absence():
    leave = LeaveSpan(at(TUESDAY, "09:00"), at(TUESDAY, "17:30"), "病假")
    a = assess_day(facts(leaves=[leave]))
    assert not a.absent
    assert a.absent_days == 0
    assert a.leave_days == 1.0
    assert a.mark == "病"


def test_morning_leave_moves_the_expected_start_to_the_afternoon():
    leave = LeaveSpan(at(TUESDAY, "09:00"), at(TUESDAY, "12:00"), "事假")
    on_time = assess_day(facts(leaves=[leave], check_in=at(TUESDAY, "13:25"), check_out=at(TUESDAY, "17:30")))
    assert (on_time.late_minutes, on_time.absent_days, on_time.leave_days) == (0, 0, 0.5)
    assert on_time.mark == "事√"
    late = assess_day(facts(leaves=[leave], check_in=at(TUESDAY, "14:00"), check_out=at(TUESDAY, "17:30")))
    assert late.late_minutes == 30


def test_arriving_in_the_afternoon_without_leave_misses_the_morning():
    a = assess_day(facts(check_in=at(TUESDAY, "13:40"), check_out=at(TUESDAY, "17:30")))
    assert a.absent_days == 0.5
    assert a.late_minutes == 10
    assert not a.absent  # present that day: a half-day shortfall, not 旷工
    assert a.mark == "迟缺"


def test_missing_check_out_on_a_past_day_is_flagged_not_guessed():
    a = assess_day(facts(check_in=at(TUESDAY, "08:59")))
    assert a.missing_check_out
    assert a.early_minutes == 0
    assert a.overtime_minutes == 0
    assert a.mark == "未退"


def test_today_before_opening_is_not_yet_judged():
    now = at(TUESDAY, "08:30")
    a = assess_day(facts(now=now))
    assert not a.absent
    assert not a.not_yet_in
    assert a.mark == ""


def test_today_after_opening_without_check_in_is_flagged_but_not_absent_yet():
    a = assess_day(facts(now=at(TUESDAY, "10:00")))
    assert a.not_yet_in
    assert a.absent_days == 0  # the morning session has not ended
    assert a.mark == "未签"
    after_morning = assess_day(facts(now=at(TUESDAY, "12:30")))
    assert after_morning.absent_days == 0.5


def test_today_checked_in_without_check_out_is_present_not_missing():
    a = assess_day(facts(now=at(TUESDAY, "11:00"), check_in=at(TUESDAY, "09:03")))
    assert a.present
    assert not a.missing_check_out
    assert a.late_minutes == 3


def test_future_days_are_blank():
    a = assess_day(facts(day=dt.date(2026, 4, 2)))
    assert a.future
    assert a.mark == ""


def test_weekend_presence_is_overtime():
    a = assess_day(facts(day=SATURDAY, rule=REST, check_in=at(SATURDAY, "09:00"), check_out=at(SATURDAY, "12:00")))
    assert a.overtime_minutes == 180
    assert a.mark == "班"
    assert not a.absent
    assert assess_day(facts(day=SATURDAY, rule=REST)).mark == "休"


def test_rostered_extended_hours_count_as_overtime():
    shift = (at(TUESDAY, "12:00"), at(TUESDAY, "13:30"))
    a = assess_day(facts(check_in=at(TUESDAY, "08:55"), check_out=at(TUESDAY, "17:30"), shifts=[shift]))
    assert a.overtime_minutes == 90
    assert a.mark == "√加"
    unrostered = assess_day(facts(check_in=at(TUESDAY, "08:55"), check_out=at(TUESDAY, "17:30")))
    assert unrostered.overtime_minutes == 0


def test_staying_after_closing_counts_only_past_the_threshold():
    short = assess_day(facts(check_in=at(TUESDAY, "09:00"), check_out=at(TUESDAY, "17:50")))
    assert short.overtime_minutes == 0
    long = assess_day(facts(check_in=at(TUESDAY, "09:00"), check_out=at(TUESDAY, "18:40")))
    assert long.overtime_minutes == 70 >= OVERTIME_MIN_MINUTES


def test_rostered_evening_shift_is_not_counted_twice():
    shift = (at(TUESDAY, "17:30"), at(TUESDAY, "19:00"))
    a = assess_day(facts(check_in=at(TUESDAY, "09:00"), check_out=at(TUESDAY, "19:30"), shifts=[shift]))
    assert a.overtime_minutes == 90 + 30


def test_leave_working_days_skip_weekends_and_count_half_days():
    cal = WorkCalendar(tz=TZ)
    friday_afternoon = at(dt.date(2026, 3, 13), "13:30")
    monday_noon = at(dt.date(2026, 3, 16), "12:00")
    assert leave_working_days(friday_afternoon, monday_noon, cal, DEFAULT_OFFICE_HOURS) == 1.0
    week = leave_working_days(
        at(dt.date(2026, 3, 9), "09:00"), at(dt.date(2026, 3, 13), "17:30"), cal, DEFAULT_OFFICE_HOURS
    )
    assert week == 5.0


def test_leave_working_days_skip_statutory_holidays():
    holiday = {dt.date(2026, 3, 11): DayRule(False, "假日")}
    cal = WorkCalendar(holiday, tz=TZ)
    assert leave_working_days(at(TUESDAY, "09:00"), at(dt.date(2026, 3, 12), "17:30"), cal, DEFAULT_OFFICE_HOURS) == 2.0


def test_half_days_map_to_office_sessions():
    assert half_day_start(TUESDAY, "am", DEFAULT_OFFICE_HOURS, TZ) == at(TUESDAY, "09:00")
    assert half_day_start(TUESDAY, "pm", DEFAULT_OFFICE_HOURS, TZ) == at(TUESDAY, "13:30")
    assert half_day_end(TUESDAY, "am", DEFAULT_OFFICE_HOURS, TZ) == at(TUESDAY, "12:00")
    assert half_day_end(TUESDAY, "pm", DEFAULT_OFFICE_HOURS, TZ) == at(TUESDAY, "17:30")
    with pytest.raises(ValueError, match="half"):
        half_day_start(TUESDAY, "evening", DEFAULT_OFFICE_HOURS, TZ)


def test_month_totals_add_up():
    days = [
        assess_day(facts(day=TUESDAY, check_in=at(TUESDAY, "09:05"), check_out=at(TUESDAY, "17:30"))),
        assess_day(facts(day=dt.date(2026, 3, 11))),
        assess_day(
            facts(
                day=dt.date(2026, 3, 12),
                leaves=[LeaveSpan(at(dt.date(2026, 3, 12), "09:00"), at(dt.date(2026, 3, 12), "17:30"), "年休假")],
            )
        ),
        assess_day(facts(day=SATURDAY, rule=REST, check_in=at(SATURDAY, "09:00"), check_out=at(SATURDAY, "11:00"))),
    ]
    totals = month_totals(days)
    assert totals.workdays == 3
    assert totals.present_days == 2
    assert (totals.late_times, totals.late_minutes) == (1, 5)
    assert totals.absent_days == 1.0
    assert totals.leave_by_label == {"年休假": 1.0}
    assert totals.overtime_hours == 2.0


@given(
    st.integers(0, 600).map(lambda m: at(TUESDAY, "07:00") + dt.timedelta(minutes=m)),
    st.integers(1, 720),
)
def test_lateness_and_earliness_never_exceed_the_day(check_in, length):
    check_out = check_in + dt.timedelta(minutes=length)
    a = assess_day(facts(check_in=check_in, check_out=check_out))
    assert 0 <= a.late_minutes <= 8 * 60 + 30
    assert 0 <= a.early_minutes <= 8 * 60 + 30
    assert 0 <= a.absent_days <= 1
    assert a.present
    assert not a.absent
