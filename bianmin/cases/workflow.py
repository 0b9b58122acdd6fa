"""The state machines of cases: the case itself, a joint task, a supplement request. Each one explicit map of allowed
transitions, checked by every service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bianmin.cases.models import JointTask, Status, SupplementRequest
from bianmin.core.workflow import StateError, StateMachine

if TYPE_CHECKING:
    from bianmin.cases.models import Case

TRANSITIONS: dict[str, frozenset[str]] = {
    # An online application: pre-review sends it to a window as a received case; or it is refused or withdrawn.
    Status.SUBMITTED: frozenset({Status.RECEIVED, Status.REFUSED, Status.WITHDRAWN}),
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.WAITING, Status.REFUSED, Status.WITHDRAWN}),
    Status.ACCEPTED: frozenset(
        {Status.IN_PROGRESS, Status.WAITING, Status.FORWARDED, Status.COMPLETED, Status.WITHDRAWN}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.FORWARDED, Status.COMPLETED, Status.WITHDRAWN}),
    Status.WAITING: frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED, Status.WITHDRAWN}),
    Status.FORWARDED: frozenset({Status.WAITING, Status.COMPLETED, Status.WITHDRAWN}),
    Status.COMPLETED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


class CaseStateError(StateError):
    """The case is no longer in a state that allows the action — usually someone else acted first."""


CASE = StateMachine(Status, TRANSITIONS, error=CaseStateError, subject="该办件")


def can_transition(current: str, target: str) -> bool:
    return CASE.can(current, target)


def check_transition(current: str, target: str, action: str) -> None:
    CASE.check(current, target, action)


def move(case: Case, target: str, action: str) -> str:
    """The one place a case's status is assigned (core.workflow.StateMachine.move: after the transition check).
    Returns the previous status. Callers are services, holding the case row locked."""
    return CASE.move(case, target, action)


# A department's part of a joint case (§4(4)) is done once.
TASK = StateMachine(
    JointTask.State,
    {JointTask.State.OPEN: {JointTask.State.DONE}},
    field="state",
    error=CaseStateError,
    subject="该联办任务",
)

# A supplement request beyond the first notice waits for the director's sign-off (§8(3)(1)); one within it is issued
# at once (it is created issued).
SUPPLEMENT = StateMachine(
    SupplementRequest.State,
    {SupplementRequest.State.PENDING: {SupplementRequest.State.ISSUED, SupplementRequest.State.REJECTED}},
    field="state",
    error=CaseStateError,
    subject="该补报要求",
)
