"""Oversight's state machines: the complaint (§5(4): received → assigned to an inspector (and reassigned) → finding
recorded → replied), the accountability record (§8(3): a candidate is decided or dismissed; a decision may be
appealed once, and the appeal is decided finally), and a bad review's appeal (none → pending → upheld or rejected)."""

from __future__ import annotations

from bianmin.core.workflow import StateMachine
from bianmin.oversight.models import Accountability, Complaint, Rating

C = Complaint.Status
A = Accountability.Status
P = Rating.Appeal

COMPLAINT = StateMachine(
    C,
    {C.RECEIVED: {C.ASSIGNED}, C.ASSIGNED: {C.ASSIGNED, C.DECIDED}, C.DECIDED: {C.REPLIED}, C.REPLIED: set()},
    subject="该投诉",
)

ACCOUNTABILITY = StateMachine(
    A,
    {
        A.CANDIDATE: {A.DECIDED, A.DISMISSED},
        A.DECIDED: {A.APPEALED},
        A.APPEALED: {A.FINAL},
        A.DISMISSED: set(),
        A.FINAL: set(),
    },
    subject="该记录",
)

RATING_APPEAL = StateMachine(
    P, {P.NONE: {P.PENDING}, P.PENDING: {P.UPHELD, P.REJECTED}, P.UPHELD: set(), P.REJECTED: set()}, field="appeal"
)
