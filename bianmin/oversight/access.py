"""Who may do what in oversight (§8(3)): the director or leading group decides; the inspector investigates
complaints; every staff member sees their own records, appeals them and records rectification of bad reviews."""

from __future__ import annotations

from typing import Any

from bianmin.org.access import MANAGERS, has_role, in_scope, staff_of
from bianmin.org.models import Role
from bianmin.oversight.models import Accountability, Complaint, Rating

# See every complaint, accountability record and rating in scope.
OVERSIGHT_READERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT})
# Assign complaints to an investigator.
COMPLAINT_ASSIGNERS = frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR})
# Whom a complaint may be assigned to for investigation (of the center or a unit related to it).
COMPLAINT_INVESTIGATORS = frozenset({Role.INSPECTOR, Role.DIRECTOR})
# Decide accountability (confirm with a sanction, dismiss, final decision after appeal), review rating appeals.
DECIDERS = MANAGERS


def can_investigate(user: Any, complaint: Complaint) -> bool:
    """Record evidence, the finding and the reply: the assigned investigator, or a manager of the center."""
    staff = staff_of(user)
    if staff is not None and complaint.inspector_id == staff.pk:
        return True
    return has_role(user, MANAGERS) and in_scope(user, complaint.center)


def can_decide(user: Any, record: Accountability) -> bool:
    return has_role(user, DECIDERS) and in_scope(user, record.center)


def can_appeal(user: Any, record: Accountability) -> bool:
    staff = staff_of(user)
    return staff is not None and record.staff_id == staff.pk


def can_rectify(user: Any, rating: Rating) -> bool:
    """The rated staff member, or a manager of the center."""
    staff = staff_of(user)
    if staff is not None and staff.pk == rating.staff_id:
        return True
    return has_role(user, MANAGERS) and in_scope(user, rating.center)


def can_review_appeal(user: Any, rating: Rating) -> bool:
    return has_role(user, MANAGERS) and in_scope(user, rating.center)
