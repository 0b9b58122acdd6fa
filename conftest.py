from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# A loaded machine (CI runs two workers on two cores) must not fail a property test for being slow: the properties
# are what is tested, not the speed of generating examples.
hypothesis_settings.register_profile("bianmin", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("bianmin")

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
def _process_cache(settings):
    # The served default is a cache directory shared by all processes of the machine; parallel test workers, each
    # on its own database, must not share throttle counters, so a test keeps its cache in its own process (the
    # cross-process behaviour is tested with real processes in core/tests/test_shared_state.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    # Each test starts with an empty cache (the locmem store outlives the setting): ids are reused between tests
    # rolled back, so a value cached under one test's ids must not answer the next test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache(_process_cache: None) -> Iterator[None]:
    from bianmin.core.selectors import invalidate_work_calendar

    invalidate_work_calendar()
    yield
    invalidate_work_calendar()


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    # Tests never write var/sms.log: messages land in LocmemSmsBackend.outbox; no e-mail goes out.
    from bianmin.notify.sms import LocmemSmsBackend

    settings.BIANMIN_SMS = {"BACKEND": "bianmin.notify.sms.LocmemSmsBackend", "SIGNATURE": "测试中心"}
    settings.BIANMIN_EMAIL_ENABLED = False
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()
