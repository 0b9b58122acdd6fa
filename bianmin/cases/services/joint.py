"""Joint cases (联办件, §4(4)): split into departments' tasks, tasks completed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import (
    Case,
    JointTask,
    Status,
)
from bianmin.cases.services._common import (
    TaskInput,
    _calendar,
    _event,
    _lock,
    _require_director,
    _staff,
    unaccounted_materials,
)
from bianmin.cases.services.handling import _complete
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import TASK, CaseStateError, move
from bianmin.catalog.models import Mode
from bianmin.core.workcalendar import WorkCalendar, end_of_working_day
from bianmin.org.models import Role, Staff

# --- joint cases (§4(4)) --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskDueRange:
    earliest: dt.date
    latest: dt.date | None  # None: the case's deadline has passed, so it no longer bounds its tasks
    default: dt.date


def task_due_range(case: Case, *, now: dt.datetime | None = None, cal: WorkCalendar | None = None) -> TaskDueRange:
    """The dates a joint task of `case` may be due on: from today to the case's deadline. Once the case is
    overdue its deadline is in the past, so its tasks are due from today on (the case stays late on record)."""
    now = now or timezone.now()
    cal = cal or _calendar()
    today = timezone.localtime(now).date()
    # The first working day whose office hours have not ended yet: a task can still be done by then.
    open_today = cal.is_workday(today) and end_of_working_day(today, cal, case.center.office_hours) > now
    first_workday = today if open_today else cal.next_workday(today)
    if case.due_at is None:
        return TaskDueRange(today, None, first_workday)
    if case.due_at < now:
        return TaskDueRange(today, None, first_workday)
    case_day = timezone.localtime(case.due_at).date()
    return TaskDueRange(today, case_day, case_day)


@transaction.atomic
def case_split(*, case: Case, actor: Any, tasks: Sequence[TaskInput]) -> list[JointTask]:
    """The director splits a joint case into department tasks, each due from today to the case's deadline (from
    today on when the case is already overdue)."""
    staff = _staff(actor)
    case = _lock(case)
    _require_director(staff, case, _("分派联办任务"))
    if case.mode != Mode.JOINT:
        raise ValidationError(_("只有联办件需要分派联办任务。"))
    if case.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能分派联办任务。") % {"status": case.get_status_display()}
        )
    if not tasks:
        raise ValidationError(_("请至少为一个部门分派任务。"))
    existing = set(JointTask.objects.filter(case=case).values_list("department_id", flat=True))
    cal = _calendar()
    hours = case.center.office_hours
    now = timezone.now()
    allowed = task_due_range(case, now=now, cal=cal)
    errors: list[str] = []
    created: list[JointTask] = []
    seen: set[int] = set()
    for task in tasks:
        dept = task.department
        if dept.pk in existing or dept.pk in seen:
            errors.append(_("%(dept)s已有联办任务。") % {"dept": dept.name})
            continue
        seen.add(dept.pk)
        if not cal.is_workday(task.due_date):
            errors.append(_("%(dept)s的完成期限不是工作日。") % {"dept": dept.name})
            continue
        due_at = end_of_working_day(task.due_date, cal, hours)
        if task.due_date < allowed.earliest:
            errors.append(_("%(dept)s的完成期限不能早于今天。") % {"dept": dept.name})
            continue
        if allowed.latest is not None and case.due_at is not None and due_at > case.due_at:
            errors.append(
                _("%(dept)s的完成期限不能晚于办件的办理期限（%(due)s）。")
                % {"dept": dept.name, "due": f"{allowed.latest:%Y-%m-%d}"}
            )
            continue
        if task.assignee is not None and task.assignee.department_id != dept.pk:
            errors.append(_("%(name)s不是%(dept)s的工作人员。") % {"name": task.assignee.name, "dept": dept.name})
            continue
        created.append(
            JointTask(
                case=case,
                department=dept,
                assignee=task.assignee,
                instructions=task.instructions.strip(),
                due_at=due_at,
                created_at=now,
            )
        )
    if errors:
        raise ValidationError(errors)
    JointTask.objects.bulk_create(created)
    previous = case.status
    if case.status == Status.ACCEPTED:
        move(case, Status.IN_PROGRESS, _("分派联办任务"))
        case.save()
    _event(
        case,
        actor,
        Verb.SPLIT,
        from_state=previous,
        to_state=case.status,
        data={
            "tasks": [
                {"department": t.department.name, "due": f"{timezone.localtime(t.due_at):%Y-%m-%d}"} for t in created
            ],
            # Split after the case's deadline had passed: the case's lateness stays on record.
            "case_overdue": allowed.latest is None and case.due_at is not None,
        },
    )
    return created


def can_work_task(staff: Staff, task: JointTask) -> bool:
    if task.assignee_id is not None and task.assignee_id == staff.pk:
        return True
    if staff.role == Role.HANDLER and staff.department_id == task.department_id:
        return True
    return staff.role == Role.DIRECTOR and task.case.center.path.startswith(staff.org_unit.path)


@transaction.atomic
def task_complete(*, task: JointTask, actor: Any, result: str) -> JointTask:
    """A department finishes its part; when the last part is done, the case completes (if its materials are
    accounted for; otherwise the window completes it after disposing of them)."""
    staff = _staff(actor)
    case = _lock(task.case)  # the case lock serializes the last two departments finishing at once
    task = JointTask.objects.select_for_update(of=("self",)).select_related("department").get(pk=task.pk, case=case)
    task.case = case
    if not can_work_task(staff, task):
        raise ValidationError(_("只有承办部门的经办人或中心主任可以办理该任务。"), code="task_role")
    if task.state == JointTask.State.DONE:
        raise CaseStateError(_("该联办任务已完成，无需重复办理。"))
    if case.status != Status.IN_PROGRESS:
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能办理联办任务。") % {"status": case.get_status_display()}
        )
    if not result.strip():
        raise ValidationError({"result": [_("请填写办理意见。")]})
    now = timezone.now()
    TASK.move(task, JointTask.State.DONE, _("完成联办任务"))
    task.result = result.strip()
    task.completed_by = staff
    task.completed_at = now
    task.save()
    _event(
        case,
        actor,
        Verb.TASK_COMPLETE,
        note=task.result,
        data={"department": task.department.name, "on_time": now <= task.due_at},
    )
    remaining = JointTask.objects.filter(case=case, state=JointTask.State.OPEN).exists()
    if not remaining:
        summary = "；".join(
            f"{t.department.name}：{t.result}"
            for t in JointTask.objects.filter(case=case).select_related("department").order_by("id")
        )
        if unaccounted_materials(case):
            _event(case, actor, Verb.TASK_COMPLETE, note=_("各承办部门均已完成；材料处置后由窗口办结。"))
        else:
            _complete(case, staff, actor, now, summary, note=_("各承办部门均已完成，办件办结"))
    return task
