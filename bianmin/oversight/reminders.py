"""Oversight's own deadlines reminded before and after they pass, like a case's: a complaint's reply deadline to its
inspector (§5(4)), a bad review's rectification deadline to the rated staff member and the center's directors.

The sweep hands the due reminders, as facts, to settings.BIANMIN_OVERSIGHT_LISTENERS (kind "deadline_reminders");
notify sends each in-app, once per item, deadline, kind and person, and answers which were new.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bianmin.core.listeners import call_listeners
from bianmin.core.reminders import REMINDER_CHUNK, REMINDER_HORIZON, StaffReminder, reminder_kind
from bianmin.core.selectors import work_calendar
from bianmin.org.models import Role, Staff
from bianmin.oversight.models import Complaint, Rating


def _tell(reminders: list[StaffReminder]) -> int:
    """How many of `reminders` were sent now (not before)."""
    if not reminders:
        return 0
    answers = call_listeners("BIANMIN_OVERSIGHT_LISTENERS", "deadline_reminders", reminders=reminders)
    return sum(sum(answer) for answer in answers if isinstance(answer, list))


def oversight_send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    cal = work_calendar()
    sent = {"complaints": 0, "rectifications": 0}
    window = {"due_at__gte": now - REMINDER_HORIZON, "due_at__lte": now + REMINDER_HORIZON}
    complaints = (
        Complaint.objects.filter(replied_at__isnull=True, inspector__isnull=False, **window)
        .exclude(status=Complaint.Status.REPLIED)
        .select_related("center", "inspector__user")
        .order_by("due_at", "id")[:REMINDER_CHUNK]
    )
    due: list[StaffReminder] = []
    for complaint in complaints:
        kind = reminder_kind(complaint.due_at, now, cal, complaint.center.office_hours)
        inspector = complaint.inspector
        if kind is None or inspector is None or not inspector.is_active or inspector.user_id is None:
            continue
        stamp = timezone.localtime(complaint.due_at).strftime("%Y%m%d%H%M")
        due.append(
            StaffReminder(
                key=f"complaint:{complaint.pk}:{kind}:{stamp}:staff{complaint.inspector_id}",
                template=f"complaint_reply_{kind}",
                context={"complaint_number": complaint.number, "due_at": complaint.due_at},
                user=inspector.user,
                url=reverse("oversight:complaint_detail", args=[complaint.pk]),
                center=complaint.center,
            )
        )
    sent["complaints"] = _tell(due)
    ratings = (
        Rating.objects.filter(
            overall__lte=Rating.Level.DISSATISFIED,
            excluded=False,
            rectify_due_at__gte=now - REMINDER_HORIZON,
            rectify_due_at__lte=now + REMINDER_HORIZON,
        )
        .filter(Q(rectified_at__isnull=True) | Q(callback_on__isnull=True))
        .select_related("center", "case", "staff__user")
        .order_by("rectify_due_at", "id")[:REMINDER_CHUNK]
    )
    directors: dict[int, list[Staff]] = {}
    for rating in ratings:
        kind = reminder_kind(rating.rectify_due_at, now, cal, rating.center.office_hours)
        if kind is None or rating.rectify_due_at is None:
            continue
        if rating.center_id not in directors:
            directors[rating.center_id] = list(
                Staff.objects.filter(org_unit_id=rating.center_id, role=Role.DIRECTOR, is_active=True).select_related(
                    "user"
                )
            )
        people = [rating.staff] if rating.staff is not None and rating.staff.is_active else []
        people += [d for d in directors[rating.center_id] if d.pk != rating.staff_id]
        stamp = timezone.localtime(rating.rectify_due_at).strftime("%Y%m%d%H%M")
        new = _tell(
            [
                StaffReminder(
                    key=f"rectification:{rating.pk}:{kind}:{stamp}:staff{person.pk}",
                    template=f"rectification_{kind}",
                    context={"case_number": rating.case.number, "due_at": rating.rectify_due_at},
                    user=person.user,
                    url=reverse("oversight:rating_detail", args=[rating.pk]),
                    center=rating.center,
                )
                for person in people
                if person.user_id is not None
            ]
        )
        sent["rectifications"] += bool(new)
    return sent
