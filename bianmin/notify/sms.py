"""SMS gateways. The service hands a backend the plain number only at the moment of sending; backends never log
or store it unmasked.

Configured by ``settings.BIANMIN_SMS``: ``BACKEND`` (dotted path), ``FILE`` (file backend), ``URL``, ``KEY``,
``SIGNATURE``, ``TIMEOUT`` (HTTP backend).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from bianmin.core.personal_data import mask_phone

logger = logging.getLogger("bianmin.notify.sms")


class SmsError(Exception):
    """The gateway did not take the message. `retryable` is False when trying again cannot help (a rejected
    number, a refused signature); True for timeouts, throttling and server errors."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SmsReceipt:
    gateway_id: str = ""


def scrub(text: str, phone: str) -> str:
    """`text` (an error from a gateway, say) with the number masked wherever it was echoed."""
    return text.replace(phone, mask_phone(phone)) if phone else text


class SmsBackend(ABC):
    def __init__(self, **options: Any) -> None:
        self.options = options
        self.signature = str(options.get("SIGNATURE") or "")

    def signed(self, text: str) -> str:
        return f"【{self.signature}】{text}" if self.signature else text

    @abstractmethod
    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        """Send one message. `reference` is unique per message: gateways that deduplicate on a client reference
        drop a repeat of it. Raise SmsError when the gateway does not take it."""


class FileSmsBackend(SmsBackend):
    """The default: one line per message appended to a file (var/sms.log), number masked. For the embedded
    deployment and demos, where no gateway is reachable."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.path = Path(options.get("FILE") or Path(settings.VAR_DIR) / "sms.log")

    def line(self, *, phone: str, text: str, reference: str) -> str:
        flat = " ".join(self.signed(text).split())
        return f"{timezone.localtime():%Y-%m-%d %H:%M:%S}\t{reference}\t{mask_phone(phone)}\t{flat}\n"

    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = self.line(phone=phone, text=text, reference=reference).encode()
        # One write on an O_APPEND descriptor: lines from several worker processes never interleave.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        return SmsReceipt(reference)


class ConsoleSmsBackend(SmsBackend):
    """Writes each message to the log (number masked)."""

    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        logger.info("短信 %s → %s：%s", reference, mask_phone(phone), self.signed(text))
        return SmsReceipt(reference)


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in `outbox`, for tests (like Django's locmem e-mail backend)."""

    outbox: list[dict[str, str]] = []

    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        LocmemSmsBackend.outbox.append({"phone": phone, "text": self.signed(text), "reference": reference})
        return SmsReceipt(reference)


class HttpSmsBackend(SmsBackend):
    """A JSON-over-HTTPS gateway. POSTs ``{"to", "sign", "content", "ref"}`` to ``URL`` with
    ``Authorization: Bearer KEY``. A 2xx answer whose JSON ``code`` is absent, 0, "0" or "OK" is success; 408,
    429 and 5xx, timeouts and refused connections are retried; other answers are rejections."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.url = str(options.get("URL") or "")
        self.key = str(options.get("KEY") or "")
        self.timeout = float(options.get("TIMEOUT") or 10)
        if not self.url.startswith(("http://", "https://")):
            raise SmsError("短信网关地址未配置或格式不正确（BIANMIN_SMS['URL']）。", retryable=False)

    def send(self, *, phone: str, text: str, reference: str) -> SmsReceipt:
        payload = json.dumps({"to": phone, "sign": self.signature, "content": text, "ref": reference}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL scheme is checked in __init__
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = scrub(exc.read(2000).decode("utf-8", "replace"), phone)
            retryable = exc.code in (408, 429) or exc.code >= 500
            raise SmsError(f"短信网关返回 HTTP {exc.code}：{detail}"[:400], retryable=retryable) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(scrub(f"短信网关连接失败：{reason}", phone)[:400], retryable=True) from None
        try:
            answer = json.loads(raw.decode("utf-8") or "{}")
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        code = answer.get("code", 0)
        if code not in (0, "0", "OK", "ok"):
            message = scrub(str(answer.get("message") or answer.get("msg") or ""), phone)
            raise SmsError(f"短信网关拒绝发送（{code}）：{message}"[:400], retryable=False)
        return SmsReceipt(str(answer.get("id") or answer.get("message_id") or ""))


def sms_backend() -> SmsBackend:
    config = dict(getattr(settings, "BIANMIN_SMS", {}))
    path = config.pop("BACKEND", "bianmin.notify.sms.FileSmsBackend")
    backend_class = import_string(path)
    backend: SmsBackend = backend_class(**config)
    return backend
