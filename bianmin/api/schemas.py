"""Input types shared by the REST API's routes: bounded, and free of what the database cannot store."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, Field


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; such input is a client error, not a 500.
    if "\x00" in value:
        raise ValueError("不能包含空字符（\\x00）。")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
SearchText = Annotated[str, Field(max_length=100), AfterValidator(_no_nul)]
Code = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=2**53)]


def _storable_moment(value: dt.datetime) -> dt.datetime:
    # A naive moment is local (Asia/Shanghai). Offsets beyond ±14:00 and moments outside years 1–9999 once moved
    # to the server's zone exist in ISO 8601 but not in PostgreSQL: a client error, not a 500.
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    offset = value.utcoffset()
    if offset is not None and abs(offset) > dt.timedelta(hours=14):
        raise ValueError("时区偏移超出范围（应在 ±14:00 以内）。")
    try:
        return value.astimezone(timezone.get_default_timezone())
    except OverflowError as exc:
        raise ValueError("时间超出可表示的范围。") from exc


Moment = Annotated[dt.datetime, AfterValidator(_storable_moment)]
