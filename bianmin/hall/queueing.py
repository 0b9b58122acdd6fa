"""Which ticket a window calls next: pure functions, no ORM.

Priority tickets (appointments, the elderly, the disabled, pregnant women, and tickets transferred from another
window) go ahead of ordinary ones, but a window calls at most `cap` priority tickets in a row while an ordinary
ticket is waiting, so ordinary tickets are never starved. Within each class the earliest ticket goes first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Candidate:
    id: int
    priority: bool
    order: Any  # comparable: issue time, then id


def priority_streak(recent_calls_priority: Iterable[bool]) -> int:
    """How many priority calls in a row end the window's history; `recent_calls_priority` runs newest first."""
    streak = 0
    for was_priority in recent_calls_priority:
        if not was_priority:
            break
        streak += 1
    return streak


def choose_next(waiting: Sequence[Candidate], *, streak: int, cap: int) -> Candidate | None:
    """The ticket to call: the earliest priority ticket unless `streak` has reached `cap` while an ordinary ticket
    waits, in which case the earliest ordinary ticket. None when nobody waits."""
    if cap < 1:
        raise ValueError("cap must be at least 1")
    first_priority = min((c for c in waiting if c.priority), key=lambda c: c.order, default=None)
    first_ordinary = min((c for c in waiting if not c.priority), key=lambda c: c.order, default=None)
    if first_priority is None:
        return first_ordinary
    if first_ordinary is None or streak < cap:
        return first_priority
    return first_ordinary
