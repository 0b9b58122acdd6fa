from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bianmin.hall.tests.factories import SHANGHAI


@pytest.fixture
def working_morning(time_machine: Any) -> None:
    # Tuesday 10 March 2026, 10:00 in the center's time zone: a same-day slot exists at any hour the suite runs.
    time_machine.move_to(dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI), tick=True)
