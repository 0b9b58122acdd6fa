"""Case facts handed to the notification channels (citizens' SMS, staff in-app messages).

Listeners are dotted paths in `settings.BIANMIN_CASE_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`. Kinds:

- "accepted" (case=): the case was accepted (受理), with or without a supplement notice;
- "supplement_requested" (case=, request=): a supplement notice was issued (at acceptance or later), listing the
  materials (request.items) and the date to bring them by (request.due_date);
- "completed" (case=): the result is ready (办结), to be collected or delivered;
- "handover_created" (handover=): a case was handed to a colleague who must acknowledge it.

A case created and accepted in one transaction (the window's intake) hands "accepted" and "supplement_requested"
with `fresh=True` through `notify_in_transaction`: the listener records the messages (the outbox rows) inside that
transaction, and since their keys name a case that did not exist before it, they need no check for a repeat.

Explicit configuration, no signals: cases does not know who listens (the notify app, by default).
"""

from __future__ import annotations

from typing import Any

from bianmin.core.listeners import emit_after_commit, record_in_transaction


def notify(kind: str, **payload: Any) -> None:
    emit_after_commit("BIANMIN_CASE_LISTENERS", kind, **payload)


def notify_in_transaction(kind: str, **payload: Any) -> None:
    """The fact's messages recorded now, in the caller's transaction (see the module's text)."""
    record_in_transaction("BIANMIN_CASE_LISTENERS", kind, fresh=True, **payload)
