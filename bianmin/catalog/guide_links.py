"""Actions the public item guide offers that belong to apps above the catalog (booking the item at the hall, …).

The catalog cannot import them; each app registers a provider in its `AppConfig.ready`, and the guide asks every
provider for its link. A provider returns None where it has nothing to offer (no booking at this center).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bianmin.org.models import OrgUnit


@dataclass(frozen=True)
class GuideLink:
    label: str
    url: str
    primary: bool = False


GuideLinkProvider = Callable[[OrgUnit, int], GuideLink | None]

_providers: list[GuideLinkProvider] = []


def register(provider: GuideLinkProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def links_for(*, center: OrgUnit, item_id: int) -> list[GuideLink]:
    return [link for provider in _providers if (link := provider(center, item_id)) is not None]
