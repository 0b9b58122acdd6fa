"""Personal information (resident ID numbers, phones): stored encrypted, found by a keyed hash, shown masked.

Keys come from settings.PERSONAL_DATA_KEYS, newest first: the first encrypts and indexes, every key decrypts, so a
new key can be put in front and `manage.py rotate_personal_data_key` re-encrypts the rows at its own pace.

Two ciphers, both from the `cryptography` package (OpenSSL underneath), chosen by settings.PERSONAL_DATA_CIPHER:

- ``fernet``: Fernet (AES-128-CBC with HMAC-SHA256); blind index HMAC-SHA256.
- ``sm4`` (national cryptography): SM4-CTR, then HMAC-SM3 over prefix, nonce and ciphertext (encrypt-then-MAC);
  blind index HMAC-SM3. Tokens start with ``sm4v1:``, Fernet tokens never do, so both live side by side while
  the data moves from one cipher to the other.

The blind index is a keyed hash of a normalized value, so an exact ID number can be looked up without decrypting a
table. Unmasked values are read only through `personal_data_reveal`, which logs who saw what.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

logger = logging.getLogger(__name__)

FERNET = "fernet"
SM4 = "sm4"
CIPHERS = (FERNET, SM4)
SM4_PREFIX = "sm4v1:"
MIN_KEY_LENGTH = 32
# Shown instead of a value no configured key can decrypt; the stored token is kept (see Undecryptable).
UNREADABLE = "〔无法解密〕"


@dataclass(frozen=True)
class _FernetKeys:
    fernet: Fernet
    index: bytes


@dataclass(frozen=True)
class _Sm4Keys:
    encryption: bytes
    mac: bytes
    index: bytes


def _root(secret: str) -> bytes:
    return hashlib.sha256(("bianmin-personal-data:" + secret).encode()).digest()


@lru_cache(maxsize=8)
def _fernet_keys(secret: str) -> _FernetKeys:
    root = _root(secret)
    enc = hmac.new(root, b"encryption", hashlib.sha256).digest()
    idx = hmac.new(root, b"blind-index", hashlib.sha256).digest()
    return _FernetKeys(Fernet(base64.urlsafe_b64encode(enc)), idx)


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


@lru_cache(maxsize=8)
def _sm4_keys(secret: str) -> _Sm4Keys:
    root = _root(secret)
    return _Sm4Keys(
        encryption=_hmac_sm3(root, b"sm4-encryption")[:16],
        mac=_hmac_sm3(root, b"sm4-mac"),
        index=_hmac_sm3(root, b"sm4-blind-index"),
    )


@lru_cache(maxsize=1)
def sm4_unavailable_reason() -> str | None:
    """None if this OpenSSL build does SM4-CTR and HMAC-SM3, otherwise why not (for the system check and tests)."""
    try:
        encryptor = Cipher(algorithms.SM4(bytes(16)), modes.CTR(bytes(16))).encryptor()
        encryptor.update(b"probe")
        encryptor.finalize()
        _hmac_sm3(bytes(32), b"probe")
    except (UnsupportedAlgorithm, ValueError, AttributeError) as exc:
        return f"本机 cryptography/OpenSSL 不支持 SM4 或 SM3（{exc}）"
    return None


def configured_keys() -> list[str]:
    keys = list(getattr(settings, "PERSONAL_DATA_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured(
            "未设置个人信息加密密钥：请设置环境变量 PERSONAL_DATA_KEY（或 PERSONAL_DATA_KEYS）。"
        )
    return keys


def configured_cipher() -> str:
    cipher = getattr(settings, "PERSONAL_DATA_CIPHER", FERNET)
    if cipher not in CIPHERS:
        raise ImproperlyConfigured(f"PERSONAL_DATA_CIPHER 只能是 {' 或 '.join(CIPHERS)}，现为 {cipher!r}。")
    return cipher


def _sm4_encrypt(keys: _Sm4Keys, plain: bytes) -> str:
    nonce = os.urandom(16)
    encryptor = Cipher(algorithms.SM4(keys.encryption), modes.CTR(nonce)).encryptor()
    body = nonce + encryptor.update(plain) + encryptor.finalize()
    tag = _hmac_sm3(keys.mac, SM4_PREFIX.encode() + body)
    return SM4_PREFIX + base64.urlsafe_b64encode(body + tag).decode()


def _sm4_decrypt(keys: _Sm4Keys, token: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(token[len(SM4_PREFIX) :].encode())
    except ValueError as exc:
        raise InvalidToken from exc
    if len(raw) < 16 + 32:
        raise InvalidToken
    body, tag = raw[:-32], raw[-32:]
    mac = crypto_hmac.HMAC(keys.mac, hashes.SM3())
    mac.update(SM4_PREFIX.encode() + body)
    try:
        mac.verify(tag)
    except InvalidSignature as exc:
        raise InvalidToken from exc
    decryptor = Cipher(algorithms.SM4(keys.encryption), modes.CTR(body[:16])).decryptor()
    return decryptor.update(body[16:]) + decryptor.finalize()


def encrypt(value: str) -> str:
    secret = configured_keys()[0]
    if configured_cipher() == SM4:
        return _sm4_encrypt(_sm4_keys(secret), value.encode())
    return _fernet_keys(secret).fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value under any configured key and either cipher; ValueError if none fits."""
    keys = configured_keys()
    try:
        if token.startswith(SM4_PREFIX):
            for secret in keys:
                try:
                    return _sm4_decrypt(_sm4_keys(secret), token).decode()
                except InvalidToken:
                    continue
            raise InvalidToken
        return MultiFernet([_fernet_keys(secret).fernet for secret in keys]).decrypt(token.encode()).decode()
    except (InvalidToken, UnsupportedAlgorithm) as exc:
        raise ValueError("个人信息无法解密：密钥不符或数据损坏。") from exc


def is_current(token: str) -> bool:
    """Whether a stored token is already under the first key and the configured cipher (rotation skips it)."""
    secret = configured_keys()[0]
    try:
        if configured_cipher() == SM4:
            if not token.startswith(SM4_PREFIX):
                return False
            _sm4_decrypt(_sm4_keys(secret), token)
        else:
            if token.startswith(SM4_PREFIX):
                return False
            _fernet_keys(secret).fernet.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of a normalized value, for exact-match search over encrypted data."""
    secret = configured_keys()[0]
    message = f"{purpose}:{''.join(value.split()).upper()}".encode()
    if configured_cipher() == SM4:
        return _hmac_sm3(_sm4_keys(secret).index, message).hex()
    return hmac.new(_fernet_keys(secret).index, message, hashlib.sha256).hexdigest()


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


class Undecryptable(str):
    """A value no configured key decrypts: pages show UNREADABLE instead of failing, and saving the row writes the
    stored token back unchanged, so a wrong key never overwrites the data. The system check bianmin.E012 reports it."""

    token: str

    def __new__(cls, token: str) -> Undecryptable:
        obj = super().__new__(cls, UNREADABLE)
        obj.token = token
        return obj


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A text column holding an encrypted token; Python code sees the plain value. Not searchable: pair it with a
    blind-index column where exact lookup is needed, and name it in `blind_index=(column, purpose)` so that key
    rotation rebuilds it."""

    description = "Encrypted text"

    def __init__(self, *args: Any, blind_index: tuple[str, str] | None = None, **kwargs: Any) -> None:
        # Not part of deconstruct(): it says how rotation rebuilds another column, the database never sees it.
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except ValueError:
            logger.error("personal data in %s cannot be decrypted with the configured keys", self)
            return Undecryptable(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Undecryptable):
            return value.token
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedCharField]]]:
    """Every concrete model with encrypted columns, in a stable order (for rotation and the key check)."""
    from django.apps import apps

    found = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            found.append((model, fields))
    return found
