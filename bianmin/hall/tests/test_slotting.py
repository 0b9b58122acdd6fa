import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.core.workcalendar import DEFAULT_OFFICE_HOURS, DayRule, WorkCalendar
from bianmin.hall.slotting import is_open_at, open_sessions, overlaps, split_session

T = dt.time
TUESDAY = dt.date(2026, 11, 24)
SATURDAY = dt.date(2026, 11, 28)


def test_a_working_day_has_office_hours_plus_its_extended_sessions_in_time_order():
    sessions = open_sessions(TUESDAY, WorkCalendar(), DEFAULT_OFFICE_HOURS, [(T(12), T(13, 30), "午间延时服务")])

    assert [(s.start, s.end, s.extended) for s in sessions] == [
        (T(9), T(12), False),
        (T(12), T(13, 30), True),
        (T(13, 30), T(17, 30), False),
    ]
    assert sessions[1].note == "午间延时服务"


def test_a_day_off_has_only_its_extended_sessions():
    assert open_sessions(SATURDAY, WorkCalendar(), DEFAULT_OFFICE_HOURS) == []
    sessions = open_sessions(SATURDAY, WorkCalendar(), DEFAULT_OFFICE_HOURS, [(T(9), T(12), "周末值班")])
    assert [(s.start, s.extended) for s in sessions] == [(T(9), True)]


def test_a_notified_closure_closes_a_weekday():
    cal = WorkCalendar({TUESDAY: DayRule(False, "临时闭厅", "admin")})

    assert open_sessions(TUESDAY, cal, DEFAULT_OFFICE_HOURS) == []


def test_split_session_into_half_hours():
    assert split_session(T(9), T(10, 30), 30) == [(T(9), T(9, 30)), (T(9, 30), T(10)), (T(10), T(10, 30))]


def test_a_short_tail_is_dropped_and_a_half_slot_tail_kept():
    assert split_session(T(9), T(10, 10), 30)[-1] == (T(9, 30), T(10))
    assert split_session(T(9), T(10, 15), 30)[-1] == (T(10), T(10, 15))


def test_overlaps_and_is_open_at():
    assert overlaps((T(12), T(13)), (T(12, 30), T(14)))
    assert not overlaps((T(12), T(13)), (T(13), T(14)))
    sessions = open_sessions(TUESDAY, WorkCalendar(), DEFAULT_OFFICE_HOURS)
    assert is_open_at(T(9), sessions)
    assert not is_open_at(T(12, 15), sessions)


times = st.integers(min_value=0, max_value=23 * 60 + 58).map(lambda m: T(m // 60, m % 60))


@settings(max_examples=300, deadline=None)
@given(start=times, length=st.integers(min_value=1, max_value=600), minutes=st.integers(min_value=5, max_value=240))
def test_slots_are_contiguous_within_the_session_and_never_longer_than_asked(start, length, minutes):
    begin = dt.datetime.combine(TUESDAY, start)
    end = min(begin + dt.timedelta(minutes=length), dt.datetime.combine(TUESDAY, T(23, 59)))
    slots = split_session(start, end.time(), minutes)

    assert slots, "a session always yields at least one slot"
    assert slots[0][0] == start
    assert slots[-1][1] <= end.time()
    for (_, a_end), (b_start, _) in itertools.pairwise(slots):
        assert a_end == b_start
    for a, b in slots:
        length_minutes = (dt.datetime.combine(TUESDAY, b) - dt.datetime.combine(TUESDAY, a)).total_seconds() / 60
        assert 0 < length_minutes <= minutes
    uncovered = (end - dt.datetime.combine(TUESDAY, slots[-1][1])).total_seconds() / 60
    assert uncovered < minutes / 2
