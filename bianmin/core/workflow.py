"""One way to write a state machine: an explicit map of allowed transitions and one `move` that assigns the status
after checking it. Each app's `workflow.py` declares its machines with this; only `move` assigns a status
(core/tests/test_workflows.py checks every app).

    LEAVE = StateMachine(Leave.Status, {Leave.Status.PENDING: {Leave.Status.APPROVED, Leave.Status.REFUSED}, ...})
    previous = LEAVE.move(leave, Leave.Status.APPROVED, _("批准"))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _


class StateError(ValidationError):
    """The record is no longer in a state that allows the action — usually someone else acted first."""


class StateMachine:
    def __init__(
        self,
        states: type[TextChoices],
        transitions: Mapping[str, Iterable[str]],
        *,
        field: str = "status",
        error: type[StateError] = StateError,
        subject: str = "",
    ) -> None:
        unknown = ({str(s) for s in transitions} | {str(t) for ts in transitions.values() for t in ts}) - set(
            states.values
        )
        if unknown:
            raise ValueError(f"unknown states in the transition map: {sorted(unknown)}")
        self.states = states
        self.transitions: dict[str, frozenset[str]] = {
            str(state): frozenset(str(t) for t in transitions.get(state, ())) for state in states.values
        }
        self.field = field
        self.error = error
        self.subject = subject  # e.g. "该办件": the record's name at the start of the refusal

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def targets(self, current: str) -> frozenset[str]:
        return self.transitions.get(current, frozenset())

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def check(self, current: str, target: str, action: str) -> None:
        if not self.can(current, target):
            raise self.error(
                _("%(subject)s当前状态为“%(status)s”，不能%(action)s。可能已由其他工作人员处理，请刷新页面后查看。")
                % {"subject": self.subject, "status": self.label(current), "action": action},
                code="state",
            )

    def move(self, record: Any, target: str, action: str) -> str:
        """The one place a status is assigned: after the transition check. Returns the previous status. Callers are
        services, holding the record's row locked."""
        previous = str(getattr(record, self.field))
        self.check(previous, target, action)
        setattr(record, self.field, target)
        return previous
