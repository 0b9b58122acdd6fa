"""Errors to Sentry when SENTRY_DSN is set, with personal data scrubbed before anything leaves the server."""

from __future__ import annotations

import re
from typing import Any

# Resident ID numbers (18 characters, the last may be X) and mainland mobile numbers, wherever they appear.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
SENSITIVE_KEYS = re.compile(r"id_number|phone|mobile|password|secret|token|key|cookie|authorization", re.IGNORECASE)
FILTERED = "[已过滤]"


def scrub_text(value: str) -> str:
    return MOBILE.sub(FILTERED, ID_NUMBER.sub(FILTERED, value))


def _scrub(value: Any, key: str = "") -> Any:
    if key and SENSITIVE_KEYS.search(key) and isinstance(value, (str, int)):
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_scrub(v) for v in value)
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's hook: the whole event (message, exception values, local variables, request, breadcrumbs) scrubbed."""
    return dict(_scrub(event))


def sentry_init(dsn: str, *, environment: str = "production") -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=True,
        before_send=before_send,  # type: ignore[arg-type]
        before_breadcrumb=lambda crumb, hint: _scrub(crumb),
        traces_sample_rate=0.0,
    )
