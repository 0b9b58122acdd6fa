"""SMS backends for tests: one that fails on demand, one that is slow (for killing a worker mid-send)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from bianmin.notify.sms import FileSmsBackend, SmsBackend, SmsError, SmsReceipt


class FailingSmsBackend(SmsBackend):
    """Raises the queued errors in turn, then succeeds."""

    errors: list[SmsError] = []
    sent: list[dict[str, str]] = []

    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        if FailingSmsBackend.errors:
            raise FailingSmsBackend.errors.pop(0)
        FailingSmsBackend.sent.append({"phone": phone, "reference": reference})
        return SmsReceipt(reference)


class SlowFileSmsBackend(FileSmsBackend):
    """Marks the start of each send in FILE + ".begin" (with the worker's pid), waits SMS_DELAY seconds, then
    writes the message like the file backend: a worker killed while waiting has not sent anything."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.delay = float(os.environ.get("SMS_DELAY", "0.3"))

    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        begin = Path(str(self.path) + ".begin")
        fd = os.open(begin, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, f"{reference}\t{os.getpid()}\n".encode())
        finally:
            os.close(fd)
        time.sleep(self.delay)
        return super().send(phone=phone, text=text, reference=reference)
