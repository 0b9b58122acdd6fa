"""Keyset (cursor) pagination for lists ordered newest first on (a date or datetime, id), as the cases list does."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, TypeVar

from django.db.models import DateTimeField, Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def encode_cursor(value: dt.date | dt.datetime, pk: int) -> str:
    raw = f"{value.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, as_date: bool) -> tuple[Any, int] | None:
    """A bad or forged cursor means "first page", never an error."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        if as_date:
            return dt.date.fromisoformat(moment), int(pk)
        value = dt.datetime.fromisoformat(moment)
        if value.tzinfo is None:
            return None
        return value, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def newest_first_page(qs: QuerySet[M], field: str, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """One page of `qs` ordered by (-field, -id) after `cursor`, and the cursor of the next page (None at the end)."""
    as_date = not isinstance(qs.model._meta.get_field(field), DateTimeField)
    after = decode_cursor(cursor, as_date=as_date)
    if after is not None:
        value, pk = after
        qs = qs.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "id__lt": pk}))
    rows = list(qs.order_by(f"-{field}", "-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(getattr(rows[-1], field), rows[-1].pk) if more else None
