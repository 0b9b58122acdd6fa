import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bianmin.core.workcalendar import SHANGHAI, DayRule, WorkCalendar
from bianmin.petitions.deadlines import explain_petition_deadline, petition_deadline

PLAIN = WorkCalendar()


def test_ordinary_ten_days_end_at_midnight_of_the_tenth_day_after_receipt():
    deadline = petition_deadline(dt.date(2026, 3, 2), 10, PLAIN)

    due = deadline.due.astimezone(SHANGHAI)
    assert due.date() == dt.date(2026, 3, 12)
    assert (due + dt.timedelta(microseconds=1)).time() == dt.time(0, 0)
    assert deadline.unit == "calendar"


def test_holidays_and_weekends_count_and_do_not_extend():
    # The National Day week is off; a working-day count would end much later, calendar days do not.
    golden_week = {dt.date(2026, 10, d): DayRule(False, "国庆节") for d in range(1, 8)}
    cal = WorkCalendar(golden_week)

    deadline = petition_deadline(dt.date(2026, 9, 28), 10, cal)

    assert deadline.due.astimezone(SHANGHAI).date() == dt.date(2026, 10, 8)


def test_major_matter_within_one_month():
    deadline = petition_deadline(dt.date(2026, 1, 31), 30, PLAIN)
    assert deadline.due.astimezone(SHANGHAI).date() == dt.date(2026, 3, 2)


@given(
    received=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    days=st.integers(min_value=7, max_value=30),
)
def test_due_is_always_the_end_of_received_plus_days(received, days):
    due = petition_deadline(received, days, PLAIN).due.astimezone(SHANGHAI)
    assert due.date() == received + dt.timedelta(days=days)
    assert due.time() == dt.time(23, 59, 59, 999999)


def test_explanation_says_how_it_was_counted():
    deadline = petition_deadline(dt.date(2026, 3, 2), 7, PLAIN)
    lines = explain_petition_deadline(
        received_on=dt.date(2026, 3, 2), days=7, category_label="一般事项", due_at=deadline.due, cal=PLAIN
    )
    assert lines == [
        "收到日期：2026-03-02（当日不计入）",
        "一般事项，办理时限 7 日，按自然日计算，节假日不顺延",
        "办理期限：2026-03-09 24 时前",
    ]
