"""Who may do what in notify: everyone reads their own messages; the message log is for the managers and the
inspector."""

from __future__ import annotations

from bianmin.org.access import MANAGERS
from bianmin.org.models import Role

# Read the message log (what was sent to whom, with its delivery status).
MESSAGE_LOG_READERS = MANAGERS | {Role.INSPECTOR}
