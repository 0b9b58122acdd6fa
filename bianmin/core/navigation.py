"""A menu entry an app contributes in its `nav.py` (`STAFF_NAV`, `PUBLIC_NAV`); `bianmin.web.navigation` assembles
the menus. Staff entries carry the roles that see them (empty = every staff role).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50
