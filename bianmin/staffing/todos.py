"""The director's staffing rows of the to-do list (bianmin.core.todos): leave to approve and unmanned-window records
to handle; registered in StaffingConfig.ready."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.core.todos import TodoItems, TodoRow, Urgency, page_items, register_todo, since_text, urgency_of
from bianmin.org.access import MANAGERS, scope_filter
from bianmin.staffing.models import Leave, UnmannedWindow


def leave_to_approve(*, user: Any, limit: int) -> TodoItems:
    """Requested leave in scope, the earliest start first (leave starting today is urgent)."""
    now = timezone.now()
    qs = (
        scope_filter(Leave.objects.filter(status=Leave.Status.REQUESTED), user, "center__path")
        .select_related("staff")
        .only("kind", "start", "end", "staff__name")
        .order_by("start", "id")
    )

    def row(leave: Leave) -> TodoRow:
        # Leave already begun is not "overdue": it still waits for a decision today.
        urgency = max(urgency_of(leave.start, now=now), Urgency.TODAY)
        span = f"{timezone.localtime(leave.start):%m-%d %H:%M}–{timezone.localtime(leave.end):%m-%d %H:%M}"
        return TodoRow(
            _("%(name)s %(kind)s") % {"name": leave.staff.name, "kind": leave.get_kind_display()},
            reverse("staffing:leave_detail", args=[leave.pk]),
            urgency,
            leave.start,
            span,
        )

    return page_items(qs, limit=limit, row=row)


def unmanned_windows(*, user: Any, limit: int) -> TodoItems:
    """Unmanned-window records nobody has handled yet (still unmanned ones first)."""
    qs = (
        scope_filter(UnmannedWindow.objects.filter(acknowledged_at__isnull=True), user, "center__path")
        .select_related("window")
        .only("started_at", "ended_at", "window__number", "window__name")
        .order_by("-started_at", "-id")
    )

    def row(record: UnmannedWindow) -> TodoRow:
        state = _("仍无人值守") if record.ended_at is None else _("已恢复，待处置")
        state = f"{since_text(record.started_at)} · {state}"
        return TodoRow(
            _("%(number)s号窗口 %(name)s") % {"number": record.window.number, "name": record.window.name},
            reverse("staffing:unmanned_list")
            + f"?month={timezone.localtime(record.started_at):%Y-%m}#unmanned-{record.pk}",
            Urgency.OVERDUE if record.ended_at is None else Urgency.TODAY,
            None,
            state,
        )

    return page_items(qs, limit=limit, row=row)


def register() -> None:
    def label(text: str) -> str:
        return cast(str, gettext_lazy(text))

    register_todo(
        "leave_to_approve", leave_to_approve, label=label("待审批的请假"), url_name="staffing:leave_list",
        roles=MANAGERS, order=40,
    )  # fmt: skip
    register_todo(
        "unmanned_windows", unmanned_windows, label=label("窗口无人值守"), url_name="staffing:unmanned_list",
        roles=MANAGERS, order=41, menu="staffing:board",
    )  # fmt: skip
