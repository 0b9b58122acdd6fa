from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine

# BIANMIN_TEST_NOW="2026-12-03T17:35:00+08:00" runs the whole session as if the wall clock read that moment (and
# ticked on from there). .ci/run uses it to run the `clock` tests at fixed moments of the day and of the calendar:
# a test must fix its own time (the time_machine fixture) or take an injected clock, never lean on the real one.
_TEST_NOW = os.environ.get("BIANMIN_TEST_NOW", "").strip()


def pytest_configure(config: pytest.Config) -> None:
    if _TEST_NOW:
        moment = datetime.fromisoformat(_TEST_NOW)
        if moment.tzinfo is None:
            raise pytest.UsageError("BIANMIN_TEST_NOW needs a UTC offset, e.g. 2026-12-03T17:35:00+08:00")
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    return f"BIANMIN_TEST_NOW={_TEST_NOW} (the wall clock is faked)" if _TEST_NOW else None


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Password hashing is deliberately slow; tests log in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    from bianmin.core.selectors import invalidate_work_calendar

    invalidate_work_calendar()
    yield
    invalidate_work_calendar()
