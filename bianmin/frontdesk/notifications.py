"""Front-desk facts handed to the notification channels.

Listeners are dotted paths in `settings.BIANMIN_FRONTDESK_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "handover_created" (handover=) — materials received for a colleague, who
must acknowledge them; "inquiry_registered" (inquiry=), possibly dated earlier (statistics). Explicit
configuration, no signals.
"""

from __future__ import annotations

from typing import Any

from bianmin.core.listeners import emit_after_commit


def notify(kind: str, **payload: Any) -> None:
    emit_after_commit("BIANMIN_FRONTDESK_LISTENERS", kind, **payload)
