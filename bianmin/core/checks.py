"""Startup checks: every dotted path in a `BIANMIN_*_LISTENERS` setting must import.

A listener is called only after a transaction commits, and a failing one is logged and skipped (see
`bianmin.core.listeners`), so a typo in settings would otherwise go unnoticed until a citizen misses a text message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.module_loading import import_string


def _listener_settings() -> list[str]:
    return sorted({name for name in dir(settings) if name.startswith("BIANMIN_") and name.endswith("_LISTENERS")})


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
            if not callable(target):
                errors.append(Error(f"{name}: {path} is not callable", id="bianmin.E003"))
    return errors
