"""Assigned tasks on the to-do list (bianmin.core.todos), registered in AssignmentsConfig.ready."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bianmin.assignments.models import AssignedTask
from bianmin.assignments.selectors import my_tasks
from bianmin.core.todos import TodoItems, TodoRow, page_items, register_todo, urgency_of


def assigned_tasks(*, user: Any, limit: int) -> TodoItems:
    """Open tasks the user answers for (reported done and awaiting confirmation is no longer theirs to do)."""
    now = timezone.now()
    qs = my_tasks(user=user).filter(status=AssignedTask.Status.OPEN)
    return page_items(
        qs,
        limit=limit,
        row=lambda t: TodoRow(
            f"{t.number} {t.title}",
            reverse("assignments:task_detail", args=[t.pk]),
            urgency_of(t.due_at, now=now),
            t.due_at,
            t.source_issuer,
        ),
    )


def register() -> None:
    label = cast(str, gettext_lazy("交办事项"))
    register_todo("assigned_tasks", assigned_tasks, label=label, url_name="assignments:tasks", order=30)
