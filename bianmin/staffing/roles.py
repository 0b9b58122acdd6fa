"""Which roles use which staffing pages."""

from __future__ import annotations

from bianmin.org.models import Role

# Approve leave, correct attendance, keep the duty roster, acknowledge unmanned windows.
MANAGERS = frozenset({Role.DIRECTOR, Role.ADMIN})
# See every staff member's attendance, leave, the live board and the unmanned-window records.
OVERSEERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})
# Record discipline inspections (§6(3)).
INSPECTORS = frozenset({Role.INSPECTOR, Role.DIRECTOR})
