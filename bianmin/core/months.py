"""Months as people read them: "2026年11月" on screen, `YYYY-MM` in query strings. Pure, no ORM.

The browser's `<input type="month">` shows its own language ("November 2026" in an English browser) and cannot be
told otherwise, so a month is picked from a plain `<select>` whose options read "2026年11月" and whose values stay
`YYYY-MM`: old links (`?month=2026-11`) keep working and no script is needed.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR, MAX_YEAR = 2000, 2100
YEARS_BACK = 3  # the picker offers January three years back up to next month

_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*月?\s*$")


def read_month(value: str | None) -> dt.date | None:
    """ "2026-03", "2026-3", "2026/03" or "2026年3月" → 2026-03-01; anything else (or an empty value) → None."""
    match = _MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def month_label(first: dt.date) -> str:
    return f"{first.year}年{first.month}月"


def month_choices(selected: dt.date | None, today: dt.date) -> list[tuple[str, str]]:
    """(`YYYY-MM`, "YYYY年M月") newest first, from next month back to January `YEARS_BACK` years ago; the selected
    month is always offered, however far off."""
    newest = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    oldest = dt.date(today.year - YEARS_BACK, 1, 1)
    months: list[dt.date] = []
    year, month = newest.year, newest.month
    while dt.date(year, month, 1) >= oldest:
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    if selected is not None:
        selected = selected.replace(day=1)
        if selected not in months:
            months.append(selected)
            months.sort(reverse=True)
    return [(f"{m:%Y-%m}", month_label(m)) for m in months]
