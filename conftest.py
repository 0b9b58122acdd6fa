from __future__ import annotations

import os
import sys
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
def _keyed_reads_on_the_default_connection(settings):
    # A test may use only the connections it declares (pytest-django), and a transactional or browser test declares
    # "default": keyed reads (bianmin.core.compiled) stay there unless a test asks for the keyed connection.
    settings.BIANMIN_KEYED_READS = False


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


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """On SQLite every request thread of the live server (browser tests, the Open311 client test) uses the test's
    one in-memory connection: two requests at once (a page and the to-do counts or the bell it fetches) failed with
    "database table is locked", or hung inside SQLite. Serve one request at a time there (Django then closes each
    connection, so the browser's parallel fetches queue). PostgreSQL keeps the threaded server: each thread has its
    own connection. Here, not in tests/browser/conftest.py: whichever test first asks for `live_server` creates it
    for the whole session."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

        def finish_request(self, request, client_address):
            # A connection the browser opens and never uses (a preconnect) must not hold up every other request.
            request.settimeout(10)
            super().finish_request(request, client_address)

        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], TimeoutError):
                super().handle_error(request, client_address)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer  # type: ignore[assignment]
    yield
    LiveServerThread.server_class = threaded
