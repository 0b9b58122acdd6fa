"""The deadline rules, pure: no database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bianmin.cases.deadlines import CaseDeadline, Pause, case_deadline, due_mark, pause_length, supplement_latest
from bianmin.core.workcalendar import DEFAULT_OFFICE_HOURS, SHANGHAI, DayRule, WorkCalendar

HOURS = DEFAULT_OFFICE_HOURS
CAL = WorkCalendar()


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def deadline(
    accepted: dt.datetime,
    *,
    mode: str = "promised",
    days: int = 5,
    unit: str = "working",
    pauses: tuple[Pause, ...] = (),
    cal: WorkCalendar = CAL,
) -> CaseDeadline:
    return case_deadline(mode=mode, accepted_at=accepted, days=days, unit=unit, pauses=pauses, cal=cal, hours=HOURS)


def test_promised_case_counts_working_days_after_the_day_of_acceptance():
    # Accepted Monday 10:00: Monday does not count; Tue–Fri and the next Monday do.
    result = deadline(at(3, 9, 10))

    assert result.due == at(3, 16, 17, 30)
    assert any("计入 5 个工作日" in line for line in result.lines)
    assert result.lines[-1] == "办理期限：2026-03-16 17:30"


def test_direct_case_is_due_at_the_close_of_the_same_working_day():
    assert deadline(at(3, 9, 10), mode="direct", days=0).due == at(3, 9, 17, 30)


def test_direct_case_received_after_hours_is_due_the_next_working_day():
    # Friday evening → Monday.
    assert deadline(at(3, 13, 18), mode="direct", days=0).due == at(3, 16, 17, 30)


def test_a_pause_moves_the_due_moment_by_the_working_days_it_lasted():
    pause = Pause(at(3, 10, 10), at(3, 12, 15))  # Tue → Thu: Tue and Wed stood still

    result = deadline(at(3, 9, 10), pauses=(pause,))

    assert pause_length(pause, unit="working", cal=CAL) == 2
    assert result.due == at(3, 18, 17, 30)
    assert any("顺延 2 个工作日" in line for line in result.lines)


def test_a_pause_over_a_weekend_counts_only_working_days():
    pause = Pause(at(3, 13, 16), at(3, 16, 9, 30))  # Friday → Monday

    assert pause_length(pause, unit="working", cal=CAL) == 1
    assert deadline(at(3, 9, 10), pauses=(pause,)).due == at(3, 17, 17, 30)


def test_a_pause_within_one_day_moves_nothing():
    pause = Pause(at(3, 10, 9, 30), at(3, 10, 16))

    result = deadline(at(3, 9, 10), pauses=(pause,))

    assert result.due == at(3, 16, 17, 30)
    assert any("不顺延" in line for line in result.lines)


def test_an_open_pause_is_shown_and_does_not_move_the_due_moment_yet():
    result = deadline(at(3, 9, 10), pauses=(Pause(at(3, 10, 10), None),))

    assert result.paused
    assert result.due == at(3, 16, 17, 30)
    assert any("暂停计时" in line for line in result.lines)


def test_a_holiday_in_the_span_is_skipped_and_explained():
    cal = WorkCalendar({dt.date(2026, 3, 11): DayRule(False, "临时闭厅", "admin")})

    result = deadline(at(3, 9, 10), cal=cal)

    assert result.due == at(3, 17, 17, 30)
    assert "跳过 2026-03-11（临时闭厅）" in result.lines


def test_a_make_up_working_day_counts():
    cal = WorkCalendar({dt.date(2026, 3, 14): DayRule(True, "调休上班", "package")})

    assert deadline(at(3, 9, 10), cal=cal).due == at(3, 14, 17, 30)


def test_calendar_day_limits_count_holidays_and_pauses_in_calendar_days():
    plain = deadline(at(3, 9, 10), days=10, unit="calendar")
    paused = deadline(at(3, 9, 10), days=10, unit="calendar", pauses=(Pause(at(3, 10), at(3, 13)),))

    assert plain.due.date() == dt.date(2026, 3, 19)
    assert paused.due - plain.due == dt.timedelta(days=3)


def test_supplement_deadline_never_exceeds_the_promised_limit():
    assert supplement_latest(accepted_at=at(3, 9), days=5, unit="working", cal=CAL, hours=HOURS) == dt.date(2026, 3, 16)
    # A direct item (no promised days) still gives the applicant until the next working day.
    assert supplement_latest(accepted_at=at(3, 13), days=0, unit="working", cal=CAL, hours=HOURS) == dt.date(
        2026, 3, 16
    )


def test_due_marks():
    due = at(3, 16, 17, 30)

    assert due_mark(due=due, now=at(3, 16, 9), paused=False, cal=CAL).code == "today"
    assert due_mark(due=due, now=at(3, 13, 9), paused=False, cal=CAL).code == "next"  # Fri → Mon
    assert due_mark(due=due, now=at(3, 16, 17, 31), paused=False, cal=CAL).code == "overdue"
    assert due_mark(due=due, now=at(3, 10, 9), paused=False, cal=CAL).code == ""
    assert due_mark(due=due, now=at(3, 17, 9), paused=True, cal=CAL).code == "paused"


moments = st.builds(
    lambda d, h, m: at(3, 1, 0) + dt.timedelta(days=d, hours=h, minutes=m),
    st.integers(0, 60),
    st.integers(0, 23),
    st.integers(0, 59),
)


@given(accepted=moments, days=st.integers(1, 30), start=st.integers(0, 40), length=st.integers(0, 20))
def test_a_pause_never_brings_the_deadline_forward_and_moves_it_by_exactly_its_working_days(
    accepted: dt.datetime, days: int, start: int, length: int
) -> None:
    pause_start = accepted + dt.timedelta(days=start)
    pause = Pause(pause_start, pause_start + dt.timedelta(days=length))

    plain = deadline(accepted, days=days)
    paused = deadline(accepted, days=days, pauses=(pause,))

    assert paused.due >= plain.due
    moved = sum(
        1 for _ in CAL.workdays(plain.due.date() + dt.timedelta(days=1), paused.due.date() + dt.timedelta(days=1))
    )
    assert moved == pause_length(pause, unit="working", cal=CAL)
    assert paused.due.astimezone(SHANGHAI).time() == dt.time(17, 30)
