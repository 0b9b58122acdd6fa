"""Writes of assigned tasks (交办事项, §8(2)3 and §8(2)6): register, progress, report done, confirm, return, cancel,
and the reminder sweep. Whoever must be told is told through settings.BIANMIN_ASSIGNMENT_LISTENERS (notify)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.assignments import deadlines, selectors
from bianmin.assignments.models import AssignedTask, AssignedTaskEvent
from bianmin.assignments.workflow import TASK
from bianmin.core.listeners import call_listeners
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.reminders import REMINDER_HORIZON, near_deadline_moment, overdue_notice_moment
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import CalendarError
from bianmin.org.models import OrgUnit, Staff, Window


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def can_transition(task: AssignedTask, to: str) -> bool:
    return TASK.can(task.status, to)


def _task_event(task: AssignedTask, *, actor: Any, verb: str, before: str = "", note: str = "", **data: Any) -> None:
    AssignedTaskEvent.objects.create(
        task=task,
        actor=_actor(actor),
        verb=verb,
        from_state=before,
        to_state=task.status if before else "",
        note=note,
        data=data,
    )


def _locked(task: AssignedTask) -> AssignedTask:
    return AssignedTask.objects.select_for_update().select_related("center").get(pk=task.pk)


def _task_url(task: AssignedTask) -> str:
    return reverse("assignments:task_detail", args=[task.pk])


def _task_context(task: AssignedTask, **extra: Any) -> dict[str, Any]:
    return {
        "task_number": task.number,
        "title": task.title,
        "due_at": task.due_at,
        "responsible": task.responsible_display,
        **extra,
    }


def _tell_staff(
    task: AssignedTask, people: list[Staff], *, template: str, key: str, sms: bool, actor: Any = None, **extra: Any
) -> int:
    """Tell each person of the task's fact `template` (in-app, and by SMS when `sms`), once per `key`, through the
    listeners in settings.BIANMIN_ASSIGNMENT_LISTENERS (notify turns the fact into messages, in this transaction);
    returns how many messages were new."""
    answers = call_listeners(
        "BIANMIN_ASSIGNMENT_LISTENERS",
        template,
        task=task,
        people=people,
        key=key,
        sms=sms,
        actor=actor,
        context=_task_context(task, **extra),
        url=_task_url(task),
    )
    return sum(answer for answer in answers if isinstance(answer, int))


def _check_in_scope(actor: Any, center: OrgUnit) -> None:
    from bianmin.org.access import MANAGERS, has_role, in_scope

    if not (has_role(actor, MANAGERS) and in_scope(actor, center)):
        raise PermissionDenied(_("只有本中心主任或系统管理员可以登记、确认交办事项。"))


@transaction.atomic
def assigned_task_create(
    *,
    center: OrgUnit,
    source: str,
    source_issuer: str,
    title: str,
    content: str,
    deadline_kind: str,
    actor: Any,
    source_reference: str = "",
    responsible_staff: Staff | None = None,
    responsible_window: Window | None = None,
    deadline_days: int | None = None,
    deadline_date: dt.date | None = None,
    assigned_at: dt.datetime | None = None,
) -> AssignedTask:
    """Register a task from a superior's document or phone call, or a leader's assignment, and tell whoever
    answers for it."""
    _check_in_scope(actor, center)
    errors: dict[str, str] = {}
    now = timezone.now()
    assigned_at = assigned_at or now
    if source not in AssignedTask.Source.values:
        errors["source"] = _("请选择交办来源。")
    if source == AssignedTask.Source.DOCUMENT and not source_reference.strip():
        errors["source_reference"] = _("上级文件交办的事项请填写文号。")
    if not source_issuer.strip():
        errors["source_issuer"] = _("请填写交办单位或领导。")
    if not title.strip():
        errors["title"] = _("请填写事项名称。")
    if not content.strip():
        errors["content"] = _("请填写内容和要求。")
    if responsible_staff is None and responsible_window is None:
        errors["responsible_staff"] = _("请指定责任人或责任窗口。")
    if responsible_staff is not None and not responsible_staff.org_unit.path.startswith(center.path):
        errors["responsible_staff"] = _("责任人不属于本中心。")
    if responsible_staff is not None and not responsible_staff.is_active:
        errors["responsible_staff"] = _("责任人已不在岗。")
    if responsible_window is not None and responsible_window.center_id != center.pk:
        errors["responsible_window"] = _("责任窗口不属于本中心。")
    if assigned_at > now + dt.timedelta(minutes=5):
        errors["assigned_at"] = _("交办时间不能晚于现在。")
    deadline = None
    if deadline_kind not in AssignedTask.DeadlineKind.values:
        errors["deadline_kind"] = _("请选择时限方式。")
    elif not errors.get("assigned_at"):
        try:
            deadline = deadlines.task_deadline(
                kind=deadline_kind,
                start=assigned_at,
                cal=work_calendar(),
                hours=center.office_hours,
                days=deadline_days,
                date=deadline_date,
            )
        except CalendarError as exc:
            field = "deadline_date" if deadline_kind == AssignedTask.DeadlineKind.DATE else "deadline_days"
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    assert deadline is not None  # noqa: S101 - set whenever there is no error

    year = timezone.localtime(assigned_at).year
    value = next_serial(scope=center.code, kind="assigned_task", year=year)
    prefix = f"{center.short_name or center.code}交办"
    task = AssignedTask.objects.create(
        center=center,
        number=format_serial(prefix=prefix, year=year, value=value, width=4),
        source=source,
        source_reference=source_reference.strip(),
        source_issuer=source_issuer.strip(),
        title=title.strip(),
        content=content.strip(),
        responsible_staff=responsible_staff,
        responsible_window=responsible_window,
        assigned_at=assigned_at,
        deadline_kind=deadline_kind,
        deadline_days=deadline_days if deadline_kind != AssignedTask.DeadlineKind.DATE else None,
        deadline_date=deadline_date if deadline_kind == AssignedTask.DeadlineKind.DATE else None,
        due_at=deadline.due,
        deadline_explain=deadline.explain(),
        created_by=_actor(actor),
    )
    _task_event(task, actor=actor, verb="create", before="", due_at=task.due_at.isoformat())
    _tell_staff(
        task,
        selectors.task_recipients(task=task),
        template="task_assigned",
        key=f"assigned_task:{task.pk}:assigned",
        sms=True,
        actor=actor,
    )
    return task


def _check_worker(actor: Any, task: AssignedTask) -> None:
    if not selectors.can_work_on_task(user=actor, task=task):
        raise PermissionDenied(_("您不是该事项的责任人。"))


@transaction.atomic
def assigned_task_progress(*, task: AssignedTask, note: str, actor: Any) -> AssignedTask:
    task = _locked(task)
    _check_worker(actor, task)
    if task.status != AssignedTask.Status.OPEN:
        raise ValidationError(_("该事项已报办结或已结束，不能再登记进展。"))
    if not note.strip():
        raise ValidationError({"note": _("请填写办理进展。")})
    _task_event(task, actor=actor, verb="progress", note=note.strip())
    return task


@transaction.atomic
def assigned_task_complete(*, task: AssignedTask, submitted: str, actor: Any, note: str = "") -> AssignedTask:
    """The responsible person reports the task done, with what was submitted (报送内容); the director confirms."""
    task = _locked(task)
    _check_worker(actor, task)
    if not can_transition(task, AssignedTask.Status.SUBMITTED):
        raise ValidationError(_("该事项当前状态不能报办结。"))
    if not submitted.strip():
        raise ValidationError({"submitted": _("请填写报送或完成的内容，例如报送的材料、报送对象和方式。")})
    before = task.status
    TASK.move(task, AssignedTask.Status.SUBMITTED, _("报办结"))
    task.completed_at = timezone.now()
    task.completed_by = _actor(actor)
    task.submitted = submitted.strip()
    task.save(update_fields=["status", "completed_at", "completed_by", "submitted"])
    _task_event(task, actor=actor, verb="complete", before=before, note=note.strip(), late=task.finished_late)
    directors = list(selectors.center_directors(center=task.center))
    _tell_staff(
        task,
        directors,
        template="task_submitted",
        key=f"assigned_task:{task.pk}:submitted:{task.completed_at.isoformat()}",
        sms=False,
        actor=actor,
    )
    return task


@transaction.atomic
def assigned_task_confirm(*, task: AssignedTask, actor: Any, note: str = "") -> AssignedTask:
    task = _locked(task)
    _check_in_scope(actor, task.center)
    if not can_transition(task, AssignedTask.Status.CONFIRMED):
        raise ValidationError(_("只有已报办结的事项才能确认。"))
    before = task.status
    TASK.move(task, AssignedTask.Status.CONFIRMED, _("确认办结"))
    task.confirmed_at = timezone.now()
    task.confirmed_by = _actor(actor)
    task.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    _task_event(task, actor=actor, verb="confirm", before=before, note=note.strip())
    return task


@transaction.atomic
def assigned_task_return(*, task: AssignedTask, reason: str, actor: Any) -> AssignedTask:
    """The director does not accept the reported completion: the task is open again (its deadline unchanged)."""
    task = _locked(task)
    _check_in_scope(actor, task.center)
    if task.status != AssignedTask.Status.SUBMITTED:
        raise ValidationError(_("只有已报办结的事项才能退回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    before = task.status
    returned_at = timezone.now()
    TASK.move(task, AssignedTask.Status.OPEN, _("退回"))
    task.completed_at = None
    task.completed_by = None
    task.save(update_fields=["status", "completed_at", "completed_by"])
    _task_event(task, actor=actor, verb="return", before=before, note=reason.strip())
    _tell_staff(
        task,
        selectors.task_recipients(task=task),
        template="task_returned",
        key=f"assigned_task:{task.pk}:returned:{returned_at.isoformat()}",
        sms=False,
        actor=actor,
        reason=reason.strip(),
    )
    return task


@transaction.atomic
def assigned_task_cancel(*, task: AssignedTask, reason: str, actor: Any) -> AssignedTask:
    task = _locked(task)
    _check_in_scope(actor, task.center)
    if not can_transition(task, AssignedTask.Status.CANCELLED):
        raise ValidationError(_("该事项已结束，不能撤销。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    before = task.status
    TASK.move(task, AssignedTask.Status.CANCELLED, _("撤销"))
    task.save(update_fields=["status"])
    _task_event(task, actor=actor, verb="cancel", before=before, note=reason.strip())
    return task


def assigned_task_send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic reminder sweep: "due tomorrow" from the opening of the working day before the deadline, and
    "overdue" from the first working moment after it, to whoever answers for the task (in-app and SMS) and,
    when overdue, to the center's director. Each reminder is sent once per task and deadline.

    Reads the open tasks due within the horizon (an open task overdue for longer is still reminded once), and skips
    at once those whose reminder of that kind is already recorded (one query), so a run costs little."""
    now = now or timezone.now()
    cal = work_calendar()
    sent = {"near": 0, "overdue": 0}
    open_tasks = list(
        AssignedTask.objects.filter(status=AssignedTask.Status.OPEN, due_at__lte=now + REMINDER_HORIZON)
        .select_related("center", "responsible_staff__user", "responsible_window")
        .order_by("due_at", "id")
    )
    reminded = set(
        AssignedTaskEvent.objects.filter(
            task_id__in=[task.pk for task in open_tasks], verb__in=["remind_near", "remind_overdue"]
        ).values_list("task_id", "verb")
    )
    for task in open_tasks:
        hours = task.center.office_hours
        stamp = timezone.localtime(task.due_at).strftime("%Y%m%d%H%M")
        if (task.pk, "remind_near" if task.due_at >= now else "remind_overdue") in reminded:
            continue
        with transaction.atomic():
            if task.due_at >= now:
                if now < near_deadline_moment(task.due_at, cal, hours):
                    continue
                new = _tell_staff(
                    task,
                    selectors.task_recipients(task=task, day=timezone.localdate(now)),
                    template="task_near_deadline",
                    key=f"assigned_task:{task.pk}:near:{stamp}",
                    sms=True,
                )
                kind = "near"
            else:
                if now < overdue_notice_moment(task.due_at, cal, hours):
                    continue
                new = _tell_staff(
                    task,
                    selectors.task_recipients(task=task, day=timezone.localdate(now)),
                    template="task_overdue",
                    key=f"assigned_task:{task.pk}:overdue:{stamp}",
                    sms=True,
                )
                new += _tell_staff(
                    task,
                    list(selectors.center_directors(center=task.center)),
                    template="task_overdue_director",
                    key=f"assigned_task:{task.pk}:overdue-director:{stamp}",
                    sms=False,
                )
                kind = "overdue"
            if new:
                _task_event(task, actor=None, verb=f"remind_{kind}", messages=new)
                sent[kind] += 1
    return sent
