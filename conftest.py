from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# A loaded machine (CI runs two workers on two cores) must not fail a property test for being slow: the properties
# are what is tested, not the speed of generating examples.
hypothesis_settings.register_profile("bianmin", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("bianmin")


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


@pytest.fixture(autouse=True)
def _fresh_calendar_cache(_process_cache):
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
