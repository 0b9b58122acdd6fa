"""A worker trusts the calendar it holds for CALENDAR_RECHECK_SECONDS before asking the shared cache whether another
process changed it; a change made in its own process it sees at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from bianmin.core import selectors
from bianmin.core.models import CalendarDay

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2030, 3, 4)


def test_a_day_closed_by_another_process_is_seen_within_the_recheck_interval(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("bianmin.core.selectors.time.monotonic", lambda: now[0])
    assert selectors.work_calendar().is_workday(MONDAY)
    # Another process closes the day: its row, and the shared version it bumps (not this process's invalidation).
    CalendarDay.objects.create(date=MONDAY, is_workday=False, name="临时闭厅", source=CalendarDay.Source.ADMIN)
    cache.set(selectors.CALENDAR_VERSION_KEY, 12345.0, timeout=None)

    now[0] += selectors.CALENDAR_RECHECK_SECONDS / 2
    assert selectors.work_calendar().is_workday(MONDAY)  # still the calendar held, no cache round trip
    now[0] += selectors.CALENDAR_RECHECK_SECONDS
    assert not selectors.work_calendar().is_workday(MONDAY)  # asked again: rebuilt


def test_a_change_made_in_this_process_is_seen_at_once(monkeypatch):
    monkeypatch.setattr("bianmin.core.selectors.time.monotonic", lambda: 1000.0)  # the interval never runs out
    assert selectors.work_calendar().is_workday(MONDAY)
    CalendarDay.objects.create(date=MONDAY, is_workday=False, name="临时闭厅", source=CalendarDay.Source.ADMIN)
    selectors.invalidate_work_calendar()

    assert not selectors.work_calendar().is_workday(MONDAY)


def test_the_calendar_held_is_not_rebuilt_while_the_shared_version_stands(monkeypatch, django_assert_num_queries):
    now = [1000.0]
    monkeypatch.setattr("bianmin.core.selectors.time.monotonic", lambda: now[0])
    held = selectors.work_calendar()
    now[0] += selectors.CALENDAR_RECHECK_SECONDS * 3
    with django_assert_num_queries(0):
        assert selectors.work_calendar() is held  # asked the cache, same version: kept
