"""The hall's facts told to the citizen through whatever channel is configured.

Listeners are dotted paths in `settings.BIANMIN_HALL_LISTENERS`, each called after commit as
`listener(kind=..., **payload)`; kinds: "appointment_booked", "appointment_changed", "appointment_cancelled" and
"appointment_reminder" (each with appointment=); "home_visit_requested" (visit=, event=) for whoever arranges
home visits and "home_visit_assigned" (visit=, assignees=, event=) for the staff sent. Explicit configuration, no
signals: without a listener the citizen still sees the booking number on the page and can look the booking up, and
staff see visits in the 上门服务 list.
"""

from __future__ import annotations

from typing import Any

from bianmin.core.listeners import emit_after_commit


def notify(kind: str, **payload: Any) -> None:
    emit_after_commit("BIANMIN_HALL_LISTENERS", kind, **payload)
