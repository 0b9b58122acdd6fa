"""Who may do what in the first-inquiry register beyond what every member of staff may do."""

from __future__ import annotations

from bianmin.org.models import Role

# Read the register book as a whole, export it and see per-staff counts: they feed assessment (§6(3)–(4)).
REGISTER_READERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})
# Besides the people named on an inquiry, who may see a visitor's full phone number or link a case.
INQUIRY_MANAGERS = frozenset({Role.DIRECTOR, Role.ADMIN})
# Who sees every pending handover of their scope (交接不清 is an accountability item, §8(3)(6)).
HANDOVER_WATCHERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR})
