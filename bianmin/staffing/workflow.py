"""The leave request's state machine (§7(3) 请销假): requested → approved or refused; withdrawn while requested or
approved (before it starts); an approved leave is ended by returning (销假)."""

from __future__ import annotations

from bianmin.core.workflow import StateMachine
from bianmin.staffing.models import Leave

S = Leave.Status

LEAVE = StateMachine(
    S,
    {
        S.REQUESTED: {S.APPROVED, S.REFUSED, S.WITHDRAWN},
        S.APPROVED: {S.WITHDRAWN, S.RETURNED},
        S.REFUSED: set(),
        S.WITHDRAWN: set(),
        S.RETURNED: set(),
    },
    subject="该请假",
)
