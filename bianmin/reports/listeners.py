"""Late writes into a closed month: the facts the lower apps emit (settings-listed, see `bianmin.core.listeners`)
mark the month rollups they touch dirty, so dashboards count those months live until the job recomputes them.

Each listener looks only at the moments the record is counted by (received, completed, rated, dated); a write in
the current month costs nothing here (no query).
"""

from __future__ import annotations

from typing import Any

from bianmin.reports.rollups import mark_dirty


def on_case_event(*, kind: str, **payload: Any) -> None:
    case = payload.get("case")
    if case is not None and hasattr(case, "received_at"):
        mark_dirty(case.center_id, (case.received_at, case.completed_at))


def on_petition_event(*, kind: str, **payload: Any) -> None:
    petition = payload.get("petition")
    if petition is not None:
        mark_dirty(petition.center_id, (petition.received_on,))


def on_oversight_event(*, kind: str, **payload: Any) -> None:
    rating = payload.get("rating")
    if rating is not None:
        mark_dirty(rating.center_id, (rating.created_at,))


def on_frontdesk_event(*, kind: str, **payload: Any) -> None:
    inquiry = payload.get("inquiry")
    if inquiry is not None:
        mark_dirty(inquiry.center_id, (inquiry.received_at,))


def on_staffing_event(*, kind: str, **payload: Any) -> None:
    if kind == "attendance_corrected":
        record = payload["record"]
        mark_dirty(record.center_id, (record.date,))
