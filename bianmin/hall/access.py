"""Who may do what in the hall: the staff pages of the counter, appointments, home visits and proxies; the managers
(bianmin.org.access.MANAGERS) keep the slots, extended hours and the hall's settings."""

from __future__ import annotations

from bianmin.cases.access import INTAKE_ROLES  # who accepts cases: the cases app's rule, offered from a home visit
from bianmin.org.models import Role

# The hall's workbench: call tickets, check in appointments, register home visits and proxy cases.
HALL_STAFF = frozenset({Role.WINDOW, Role.DIRECTOR, Role.ADMIN})

__all__ = ["HALL_STAFF", "INTAKE_ROLES"]
