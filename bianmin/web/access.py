"""Who may do what on the site shell's staff pages: the working calendar, the health page and the audit search."""

from __future__ import annotations

from bianmin.org.access import MANAGERS
from bianmin.org.models import Role

# Mark holidays and adjusted working days in the working calendar; everyone else reads it.
CALENDAR_EDITORS = frozenset({Role.ADMIN})
# See the health page (jobs, messages, backups).
HEALTH_READERS = MANAGERS
# Search the audit trail (logins, reveals of personal data, exports, changes of rights and of the calendar).
AUDIT_READERS = frozenset({Role.INSPECTOR, Role.ADMIN})
# Lift a login lockout (an account or a client address locked after repeated failures).
LOCKOUT_MANAGERS = frozenset({Role.ADMIN})
