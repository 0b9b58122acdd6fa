"""Staffing notices handed to the notification channel once it exists.

Listeners are dotted paths in `settings.BIANMIN_STAFFING_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "unmanned_opened" (record=), "unmanned_closed" (record=),
"leave_approved" (leave=, covering=[Staff, ...] — the B posts who now cover), "leave_withdrawn" (leave=,
covering=[...] — approved leave taken back before it began: the cover is off), "inspection_violation"
(inspection= — a discipline inspection found the named staff member in breach), "attendance_corrected"
(record= — a past day corrected: the statistics of its month). Explicit configuration, no signals.
Until a channel is configured, the director sees unmanned windows on the workbench and B sees the cover on the
staff home.
"""

from __future__ import annotations

from typing import Any

from bianmin.core.listeners import emit_after_commit


def notify(kind: str, **payload: Any) -> None:
    emit_after_commit("BIANMIN_STAFFING_LISTENERS", kind, **payload)
