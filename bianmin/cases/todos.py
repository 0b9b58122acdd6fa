"""The cases' rows of the to-do list (bianmin.core.todos), registered in CasesConfig.ready: cases the user holds
that are overdue or due today or tomorrow, cases handed to them to acknowledge, joint tasks, and (the director)
supplement requests awaiting sign-off. Two queries at most per kind, whatever the number of items."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.cases.access import PREREVIEW_ROLES
from bianmin.cases.models import Case, CaseHandover, Status, SupplementRequest
from bianmin.cases.selectors import open_tasks_of, task_department
from bianmin.core.todos import TodoItems, TodoRow, Urgency, page_items, register_todo, since_text, urgency_of
from bianmin.org.access import scope_filter, staff_of
from bianmin.org.models import Role

# Cases whose clock matters to the holder now (waiting on the applicant: paused; completed: only delivery left).
DUE_STATUSES = [Status.SUBMITTED, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED]
HANDLING = frozenset({Role.WINDOW, Role.HANDLER, Role.DIRECTOR})


def _case_url(number: str) -> str:
    return reverse("cases:detail", args=[number])


def cases_due(*, user: Any, limit: int, now: dt.datetime | None = None) -> TodoItems:
    staff = staff_of(user)
    if staff is None:
        return TodoItems(0)
    now = now or timezone.now()
    day_after_tomorrow = timezone.localdate(now) + dt.timedelta(days=2)
    horizon = timezone.make_aware(dt.datetime.combine(day_after_tomorrow, dt.time.min))
    qs: QuerySet[Case] = (
        Case.objects.filter(assignee=staff, status__in=DUE_STATUSES, due_at__lt=horizon)
        .only("number", "item_name", "applicant_name", "due_at")
        .order_by("due_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda c: TodoRow(
            f"{c.number} {c.item_name}", _case_url(c.number), urgency_of(c.due_at, now=now), c.due_at, c.applicant_name
        ),
    )


def handovers_to_acknowledge(*, user: Any, limit: int) -> TodoItems:
    staff = staff_of(user)
    if staff is None:
        return TodoItems(0)
    qs = (
        CaseHandover.objects.filter(to_staff=staff, acknowledged_at__isnull=True)
        .select_related("case", "from_staff")
        .only("created_at", "case__number", "case__item_name", "from_staff__name")
        .order_by("created_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda h: TodoRow(
            f"{h.case.number} {h.case.item_name}",
            _case_url(h.case.number) + "#pending-handover",
            Urgency.TODAY,
            None,
            _("%(name)s %(since)s 移交") % {"name": h.from_staff.name, "since": since_text(h.created_at)},
        ),
    )


def joint_tasks(*, user: Any, limit: int) -> TodoItems:
    staff = staff_of(user)
    if staff is None:
        return TodoItems(0)
    qs = (
        open_tasks_of(staff.pk, task_department(staff))
        .select_related("case", "department")
        .only("due_at", "case__number", "case__item_name", "department__name")
        .order_by("due_at", "id")
    )
    now = timezone.now()
    return page_items(
        qs,
        limit=limit,
        row=lambda t: TodoRow(
            f"{t.case.number} {t.case.item_name}",
            _case_url(t.case.number),
            urgency_of(t.due_at, now=now),
            t.due_at,
            t.department.name,
        ),
    )


def signoffs(*, user: Any, limit: int) -> TodoItems:
    qs = (
        scope_filter(SupplementRequest.objects.all(), user, "case__center__path")
        .filter(state=SupplementRequest.State.PENDING)
        .select_related("case", "requested_by")
        .only("requested_at", "case__number", "case__item_name", "requested_by__name")
        .order_by("requested_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda s: TodoRow(
            f"{s.case.number} {s.case.item_name}",
            _case_url(s.case.number),
            Urgency.TODAY,
            None,
            _("%(name)s %(since)s 提出") % {"name": s.requested_by.name, "since": since_text(s.requested_at)},
        ),
    )


def _label(text: str) -> str:
    # Labels stay lazy (translated when the home renders); the registry is typed for str.
    return cast(str, gettext_lazy(text))


def applications_to_prereview(*, user: Any, limit: int) -> TodoItems:
    """Online applications of the user's centers still to be pre-reviewed (网上预审)."""
    now = timezone.now()
    qs = (
        scope_filter(Case.objects.filter(submitted_online=True, status=Status.SUBMITTED), user, "center__path")
        .only("number", "item_name", "applicant_name", "due_at", "received_at")
        .order_by("received_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda c: TodoRow(
            f"{c.number} {c.item_name}",
            reverse("cases:online_detail", args=[c.number]),
            urgency_of(c.due_at, now=now),
            c.due_at,
            c.applicant_name,
        ),
    )


def register() -> None:
    register_todo(
        "online_prereview",
        applications_to_prereview,
        label=_label("网上申报待预审"),
        url_name="cases:online_list",
        roles=PREREVIEW_ROLES,
        order=16,
    )
    register_todo(
        "cases_due", cases_due, label=_label("临近时限的办件"), url_name="cases:workbench", roles=HANDLING, order=10
    )
    register_todo(
        "case_handovers",
        handovers_to_acknowledge,
        label=_label("待确认接收的办件"),
        url_name="cases:workbench",
        roles=HANDLING,
        order=11,
    )
    register_todo(
        "joint_tasks", joint_tasks, label=_label("联办任务"), url_name="cases:workbench", roles=HANDLING, order=12
    )
    register_todo(
        "signoffs", signoffs, label=_label("待签批的补报要求"), url_name="cases:director",
        roles=frozenset({Role.DIRECTOR}), order=13,
    )  # fmt: skip
