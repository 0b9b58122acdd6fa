from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bianmin.cases.tests.factories import World, make_world
from bianmin.reports.tests.factories import at


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # Wednesday 15 April 2026, 10:00: the first quarter is over, the year is not.
    c = Clock(at(2026, 4, 15, 10))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db: None) -> World:
    return make_world()
