"""The rule "a case is due tomorrow / overdue" (§8(2) 限时办结): who is to be reminded of which case, and when.

The periodic sweep (cases/periodic.py) finds the reminders due now and hands them, as facts, to the listeners in
settings.BIANMIN_CASE_LISTENERS (kind "deadline_reminders"); notify turns them into messages, once per key, and
answers how many it sent of each kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bianmin.cases.models import CLOCK_RUNNING, Case
from bianmin.core.listeners import call_listeners
from bianmin.core.reminders import REMINDER_CHUNK, REMINDER_HORIZON, reminder_kind
from bianmin.core.selectors import work_calendar
from bianmin.org.models import OrgUnit, Staff


@dataclass(frozen=True)
class DeadlineReminder:
    """Tell `staff` that `case` is due tomorrow ("near") or overdue ("overdue"); `key` is the same for the same
    case, deadline, kind and person, so a reminder is sent once, and again when the deadline moves."""

    case: Case
    kind: str
    staff: Staff
    key: str


def case_reminder_candidates(*, now: dt.datetime) -> QuerySet[Case]:
    """Cases whose clock runs and whose deadline lies within the horizon of `now`, for the reminder sweep. One
    index range per center (case_center_status_due_idx: center, status, due_at); the applicant's encrypted fields
    are not read (nor decrypted) for a reminder to staff."""
    centers = list(OrgUnit.objects.centers().values_list("pk", flat=True))
    return (
        Case.objects.filter(
            center_id__in=centers,
            status__in=list(CLOCK_RUNNING),
            due_at__gte=now - REMINDER_HORIZON,
            due_at__lte=now + REMINDER_HORIZON,
        )
        .select_related("center", "assignee__user", "accepted_by__user")
        .only("id", "number", "item_name", "due_at", "center", "assignee", "accepted_by")
        .order_by("due_at", "id")
    )


def reminders_due(cases: list[Case], *, now: dt.datetime, cal: Any) -> list[DeadlineReminder]:
    """Of `cases`, the reminders due at `now`: "due tomorrow" from the opening of the working day before the deadline,
    "overdue" from the first working moment after it, to the staff member handling the case (the assignee, else the
    one who accepted it), if still active."""
    due = []
    for case in cases:
        kind = reminder_kind(case.due_at, now, cal, case.center.office_hours)
        staff = case.assignee if case.assignee is not None and case.assignee.is_active else case.accepted_by
        if kind is None or staff is None or not staff.is_active or case.due_at is None:
            continue
        stamp = timezone.localtime(case.due_at).strftime("%Y%m%d%H%M")
        due.append(DeadlineReminder(case, kind, staff, f"case:{case.pk}:{kind}:{stamp}:staff{staff.pk}"))
    return due


def case_send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic reminder sweep over cases whose clock runs (accepted, in progress, forwarded). Reads the cases
    within the horizon through the index and hands the due reminders over in chunks, so a run over a district does
    a bounded amount of work; returns how many cases were newly reminded of each kind."""
    now = now or timezone.now()
    cal = work_calendar()
    sent = {"near": 0, "overdue": 0}
    candidates = list(case_reminder_candidates(now=now))
    for start in range(0, len(candidates), REMINDER_CHUNK):
        due = reminders_due(candidates[start : start + REMINDER_CHUNK], now=now, cal=cal)
        if not due:
            continue
        for answer in call_listeners("BIANMIN_CASE_LISTENERS", "deadline_reminders", reminders=due):
            for kind, count in (answer or {}).items():
                sent[kind] += count
    return sent
