"""Case facts handed to the notification channels (citizens' SMS, staff in-app messages).

Listeners are dotted paths in `settings.BIANMIN_CASE_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`. Kinds:

- "accepted" (case=): the case was accepted (受理), with or without a supplement notice;
- "supplement_requested" (case=, request=): a supplement notice was issued (at acceptance or later), listing the
  materials (request.items) and the date to bring them by (request.due_date);
- "completed" (case=): the result is ready (办结), to be collected or delivered;
- "handover_created" (handover=): a case was handed to a colleague who must acknowledge it.

Explicit configuration, no signals: cases does not know who listens (the notify app, by default).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def notify(kind: str, **payload: Any) -> None:
    paths: list[str] = list(getattr(settings, "BIANMIN_CASE_LISTENERS", []))
    if not paths:
        return

    def send() -> None:
        for path in paths:
            try:
                import_string(path)(kind=kind, **payload)
            except Exception:  # a failing channel must not undo or block the recorded fact
                logger.exception("case listener %s failed for %s", path, kind)

    transaction.on_commit(send)
