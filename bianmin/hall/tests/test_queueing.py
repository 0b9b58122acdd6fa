"""The priority rule as a pure function: priority first, never more than `cap` in a row while ordinary wait."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.hall.queueing import Candidate, choose_next, priority_streak


def c(id_, priority, order=None):
    return Candidate(id_, priority, order if order is not None else id_)


def test_nobody_waiting_means_no_call():
    assert choose_next([], streak=0, cap=2) is None


def test_the_earliest_priority_ticket_goes_before_any_ordinary_one():
    waiting = [c(1, False), c(2, False), c(4, True), c(3, True)]

    assert choose_next(waiting, streak=0, cap=2) == c(3, True)


def test_after_cap_priority_calls_in_a_row_an_ordinary_ticket_goes_first():
    waiting = [c(1, False), c(2, True)]

    assert choose_next(waiting, streak=1, cap=2) == c(2, True)
    assert choose_next(waiting, streak=2, cap=2) == c(1, False)


def test_priority_tickets_keep_going_when_no_ordinary_ticket_waits():
    assert choose_next([c(5, True), c(6, True)], streak=9, cap=2) == c(5, True)


def test_ordinary_tickets_are_served_in_order_of_arrival():
    assert choose_next([c(3, False, order=30), c(2, False, order=20)], streak=0, cap=1) == c(2, False, order=20)


def test_a_cap_below_one_is_a_configuration_error():
    with pytest.raises(ValueError, match="cap"):
        choose_next([c(1, True)], streak=0, cap=0)


def test_priority_streak_counts_the_newest_priority_calls_only():
    assert priority_streak([]) == 0
    assert priority_streak([True, True, False, True]) == 2
    assert priority_streak([False, True, True]) == 0
    assert priority_streak(iter([True, True, True])) == 3


# A window's day as a sequence of steps: a priority or ordinary arrival, or a call.
steps = st.lists(st.sampled_from(["P", "O", "call"]), max_size=120)


@settings(max_examples=300, deadline=None)
@given(steps=steps, cap=st.integers(min_value=1, max_value=5))
def test_simulated_days_never_starve_ordinary_tickets_and_keep_order(steps, cap):
    ids = itertools.count(1)
    waiting: list[Candidate] = []
    history: list[bool] = []  # priority flag of each call, oldest first
    for step in steps:
        if step != "call":
            n = next(ids)
            waiting.append(Candidate(n, step == "P", n))
            continue
        streak = priority_streak(reversed(history))
        chosen = choose_next(waiting, streak=streak, cap=cap)
        if not waiting:
            assert chosen is None
            continue
        assert chosen in waiting
        same_class = [w for w in waiting if w.priority == chosen.priority]
        assert chosen.order == min(w.order for w in same_class), "first come, first served within a class"
        ordinary_waiting = any(not w.priority for w in waiting)
        priority_waiting = any(w.priority for w in waiting)
        if chosen.priority and ordinary_waiting:
            assert streak < cap, "a priority ticket jumped an ordinary one past the cap"
        if not chosen.priority and priority_waiting:
            assert streak >= cap, "an ordinary ticket went before a priority one below the cap"
        waiting.remove(chosen)
        history.append(chosen.priority)


@settings(max_examples=200, deadline=None)
@given(priority_count=st.integers(min_value=0, max_value=40), cap=st.integers(min_value=1, max_value=5))
def test_an_ordinary_ticket_waits_behind_at_most_cap_priority_calls(priority_count, cap):
    # Given one ordinary ticket and a flood of priority tickets, arriving before and during its wait
    waiting = [Candidate(0, False, 0)] + [Candidate(i, True, i) for i in range(1, priority_count + 1)]
    history: list[bool] = []
    calls_before_ordinary = 0
    while True:
        chosen = choose_next(waiting, streak=priority_streak(reversed(history)), cap=cap)
        assert chosen is not None
        waiting.remove(chosen)
        history.append(chosen.priority)
        if not chosen.priority:
            break
        calls_before_ordinary += 1
    # Then it is called after at most `cap` priority calls
    assert calls_before_ordinary == min(cap, priority_count)
