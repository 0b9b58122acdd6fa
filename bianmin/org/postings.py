"""The A-post rule of §6(1) as a pure function: from a given day on, every day has at least one A post."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None  # inclusive; None = open-ended


def first_day_without_a(spans: Iterable[Span], since: dt.date) -> dt.date | None:
    """The first day on or after `since` that no A post covers, or None if A coverage never lapses."""
    a_spans = sorted((s for s in spans if s.kind == "A"), key=lambda s: s.valid_from)
    day = since
    for span in a_spans:
        if span.valid_to is not None and span.valid_to < day:
            continue
        if span.valid_from > day:
            return day
        if span.valid_to is None:
            return None
        day = span.valid_to + dt.timedelta(days=1)
    return day
