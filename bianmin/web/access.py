"""Who may do what on the site shell's staff pages: the working calendar and the health page."""

from __future__ import annotations

from bianmin.org.access import MANAGERS
from bianmin.org.models import Role

# Mark holidays and adjusted working days in the working calendar; everyone else reads it.
CALENDAR_EDITORS = frozenset({Role.ADMIN})
# See the health page (jobs, messages, backups).
HEALTH_READERS = MANAGERS
