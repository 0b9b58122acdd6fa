"""Reads of assigned tasks (交办事项), scoped to the acting user."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from bianmin.assignments.models import AssignedTask
from bianmin.core.aggregates import Rows
from bianmin.core.compiled import CompiledRead
from bianmin.org.access import MANAGERS, has_role, in_scope, scope_filter, scope_path, staff_of
from bianmin.org.models import Post, Role, Staff
from bianmin.org.selectors import today

# Open first (nearest deadline first, so overdue ones lead), then awaiting confirmation, then finished.
_STATUS_ORDER = Case(
    When(status=AssignedTask.Status.OPEN, then=Value(0)),
    When(status=AssignedTask.Status.SUBMITTED, then=Value(1)),
    When(status=AssignedTask.Status.CONFIRMED, then=Value(2)),
    default=Value(3),
)


def _tasks() -> QuerySet[AssignedTask]:
    return AssignedTask.objects.select_related("center", "responsible_staff", "responsible_window")


def task_board(*, user: Any, status: str = "", overdue_only: bool = False) -> QuerySet[AssignedTask]:
    """The director's board: every task in the user's scope, overdue and nearest deadlines first."""
    qs = scope_filter(_tasks(), user, "center__path")
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status=AssignedTask.Status.OPEN, due_at__lt=timezone.now())
    return qs.order_by(_STATUS_ORDER, "due_at", "id")


def my_tasks(*, user: Any, include_finished: bool = False, day: dt.date | None = None) -> QuerySet[AssignedTask]:
    """Tasks the user answers for: named as responsible, or on a post of the responsible window today when the task
    names no person (a task for "a window and a person" is that person's; the window only says where)."""
    staff = staff_of(user)
    if staff is None:
        return AssignedTask.objects.none()
    windows = Post.objects.active_on(day or today()).filter(staff=staff).values("window_id")
    qs = _tasks().filter(Q(responsible_staff=staff) | Q(responsible_staff__isnull=True, responsible_window__in=windows))
    if not include_finished:
        qs = qs.filter(status__in=[AssignedTask.Status.OPEN, AssignedTask.Status.SUBMITTED])
    return qs.order_by("due_at", "id")


def task_in_scope(*, user: Any, task_id: int) -> AssignedTask:
    """One task the user may see (in scope, or one they answer for); Http404 otherwise."""
    from django.http import Http404

    try:
        task = _tasks().get(pk=task_id)
    except (AssignedTask.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if in_scope(user, task.center) or is_responsible(user=user, task=task):
        return task
    raise Http404


def task_events(*, task: AssignedTask) -> QuerySet[Any]:
    return task.events.select_related("actor__staff").order_by("created_at", "id")


def is_responsible(*, user: Any, task: AssignedTask, day: dt.date | None = None) -> bool:
    staff = staff_of(user)
    if staff is None:
        return False
    if task.responsible_staff_id is not None:
        return task.responsible_staff_id == staff.pk
    if task.responsible_window_id is None:
        return False
    return Post.objects.active_on(day or today()).filter(staff=staff, window_id=task.responsible_window_id).exists()


def can_manage_task(*, user: Any, task: AssignedTask) -> bool:
    return has_role(user, MANAGERS) and in_scope(user, task.center)


def can_work_on_task(*, user: Any, task: AssignedTask) -> bool:
    return can_manage_task(user=user, task=task) or is_responsible(user=user, task=task)


def task_recipients(*, task: AssignedTask, day: dt.date | None = None) -> list[Staff]:
    """Who is told about a task: the named staff member, or, when it names only a window, whoever holds a post on
    the window that day."""
    people: dict[int, Staff] = {}
    if task.responsible_staff_id and task.responsible_staff is not None:
        people[task.responsible_staff.pk] = task.responsible_staff
    elif task.responsible_window_id:
        posts = Post.objects.active_on(day or today()).filter(window_id=task.responsible_window_id)
        for post in posts.select_related("staff", "staff__user").order_by("kind", "id"):
            people.setdefault(post.staff.pk, post.staff)
    return [staff for staff in people.values() if staff.is_active]


def center_directors(*, center: Any) -> QuerySet[Staff]:
    return Staff.objects.filter(org_unit=center, role=Role.DIRECTOR, is_active=True).select_related("user")


def overdue_tasks(
    *, user: Any = None, as_of: dt.datetime | None = None, include_finished_late: bool = False
) -> QuerySet[AssignedTask]:
    """Tasks past their deadline (§8(3)(3)): still open after the deadline, and, if asked, those reported done
    only after it. `user=None` is the system (the accountability sweep) and sees every center."""
    moment = as_of or timezone.now()
    late = Q(status=AssignedTask.Status.OPEN, due_at__lt=moment)
    if include_finished_late:
        from django.db.models import F

        late |= Q(
            status__in=[AssignedTask.Status.SUBMITTED, AssignedTask.Status.CONFIRMED],
            completed_at__gt=F("due_at"),
        )
    qs = _tasks().filter(late)
    if user is not None:
        qs = scope_filter(qs, user, "center__path")
    return qs.order_by("due_at", "id")


def _overdue_panel(prefix: str, moment: dt.datetime, limit: int) -> QuerySet[AssignedTask]:
    late = _tasks().filter(status=AssignedTask.Status.OPEN, due_at__lt=moment, center__path__startswith=prefix)
    return late.order_by("due_at", "id")[:limit]


@functools.cache
def _overdue_panel_read(rows: int) -> CompiledRead:
    """The director board's panel, compiled once per process (`CompiledRead`) per number of rows shown."""
    return CompiledRead(lambda prefix, moment: _overdue_panel(prefix, moment, rows + 1))


def overdue_panel(*, user: Any, rows: int) -> tuple[list[AssignedTask], int]:
    """The first `rows` of `overdue_tasks(user=…)` and how many there are in all (counted only beyond `rows`)."""
    prefix = scope_path(user)
    if prefix is None:
        return [], 0
    now = timezone.now()
    tasks: list[AssignedTask] = _overdue_panel_read(rows).objects(prefix, now)
    if len(tasks) <= rows:
        return tasks, len(tasks)
    return tasks[:rows], overdue_tasks(user=user, as_of=now).count()


def my_task_summary(*, user: Any) -> dict[str, Any]:
    """For the workbench card: the user's open tasks (first few) and how many are overdue."""
    qs = my_tasks(user=user)
    tasks = list(qs[:5])
    now = timezone.now()
    counts = qs.aggregate(
        total=Rows(),
        overdue=Rows(Q(status=AssignedTask.Status.OPEN, due_at__lt=now)),
    )
    return {"tasks": tasks, "total": counts["total"], "overdue": counts["overdue"], "now": now}
