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


def _utc(value: dt.datetime) -> dt.datetime:
    # PostgreSQL refuses UTC offsets beyond ±15:59 (a 500 otherwise): keep the same moment, in UTC.
    if value.tzinfo is None:
        value = timezone.make_aware(value)  # a moment without an offset is local time (Asia/Shanghai)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("时间超出可处理的范围。") from None


Text = Annotated[str, AfterValidator(_no_nul)]
SearchText = Annotated[str, Field(max_length=100), AfterValidator(_no_nul)]
Code = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=2**53)]
Moment = Annotated[dt.datetime, AfterValidator(_utc)]
