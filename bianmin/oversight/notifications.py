"""Oversight's facts handed to the notification channel.

Listeners are dotted paths in `settings.BIANMIN_OVERSIGHT_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "bad_review" (rating=), "complaint_assigned" (complaint=, inspector=),
"rating_invite" (case=), "rating_changed" (rating=) when an appeal is decided (statistics). Explicit configuration,
no signals; a failing channel never undoes the recorded fact.
"""

from __future__ import annotations

from typing import Any

from bianmin.core.listeners import emit_after_commit


def notify(kind: str, **payload: Any) -> None:
    emit_after_commit("BIANMIN_OVERSIGHT_LISTENERS", kind, **payload)
