"""The letter-or-visit's state machine (§8(2)4): registered → assigned to a handler (and reassigned) → closed with a
final reply; one outside the center's remit is closed directly with an explanation."""

from __future__ import annotations

from bianmin.core.workflow import StateMachine
from bianmin.petitions.models import Petition

S = Petition.Status

PETITION = StateMachine(
    S,
    {
        S.REGISTERED: {S.ASSIGNED, S.CLOSED},
        S.ASSIGNED: {S.ASSIGNED, S.CLOSED},
        S.CLOSED: set(),
    },
    subject="该事项",
)
