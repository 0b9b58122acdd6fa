from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from bianmin.cases.tests.factories import World, make_world
from bianmin.core.workcalendar import SHANGHAI


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class Clock:
    """A settable `timezone.now()` for services, auto_now fields and selectors alike."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def set(self, moment: dt.datetime) -> None:
        self.now = moment

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # Monday 9 March 2026, 10:00 in Zhengzhou: an ordinary working week with no holiday around it.
    c = Clock(at(2026, 3, 9, 10))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def login(client) -> Callable[..., object]:
    def _login(staff):
        client.force_login(staff.user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    # The progress query's throttle counts live in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()
