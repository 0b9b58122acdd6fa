"""Personal information (resident ID numbers, phones): stored encrypted, found by a keyed hash, shown masked.

Encryption is Fernet (AES-128-CBC with HMAC-SHA256) under a key derived from settings.PERSONAL_DATA_KEY; the
blind index is an HMAC-SHA256 under a second derived key, so an exact ID number can be looked up without
decrypting a table. Unmasked values are read only through `personal_data_reveal`, which logs who saw what.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    root = hashlib.sha256(("bianmin-personal-data:" + secret).encode()).digest()
    enc = hmac.new(root, b"encryption", hashlib.sha256).digest()
    idx = hmac.new(root, b"blind-index", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), idx


def encrypt(value: str) -> str:
    fernet, _ = _keys(settings.PERSONAL_DATA_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    fernet, _ = _keys(settings.PERSONAL_DATA_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("个人信息无法解密：密钥不符或数据损坏。") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of a normalized value, for exact-match search over encrypted data."""
    _, key = _keys(settings.PERSONAL_DATA_KEY)
    normalized = "".join(value.split()).upper()
    return hmac.new(key, f"{purpose}:{normalized}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A text column holding a Fernet token; Python code sees the plain value. Not searchable: pair it with a
    blind-index column where exact lookup is needed."""

    description = "Encrypted text"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
