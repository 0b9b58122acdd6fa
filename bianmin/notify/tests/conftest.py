from __future__ import annotations

import pytest

from bianmin.notify.sms import LocmemSmsBackend


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    # Tests never write var/sms.log: messages land in LocmemSmsBackend.outbox.
    settings.BIANMIN_SMS = {"BACKEND": "bianmin.notify.sms.LocmemSmsBackend", "SIGNATURE": "测试中心"}
    settings.BIANMIN_EMAIL_ENABLED = False
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()
