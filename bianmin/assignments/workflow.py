"""The assigned task's state machine: registered (open) → reported done (submitted) → confirmed by the director, or
returned to open; cancelled while not yet confirmed."""

from __future__ import annotations

from bianmin.assignments.models import AssignedTask
from bianmin.core.workflow import StateMachine

S = AssignedTask.Status

TASK = StateMachine(
    S,
    {
        S.OPEN: {S.SUBMITTED, S.CANCELLED},
        S.SUBMITTED: {S.CONFIRMED, S.OPEN, S.CANCELLED},
        S.CONFIRMED: set(),
        S.CANCELLED: set(),
    },
    subject="该事项",
)
