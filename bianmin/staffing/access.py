"""Who may do what in staffing: which roles use which staffing pages."""

from __future__ import annotations

# Approve leave, correct attendance, keep the duty roster, acknowledge unmanned windows: the center's managers.
from bianmin.org.access import MANAGERS
from bianmin.org.models import Role

# See every staff member's attendance, leave, the live board and the unmanned-window records.
OVERSEERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})
# Record discipline inspections (§6(3)).
INSPECTORS = frozenset({Role.INSPECTOR, Role.DIRECTOR})

__all__ = ["INSPECTORS", "MANAGERS", "OVERSEERS"]
