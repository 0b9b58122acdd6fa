"""The hall's facts told to the citizen through whatever channel is configured.

Listeners are dotted paths in `settings.BIANMIN_HALL_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "appointment_booked", "appointment_changed", "appointment_cancelled" and
"appointment_reminder" (each with appointment=). Explicit configuration, no signals: without a listener the
citizen still sees the booking number on the page and can look the booking up.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def notify(kind: str, **payload: Any) -> None:
    paths: list[str] = list(getattr(settings, "BIANMIN_HALL_LISTENERS", []))
    if not paths:
        return

    def send() -> None:
        for path in paths:
            try:
                import_string(path)(kind=kind, **payload)
            except Exception:  # a failing channel must not undo or block the booking
                logger.exception("hall listener %s failed for %s", path, kind)

    transaction.on_commit(send)
