"""Startup checks: every dotted path in a `BIANMIN_*_LISTENERS`, `_SOURCES` or `_CHANNELS` setting must import.

A listener is called only after a transaction commits, and a failing one is logged and skipped (see
`bianmin.core.listeners`), so a typo in settings would otherwise go unnoticed until a citizen misses a text message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import import_string

SEAMS = ("_LISTENERS", "_SOURCES", "_CHANNELS")


def _listener_settings() -> list[str]:
    return sorted({name for name in dir(settings) if name.startswith("BIANMIN_") and name.endswith(SEAMS)})


@register()
def listeners_import(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name in _listener_settings():
        paths = getattr(settings, name)
        if isinstance(paths, str) or not isinstance(paths, list | tuple):
            errors.append(Error(f"{name} must be a list of dotted paths", id="bianmin.E001"))
            continue
        for path in paths:
            try:
                target = import_string(path)
            except ImportError as exc:
                errors.append(Error(f"{name}: {path} cannot be imported ({exc})", id="bianmin.E002"))
                continue
            if name.endswith("_LISTENERS") and not callable(target):
                errors.append(Error(f"{name}: {path} is not callable", id="bianmin.E003"))
    return errors


@register(Tags.security)
def personal_data_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off the key must be set on purpose, apart from SECRET_KEY, and long enough; the cipher must be
    known and, for SM4, supported by this machine's OpenSSL."""
    from bianmin.core.personal_data import CIPHERS, MIN_KEY_LENGTH, SM4, sm4_unavailable_reason

    errors: list[CheckMessage] = []
    keys = list(getattr(settings, "PERSONAL_DATA_KEYS", []) or [])
    if not settings.DEBUG:
        if not keys:
            errors.append(
                Error(
                    "未设置个人信息加密密钥。",
                    hint="请设置环境变量 PERSONAL_DATA_KEY（至少 32 个字符的随机串，与 SECRET_KEY 不同），"
                    "并与数据库备份分开妥善保存；此前未设置时数据用 SECRET_KEY 加密，可先把 PERSONAL_DATA_KEY 设为"
                    "原 SECRET_KEY 的值，再按 README 的 “Security” 一节轮换。",
                    id="bianmin.E010",
                )
            )
        for position, key in enumerate(keys, start=1):
            if len(key) < MIN_KEY_LENGTH:
                errors.append(
                    Error(
                        f"PERSONAL_DATA_KEYS 的第 {position} 个密钥只有 {len(key)} 个字符。",
                        hint=f"个人信息加密密钥至少 {MIN_KEY_LENGTH} 个字符，"
                        "例如用 `python -c 'import secrets; print(secrets.token_urlsafe(48))'` 生成。",
                        id="bianmin.E011",
                    )
                )
    cipher = getattr(settings, "PERSONAL_DATA_CIPHER", "fernet")
    if cipher not in CIPHERS:
        errors.append(
            Error(
                f"PERSONAL_DATA_CIPHER 的值 {cipher!r} 无效。",
                hint=f"请设为 {' 或 '.join(CIPHERS)}。",
                id="bianmin.E013",
            )
        )
    elif cipher == SM4 and (reason := sm4_unavailable_reason()):
        errors.append(
            Error(
                f"PERSONAL_DATA_CIPHER=sm4，但{reason}。",
                hint="请安装支持国密算法的 OpenSSL（3.x 默认提供）及相应的 cryptography，或改用 fernet。",
                id="bianmin.E014",
            )
        )
    return errors


@register(Tags.database)
def personal_data_decrypts(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The configured keys must decrypt what is stored: one sample per encrypted column (the newest non-empty
    value). Run by `migrate` and by `manage.py check --database default`."""
    from django.db import DatabaseError
    from django.db.models import F, TextField
    from django.db.models.functions import Cast

    from bianmin.core.personal_data import decrypt, encrypted_fields

    if not databases or not getattr(settings, "PERSONAL_DATA_KEYS", None):
        return []
    errors: list[CheckMessage] = []
    for model, fields in encrypted_fields():
        for field in fields:
            try:
                token = (
                    model._base_manager.exclude(**{field.attname: ""})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .annotate(_raw=Cast(F(field.attname), output_field=TextField()))
                    .order_by("-pk")
                    .values_list("_raw", flat=True)
                    .first()
                )
            except DatabaseError:
                return errors  # not migrated yet: nothing stored to check
            if not token:
                continue
            try:
                decrypt(token)
            except ValueError:
                errors.append(
                    Error(
                        f"{model._meta.label}.{field.name} 中的个人信息无法用已配置的密钥解密。",
                        hint="请把加密这些数据时所用的密钥加入 PERSONAL_DATA_KEYS（逗号分隔，新密钥在前），"
                        "然后运行 manage.py rotate_personal_data_key。",
                        id="bianmin.E012",
                    )
                )
    return errors


@register()
def plan_cache_mode(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """DATABASE_PLAN_CACHE_MODE must be one of PostgreSQL's values: a typo would otherwise leave PostgreSQL's default
    (plans reused on estimates alone), the mode the setting exists to avoid."""
    value = getattr(settings, "DATABASE_PLAN_CACHE_MODE", "")
    modes = getattr(settings, "PLAN_CACHE_MODES", ())
    if value in modes:
        return []
    return [
        Error(
            f"环境变量 DATABASE_PLAN_CACHE_MODE 的值“{value}”无效。",
            hint=f"可选值：{'、'.join(modes)}；不设置即为 force_custom_plan（推荐）。",
            id="bianmin.E015",
        )
    ]
