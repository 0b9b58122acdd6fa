"""Where a case came from besides the window (网上申报), told to the pages of cases without cases importing the channel.

Each channel is a dotted path in settings.BIANMIN_CASE_CHANNELS to an object with:
- `labels(cases) -> {case id: label}`: the submitting application of each case that came through it, in one query;
- `details(case) -> ChannelDetails | None`: what the channel recorded beside the case (the submitting application,
  the address, the applicant's own description) and what the applicant was told at submission (§4(1)), or None
  when the case did not come through it.
The online pre-review pages (`cases.online_views`) show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from bianmin.cases.models import Case


@dataclass(frozen=True)
class ChannelDetails:
    rows: list[tuple[str, str]] = field(default_factory=list)
    notice: str = ""


class Channel(Protocol):
    def labels(self, cases: Iterable[Case]) -> dict[int, str]: ...

    def details(self, case: Case) -> ChannelDetails | None: ...


def channels() -> list[Channel]:
    return [import_string(path) for path in getattr(settings, "BIANMIN_CASE_CHANNELS", [])]


def labels(cases: list[Case]) -> dict[int, str]:
    found: dict[int, str] = {}
    for channel in channels():
        found.update(channel.labels(cases))
    return found


def details(case: Case) -> ChannelDetails:
    for channel in channels():
        found = channel.details(case)
        if found is not None:
            return found
    return ChannelDetails()
