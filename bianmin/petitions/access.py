"""Who may do what with letters and visits beyond registering and reading them."""

from __future__ import annotations

from typing import Any

from bianmin.org.access import has_role, staff_of
from bianmin.org.models import Role
from bianmin.petitions.models import Petition

# Assign handlers, change the category, set the center's time limits.
PETITION_MANAGERS = frozenset({Role.DIRECTOR, Role.ADMIN})
# The board of open matters and the registration book export.
PETITION_READERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})


def can_handle(user: Any, petition: Petition) -> bool:
    """Reply to and close a matter: its handler, or a manager."""
    staff = staff_of(user)
    if staff is not None and petition.handler_id == staff.pk:
        return True
    return has_role(user, PETITION_MANAGERS)


def can_reveal_phone(user: Any, petition: Petition) -> bool:
    staff = staff_of(user)
    if staff is not None and staff.pk in (petition.handler_id, petition.registered_by_id):
        return True
    return has_role(user, PETITION_MANAGERS)
