from __future__ import annotations

import pytest

from bianmin.cases.tests.conftest import Clock, at, clock, login, world  # noqa: F401  (shared fixtures)
from bianmin.notify.sms import LocmemSmsBackend


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.BIANMIN_SMS = {"BACKEND": "bianmin.notify.sms.LocmemSmsBackend", "SIGNATURE": "测试中心"}
    settings.BIANMIN_EMAIL_ENABLED = False
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()
