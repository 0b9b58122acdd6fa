"""Who may do what in reports: which roles use the statistics and assessment pages."""

from __future__ import annotations

from bianmin.org.models import Role

# See a center's or a district's statistics and the assessment sheets; entering scores and setting weights is for
# bianmin.org.access.MANAGERS (the director, the administrator).
VIEWERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})
