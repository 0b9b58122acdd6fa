"""The letters-and-visits facts told to the apps above (notify), without importing them.

Listeners are dotted paths in `settings.BIANMIN_PETITION_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "petition_assigned" (petition=, handler=, event=) when a letter or visit is
given to a handler (承办人), so the handler is told; "petition_changed" (petition=) on every change (the
statistics of its month). Explicit configuration, no signals.
"""

from __future__ import annotations

from typing import Any

from bianmin.core.listeners import emit_after_commit


def notify(kind: str, **payload: Any) -> None:
    emit_after_commit("BIANMIN_PETITION_LISTENERS", kind, **payload)
