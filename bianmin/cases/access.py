"""Who may do what on a case now: one rule for the case page, the services' guards and the REST API.

Whoever holds a case works it. The holder is the case's assignee, whatever handling role they have (window staff
or a department handler who acknowledged a handover); whoever handed it over sees it read-only from then on. The
center director keeps an override on every case of the center. A case nobody holds yet may be taken by any window
staff of its center. On top of that, each action is open only in the states the workflow allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import Status
from bianmin.catalog.models import Mode
from bianmin.org.models import Role

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.org.models import Staff

# The roles that may hold (and so work) a case.
HANDLING_ROLES = frozenset({Role.WINDOW, Role.HANDLER, Role.DIRECTOR})
# The roles that take in applications at a window (intake, online pre-review).
INTAKE_ROLES = frozenset({Role.WINDOW, Role.DIRECTOR})
PREREVIEW_ROLES = INTAKE_ROLES

# Actions on a case, named as the case page posts them.
DECIDE = "decide"
START = "start"
SUPPLEMENT = "supplement"
RECEIVE = "receive"
COMPLETE = "complete"
DELIVER = "deliver"
WITHDRAW = "withdraw"
FORWARD = "forward"
HANDOVER = "handover"
PROXY = "proxy"
DELAY_REASON = "delay_reason"
DISPOSE = "dispose"
REVEAL = "reveal"
SPLIT = "split"
SIGNOFF = "signoff"
OVERTURN_REFUSAL = "overturn_refusal"
DISTRICT_UPDATE = "district_update"
DISTRICT_RESULT = "district_result"

# Actions taken by someone other than the case's holder (state aside, the rest are the holder's).
DISTRICT_ACTIONS = frozenset({DISTRICT_UPDATE, DISTRICT_RESULT})
DIRECTOR_ACTIONS = frozenset({SPLIT, OVERTURN_REFUSAL})

WORKING = (Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING, Status.FORWARDED)


@dataclass(frozen=True)
class CaseFacts:
    """What besides the case row decides the actions (the case page has them loaded already)."""

    pending_handover: bool
    tasks_done: bool
    has_proxy: bool
    pending_signoff: bool


def case_facts(case: Case) -> CaseFacts:
    from bianmin.cases.models import CaseHandover, JointTask, ProxyAuthorization, SupplementRequest

    states = list(JointTask.objects.filter(case=case).values_list("state", flat=True))
    return CaseFacts(
        pending_handover=CaseHandover.objects.filter(case=case, acknowledged_at__isnull=True).exists(),
        tasks_done=bool(states) and all(s == JointTask.State.DONE for s in states),
        has_proxy=ProxyAuthorization.objects.filter(case=case).exists(),
        pending_signoff=SupplementRequest.objects.filter(case=case, state=SupplementRequest.State.PENDING).exists(),
    )


def is_director_of(case: Case, staff: Staff) -> bool:
    return staff.role == Role.DIRECTOR and case.center.path.startswith(staff.org_unit.path)


def holds(case: Case, staff: Staff | None) -> bool:
    """May `staff` work the case now: its holder, or the director of its center."""
    if staff is None or not staff.is_active or staff.role not in HANDLING_ROLES:
        return False
    if is_director_of(case, staff):
        return True
    if case.assignee_id is not None:
        return case.assignee_id == staff.pk
    return staff.role == Role.WINDOW and case.center.path.startswith(staff.org_unit.path)


def available_actions(case: Case, staff: Staff | None, *, facts: CaseFacts | None = None) -> frozenset[str]:
    if staff is None or not staff.is_active:
        return frozenset()
    facts = facts or case_facts(case)
    s = case.status
    out: set[str] = set()
    if staff.role == Role.DISTRICT and s == Status.FORWARDED:
        out |= {DISTRICT_UPDATE, DISTRICT_RESULT}
    if is_director_of(case, staff):
        if case.mode == Mode.JOINT and s in (Status.ACCEPTED, Status.IN_PROGRESS):
            out.add(SPLIT)
        if facts.pending_signoff:
            out.add(SIGNOFF)
        if s == Status.REFUSED:
            out.add(OVERTURN_REFUSAL)
    if not holds(case, staff):
        return frozenset(out)
    out |= {REVEAL, DISPOSE}
    if s == Status.RECEIVED and not facts.pending_handover:
        out.add(DECIDE)
    if s in WORKING:
        out.add(SUPPLEMENT)
    if s == Status.WAITING:
        out.add(RECEIVE)
    if (
        s in (Status.ACCEPTED, Status.IN_PROGRESS)
        and case.mode != Mode.FORWARDED
        and (case.mode != Mode.JOINT or facts.tasks_done)
    ):
        out.add(COMPLETE)
    if s == Status.ACCEPTED and case.mode in (Mode.PROMISED, Mode.FORWARDED):
        out.add(START)
    if case.mode == Mode.FORWARDED and s in (Status.ACCEPTED, Status.IN_PROGRESS):
        out.add(FORWARD)
    if s == Status.COMPLETED:
        out.add(DELIVER)
    if s in (Status.RECEIVED, *WORKING):
        out.add(WITHDRAW)
    if case.is_open and not facts.pending_handover:
        out.add(HANDOVER)
    if case.is_open and not facts.has_proxy:
        out.add(PROXY)
    late = case.due_at is not None and (case.completed_at or timezone.now()) > case.due_at
    if late and s not in (Status.REFUSED, Status.WITHDRAWN):
        out.add(DELAY_REASON)
    return frozenset(out)


def check_holds(case: Case, staff: Staff) -> None:
    """The services' guard: only the holder (or the director) works a case. Call it on the locked row."""
    if not holds(case, staff):
        holder = case.assignee.name if case.assignee_id is not None and case.assignee else ""
        if holder:
            raise PermissionDenied(
                _("该办件现由%(name)s办理，您只能查看。如需办理，请由%(name)s移交或由中心主任处理。") % {"name": holder}
            )
        raise PermissionDenied(_("您没有办理该办件的权限。"))


def check_may_act(case: Case, staff: Staff | None, role: str | None, action: str) -> None:
    """The case page's guard, before any form is read: who may take `action` at all, the case's state aside.

    The district's actions are the district staff's, the director's are the director's, every other is the
    holder's (`holds`). Whether the state allows the action is the service's to say (its state machine, under the
    row lock), so a stale page gets the service's Chinese message rather than a bare refusal.
    """
    if action in DISTRICT_ACTIONS:
        if role != Role.DISTRICT:
            raise PermissionDenied(_("只有区行政服务中心工作人员可以登记上报件办理情况。"))
        return
    if action in DIRECTOR_ACTIONS:
        if role != Role.DIRECTOR:
            raise PermissionDenied(_("只有中心主任可以分派联办任务。"))
        return
    if staff is None:
        raise PermissionDenied(_("您没有办理办件的权限。"))
    check_holds(case, staff)
