"""Menu entries contributed by each app's `nav.py`, so apps add pages without editing shared templates.

An app's `nav.py` defines `STAFF_NAV` and/or `PUBLIC_NAV`: lists of `NavItem`. Staff entries carry the roles
that see them (empty = every staff role).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@lru_cache(maxsize=1)
def _items() -> tuple[tuple[NavItem, ...], tuple[NavItem, ...]]:
    staff: list[NavItem] = []
    public: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("bianmin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.nav":
                continue
            raise
        staff.extend(getattr(module, "STAFF_NAV", []))
        public.extend(getattr(module, "PUBLIC_NAV", []))
    return tuple(sorted(staff, key=lambda i: i.order)), tuple(sorted(public, key=lambda i: i.order))


def _links(items: tuple[NavItem, ...], role: str | None) -> list[Link]:
    links = []
    for item in items:
        if item.roles and role not in item.roles:
            continue
        try:
            links.append(Link(str(item.label), reverse(item.url_name)))
        except NoReverseMatch:
            continue
    return links


def staff_links(role: str | None) -> list[Link]:
    return _links(_items()[0], role)


def public_links() -> list[Link]:
    return _links(_items()[1], None)
