"""Facts an app hands to the apps above it, without importing them (apps depend downward only).

Each app names its listeners in a settings list of dotted paths (e.g. `BIANMIN_CASE_LISTENERS`); `emit_after_commit`
calls each as `listener(kind=..., **payload)` once the caller's transaction commits. Explicit configuration, no
signals. A failing listener is logged and skipped: a notification channel must never undo or block the recorded fact.

`record_in_transaction` calls them at once instead, inside the caller's transaction, for what must commit with the
fact or not at all (the transactional outbox: the text message a new case's applicant is owed is recorded in the
same transaction as the case, so neither a crash after the commit nor a failed hook can lose it).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def emit_after_commit(setting: str, kind: str, **payload: Any) -> None:
    paths: list[str] = list(getattr(settings, setting, []))
    if not paths:
        return

    def send() -> None:
        for path in paths:
            try:
                import_string(path)(kind=kind, **payload)
            except Exception:
                logger.exception("listener %s (%s) failed for %s", path, setting, kind)

    transaction.on_commit(send)


def record_in_transaction(setting: str, kind: str, **payload: Any) -> None:
    """Each listener now, in the caller's (open) transaction. A listener that fails in Python is logged and skipped,
    as after commit; a database error propagates, since the transaction could no longer commit anyway."""
    for path in getattr(settings, setting, []):
        try:
            import_string(path)(kind=kind, **payload)
        except DatabaseError:
            raise
        except Exception:
            logger.exception("listener %s (%s) failed for %s", path, setting, kind)


def call_listeners(setting: str, kind: str, **payload: Any) -> list[Any]:
    """Call each listener now, in the caller's transaction, and return what each answered: for facts whose
    consequences the caller records or counts (a reminder sweep notes what was sent, so it is sent once)."""
    return [import_string(path)(kind=kind, **payload) for path in getattr(settings, setting, [])]
