"""The hall's state machines (§4(7) 预约、代办、上门服务 and the queue)."""

from __future__ import annotations

from bianmin.core.workflow import StateMachine
from bianmin.hall.models import Appointment, HomeVisit, ProxyCase, Ticket

A = Appointment.Status
T = Ticket.Status
V = HomeVisit.Status
P = ProxyCase.Status

# A booking is checked in (a queue ticket is taken) or cancelled (by the citizen, the staff or a closed day).
APPOINTMENT = StateMachine(A, {A.BOOKED: {A.CHECKED_IN, A.CANCELLED}}, subject="该预约")

# A ticket waits, is called (the call itself is one conditional UPDATE in ticket_call_next), served and finished;
# a called ticket may not show up; an active one may be transferred to another window (waiting again).
TICKET = StateMachine(
    T,
    {
        T.WAITING: {T.CALLED},
        T.CALLED: {T.CALLED, T.SERVING, T.DONE, T.NO_SHOW, T.WAITING},
        T.SERVING: {T.DONE, T.WAITING},
        T.NO_SHOW: {T.CALLED, T.WAITING},
    },
    subject="该号",
)

# A home visit is requested, scheduled (and rescheduled) with the staff sent, then done or cancelled.
HOME_VISIT = StateMachine(
    V,
    {V.REQUESTED: {V.SCHEDULED, V.CANCELLED}, V.SCHEDULED: {V.SCHEDULED, V.DONE, V.CANCELLED}},
    subject="该上门服务",
)

# The proxy register (代办): the agent submits the application at the window, the case completes, the result is
# delivered to the applicant; withdrawn before it completes.
PROXY = StateMachine(
    P,
    {
        P.OPEN: {P.SUBMITTED, P.WITHDRAWN},
        P.SUBMITTED: {P.COMPLETED, P.WITHDRAWN},
        P.COMPLETED: {P.DELIVERED},
    },
    subject="该代办",
)
