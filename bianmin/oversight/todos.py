"""Oversight rows of the to-do list (bianmin.core.todos), registered in OversightConfig.ready: accountability
candidates to decide (director), bad reviews to rectify (the rated staff member and the director), complaints
assigned for investigation with their reply deadlines (inspector)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.core.todos import TodoItems, TodoRow, Urgency, page_items, register_todo, since_text, urgency_of
from bianmin.org.access import has_role, scope_filter, staff_of
from bianmin.oversight.access import COMPLAINT_INVESTIGATORS, DECIDERS
from bianmin.oversight.models import Accountability, Complaint, Rating

TO_DECIDE = [Accountability.Status.CANDIDATE, Accountability.Status.APPEALED]


def accountability_to_decide(*, user: Any, limit: int) -> TodoItems:
    qs = (
        scope_filter(Accountability.objects.filter(status__in=TO_DECIDE), user, "center__path")
        .select_related("staff")
        .only("summary", "status", "created_at", "staff__name")
        .order_by("created_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda r: TodoRow(
            r.summary,
            reverse("oversight:accountability_detail", args=[r.pk]),
            Urgency.TODAY if r.status == Accountability.Status.APPEALED else Urgency.OPEN,
            None,
            f"{r.staff.name if r.staff else _('责任人待认定')} · {since_text(r.created_at)}",
        ),
    )


def _mine_or_decided_by_me(qs: QuerySet[Rating], user: Any) -> QuerySet[Rating]:
    """The director follows every bad review of the center; anyone else (inspectors and the district included, who
    only read them) has to do something only about their own."""
    if has_role(user, DECIDERS):
        return scope_filter(qs, user, "center__path")
    staff = staff_of(user)
    return qs.filter(staff=staff) if staff is not None else qs.none()


def ratings_to_rectify(*, user: Any, limit: int) -> TodoItems:
    """Bad reviews still without a rectification or a call-back, the nearest rectification deadline first."""
    now = timezone.now()
    qs = (
        _mine_or_decided_by_me(Rating.objects.filter(overall__lte=Rating.Level.DISSATISFIED, excluded=False), user)
        .filter(Q(rectified_at__isnull=True) | Q(callback_on__isnull=True))
        .select_related("case", "staff")
        .only("rectify_due_at", "rectified_at", "case__number", "case__item_name", "staff__name")
        .order_by("rectify_due_at", "id")
    )

    def row(r: Rating) -> TodoRow:
        detail = r.staff.name if r.staff else ""
        if r.rectified_at is not None:
            detail = _("待回访") + (f" · {detail}" if detail else "")
        return TodoRow(
            f"{r.case.number} {r.case.item_name}",
            reverse("oversight:rating_detail", args=[r.pk]),
            urgency_of(r.rectify_due_at, now=now) if r.rectified_at is None else Urgency.OPEN,
            r.rectify_due_at,
            detail,
        )

    return page_items(qs, limit=limit, row=row)


def complaints_assigned(*, user: Any, limit: int) -> TodoItems:
    """Complaints the user investigates and has not yet replied to, by reply deadline."""
    staff = staff_of(user)
    if staff is None:
        return TodoItems(0)
    now = timezone.now()
    qs = (
        Complaint.objects.filter(inspector=staff, replied_at__isnull=True)
        .only("created_at", "due_at", "content")
        .order_by("due_at", "id")
    )
    return page_items(
        qs,
        limit=limit,
        row=lambda c: TodoRow(
            f"{c.number} {Truncator(c.content).chars(30)}",
            reverse("oversight:complaint_detail", args=[c.pk]),
            urgency_of(c.due_at, now=now),
            c.due_at,
            _("答复期限"),
        ),
    )


def register() -> None:
    def label(text: str) -> str:
        return cast(str, gettext_lazy(text))

    register_todo(
        "accountability", accountability_to_decide, label=label("待确认的责任追究"),
        url_name="oversight:accountability_list", roles=DECIDERS, order=42,
    )  # fmt: skip
    register_todo("ratings", ratings_to_rectify, label=label("差评整改"), url_name="oversight:rating_list", order=43)
    register_todo(
        "complaints", complaints_assigned, label=label("交我调查的投诉"), url_name="oversight:complaint_list",
        roles=COMPLAINT_INVESTIGATORS, order=20,
    )  # fmt: skip
