"""Staffing notices handed to the notification channel once it exists.

Listeners are dotted paths in `settings.BIANMIN_STAFFING_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "unmanned_opened" (record=), "unmanned_closed" (record=),
"leave_approved" (leave=, covering=[Staff, ...] — the B posts who now cover). Explicit configuration, no signals.
Until a channel is configured, the director sees unmanned windows on the workbench and B sees the cover on the
staff home.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def notify(kind: str, **payload: Any) -> None:
    paths: list[str] = list(getattr(settings, "BIANMIN_STAFFING_LISTENERS", []))
    if not paths:
        return

    def send() -> None:
        for path in paths:
            try:
                import_string(path)(kind=kind, **payload)
            except Exception:  # a failing channel must not undo or block the recorded fact
                logger.exception("staffing listener %s failed for %s", path, kind)

    transaction.on_commit(send)
