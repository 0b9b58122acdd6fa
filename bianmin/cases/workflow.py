"""The case state machine: one explicit map of allowed transitions, checked by every service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bianmin.cases.models import Status

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


class CaseStateError(ValidationError):
    """The case is no longer in a state that allows the action — usually someone else acted first."""


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str, action: str) -> None:
    if not can_transition(current, target):
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能%(action)s。可能已由其他工作人员处理，请刷新页面后查看。")
            % {"status": Status(current).label, "action": action},
            code="state",
        )


def move(case: Case, target: str, action: str) -> str:
    """The one place a case's status is assigned: after the transition check. Returns the previous status.
    Callers are services, holding the case row locked."""
    previous = case.status
    check_transition(previous, target, action)
    case.status = target
    return previous
