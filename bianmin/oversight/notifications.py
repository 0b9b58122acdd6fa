"""Oversight's facts handed to the notification channel.

Listeners are dotted paths in `settings.BIANMIN_OVERSIGHT_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "bad_review" (rating=), "complaint_assigned" (complaint=, inspector=),
"rating_invite" (case=). Explicit configuration, no signals; a failing channel never undoes the recorded fact.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def notify(kind: str, **payload: Any) -> None:
    paths: list[str] = list(getattr(settings, "BIANMIN_OVERSIGHT_LISTENERS", []))
    if not paths:
        return

    def send() -> None:
        for path in paths:
            try:
                import_string(path)(kind=kind, **payload)
            except Exception:  # a failing channel must not undo or block the recorded fact
                logger.exception("oversight listener %s failed for %s", path, kind)

    transaction.on_commit(send)
