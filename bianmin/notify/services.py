"""Writes of the notify app: notifications and their delivery, periodic runs, assigned tasks (交办事项)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import traceback
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from bianmin.core.identifiers import clean_phone
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import mask_phone
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import CalendarError
from bianmin.notify import deadlines, message_templates, selectors
from bianmin.notify.models import (
    AssignedTask,
    AssignedTaskEvent,
    Channel,
    Notification,
    NotificationEvent,
    PeriodicRun,
)
from bianmin.notify.scheduling import PeriodicJob
from bianmin.notify.sms import SmsError, sms_backend
from bianmin.org.models import OrgUnit, Staff, Window

logger = logging.getLogger("bianmin.notify")

MAX_BACKOFF = dt.timedelta(hours=2)


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- notifications -------------------------------------------------------------------------------------------


def _staff_of_user(user: Any) -> Staff | None:
    if user is None:
        return None
    return Staff.objects.select_related("org_unit").filter(user=user).first()


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _center_of_staff(staff: Staff | None) -> OrgUnit | None:
    if staff is None:
        return None
    from bianmin.org.selectors import center_of

    return center_of(staff.org_unit)


def notification_send(
    *,
    key: str,
    channel: str,
    template: str,
    context: Mapping[str, Any],
    recipient_user: Any = None,
    recipient_phone: str | None = None,
    actor: Any = None,
    url: str = "",
    center: OrgUnit | None = None,
) -> Notification:
    """Record one message for one recipient on one channel, once per `key` and channel: a second call with the
    same key (a retry, another worker) returns the first message and sends nothing. In-app messages are delivered
    at once; SMS and e-mail go out through the background worker after the transaction commits."""
    notification, _created = notification_send_once(
        key=key,
        channel=channel,
        template=template,
        context=context,
        recipient_user=recipient_user,
        recipient_phone=recipient_phone,
        actor=actor,
        url=url,
        center=center,
    )
    return notification


def notification_send_once(
    *,
    key: str,
    channel: str,
    template: str,
    context: Mapping[str, Any],
    recipient_user: Any = None,
    recipient_phone: str | None = None,
    actor: Any = None,
    url: str = "",
    center: OrgUnit | None = None,
) -> tuple[Notification, bool]:
    """`notification_send`, also telling whether this call created the message."""
    key = key.strip()
    if not key or len(key) > 200:
        raise ValueError("通知的事件标识不能为空，且不超过 200 个字符。")
    if channel not in Channel.values:
        raise ValueError(f"未知的通知渠道：{channel}")
    existing = Notification.objects.filter(key=key, channel=channel).first()
    if existing is not None:
        return existing, False

    title, body = message_templates.render(message_templates.get_template(template), context)
    staff = _staff_of_user(recipient_user)
    phone = ""
    if channel == Channel.SMS:
        if recipient_phone:
            phone = clean_phone(recipient_phone)
            display = mask_phone(phone)
        elif recipient_user is not None:
            display = mask_phone(staff.phone) if staff and staff.phone else _("（未登记手机号码）")
        else:
            raise ValueError("短信通知需要接收人或手机号码。")
    elif recipient_user is None:
        raise ValueError("站内消息和电子邮件需要接收人账号。")
    elif channel == Channel.EMAIL:
        display = _mask_email(recipient_user.email) if recipient_user.email else _("（未登记电子邮箱）")
    else:
        display = staff.name if staff else recipient_user.get_username()
    if center is None:
        center = _center_of_staff(staff)

    now = timezone.now()
    in_app = channel == Channel.IN_APP
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    key=key,
                    channel=channel,
                    template=template,
                    recipient_user=recipient_user,
                    phone=phone,
                    to_display=display[:100],
                    center=center,
                    title=title[:100],
                    body=body,
                    url=url[:300],
                    status=Notification.Status.SENT if in_app else Notification.Status.PENDING,
                    sent_at=now if in_app else None,
                    next_attempt_at=now,
                    created_by=_actor(actor),
                )
        except IntegrityError:
            # Another transaction recorded the same event first: that one is the message.
            return Notification.objects.get(key=key, channel=channel), False
        NotificationEvent.objects.create(
            notification=notification,
            actor=_actor(actor),
            verb="create",
            to_state=notification.status,
            data={"template": template, "channel": channel},
        )
        if not in_app:
            transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification, True


def enqueue_delivery(notification_id: int, *, run_after: dt.datetime | None = None) -> None:
    from bianmin.notify.tasks import deliver_notification

    task = deliver_notification.using(run_after=run_after) if run_after else deliver_notification
    task.enqueue(notification_id)


def _backoff(attempts: int) -> dt.timedelta:
    base = dt.timedelta(seconds=settings.BIANMIN_SMS_RETRY_BASE_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _resolve_address(notification: Notification) -> str:
    if notification.channel == Channel.SMS:
        if notification.phone:
            return notification.phone
        if notification.recipient_user_id is None:
            return ""
        staff = Staff.objects.filter(user_id=notification.recipient_user_id).first()
        return staff.phone if staff and staff.phone else ""
    user = notification.recipient_user
    return user.email if user is not None and user.email else ""


def _finish(notification: Notification, token: str, *, status: str, error: str = "", **fields: Any) -> bool:
    """Record the outcome, but only if this worker still holds the message."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=Notification.Status.SENDING, claim_token=token
        ).update(status=status, last_error=error[:500], claimed_until=None, **fields)
        if updated:
            NotificationEvent.objects.create(
                notification=notification,
                verb={"sent": "deliver", "pending": "retry", "failed": "fail", "skipped": "skip"}[status],
                from_state=Notification.Status.SENDING,
                to_state=status,
                note=error[:500],
                data={"attempt": notification.attempts},
            )
    if not updated:
        logger.warning("通知 %s 的发送结果未记录：已由其他进程接手。", notification.pk)
    return bool(updated)


def notification_deliver(*, notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one SMS or e-mail. Claimed first by a conditional UPDATE, so of several workers only one sends; the
    claim is a lease, so a message held by a worker that was killed is taken over when the lease runs out.
    Failures are retried with exponential backoff up to BIANMIN_SMS_MAX_ATTEMPTS."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        Notification.objects.filter(pk=notification_id, channel__in=[Channel.SMS, Channel.EMAIL])
        .filter(
            Q(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Notification.Status.SENDING, claimed_until__lt=now)
        )
        .update(
            status=Notification.Status.SENDING,
            claim_token=token,
            claimed_until=now + dt.timedelta(seconds=settings.BIANMIN_NOTIFY_SEND_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return "not-due"
    notification = Notification.objects.select_related("recipient_user").get(pk=notification_id)
    if notification.channel == Channel.EMAIL and not settings.BIANMIN_EMAIL_ENABLED:
        _finish(notification, token, status=Notification.Status.SKIPPED, error=_("未配置电子邮件发送。"))
        return "skipped"
    address = _resolve_address(notification)
    if not address:
        missing = _("未登记手机号码。") if notification.channel == Channel.SMS else _("未登记电子邮箱。")
        _finish(notification, token, status=Notification.Status.SKIPPED, error=missing)
        return "skipped"

    # Unique per message and stable across attempts, so a gateway that deduplicates drops a repeat.
    reference = f"BM{notification.pk}-{hashlib.sha1(notification.key.encode(), usedforsecurity=False).hexdigest()[:8]}"
    try:
        if notification.channel == Channel.SMS:
            sms_backend().send(phone=address, text=notification.body, reference=reference)
        else:
            send_mail(notification.title, notification.body, None, [address], fail_silently=False)
    except Exception as exc:
        retryable = exc.retryable if isinstance(exc, SmsError) else True
        # Gateways echo numbers and addresses in their errors; the record keeps only the masked form.
        error = (str(exc) or type(exc).__name__).replace(address, notification.to_display)
        if retryable and notification.attempts < settings.BIANMIN_SMS_MAX_ATTEMPTS:
            next_at = timezone.now() + _backoff(notification.attempts)
            if _finish(notification, token, status=Notification.Status.PENDING, error=error, next_attempt_at=next_at):
                transaction.on_commit(lambda: enqueue_delivery(notification.pk, run_after=next_at))
            logger.warning(
                "通知 %s（%s）第 %s 次发送失败，将于 %s 重试：%s",
                notification.pk,
                notification.to_display,
                notification.attempts,
                next_at,
                error,
            )
            return "retry"
        _finish(notification, token, status=Notification.Status.FAILED, error=error)
        logger.error("通知 %s（%s）发送失败：%s", notification.pk, notification.to_display, error)
        return "failed"
    _finish(notification, token, status=Notification.Status.SENT, sent_at=timezone.now())
    return "sent"


def notification_requeue_stale(*, now: dt.datetime | None = None, grace: dt.timedelta | None = None) -> int:
    """Queue again every message that should have gone out but has no delivery job waiting: its job was lost, or
    the worker sending it died (its lease ran out). Delivery is idempotent, so an extra job does no harm."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from bianmin.notify.tasks import deliver_notification

    now = now or timezone.now()
    grace = grace if grace is not None else dt.timedelta(minutes=2)
    due = list(
        Notification.objects.filter(
            Q(status=Notification.Status.PENDING, next_attempt_at__lte=now - grace)
            | Q(status=Notification.Status.SENDING, claimed_until__lt=now)
        ).values_list("pk", flat=True)[:1000]
    )
    if not due:
        return 0
    waiting = set()
    for args_kwargs in DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path=deliver_notification.module_path,
    ).values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args:
            waiting.add(args[0])
    lost = [pk for pk in due if pk not in waiting]
    for pk in lost:
        enqueue_delivery(pk)
    if lost:
        logger.warning("重新排队 %s 条未送出的通知。", len(lost))
    return len(lost)


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: Any) -> bool:
    if notification.recipient_user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只能标记本人的消息。"))
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    if updated:
        NotificationEvent.objects.create(notification=notification, actor=_actor(actor), verb="read")
    return bool(updated)


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    unread = list(
        Notification.objects.filter(recipient_user=actor, channel=Channel.IN_APP, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not unread:
        return 0
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    NotificationEvent.objects.bulk_create(
        [NotificationEvent(notification_id=pk, actor=_actor(actor), verb="read") for pk in unread]
    )
    return len(unread)


# --- periodic runs -------------------------------------------------------------------------------------------


def periodic_run_claim(*, job: PeriodicJob, now: dt.datetime | None = None) -> PeriodicRun | None:
    """Claim this period of `job` by inserting its row; the inserter enqueues the run in the same transaction.
    Any other scheduler (or a second tick) gets None. Returns the claimed run."""
    from bianmin.notify.tasks import run_periodic_job

    start, key = job.period(now or timezone.now())
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(job=job.name, period_key=key, func_path=job.func_path, scheduled_for=start)
            # Same database, same transaction: the run is queued if and only if its row exists.
            run_periodic_job.enqueue(run.pk)
    except IntegrityError:
        return None
    return run


def periodic_run_execute(*, run_id: int) -> str:
    """Run a claimed period of a job. Idempotent: a run already succeeded is not run again; one left running by a
    killed worker is run again when its task is re-queued."""
    run = PeriodicRun.objects.filter(pk=run_id).first()
    if run is None or run.status == PeriodicRun.Status.SUCCEEDED:
        return "done"
    PeriodicRun.objects.filter(pk=run.pk).update(
        status=PeriodicRun.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error=""
    )
    try:
        result = import_string(run.func_path)()
    except Exception as exc:
        logger.exception("定时任务 %s（%s）失败", run.job, run.period_key)
        PeriodicRun.objects.filter(pk=run.pk).update(
            status=PeriodicRun.Status.FAILED,
            finished_at=timezone.now(),
            error="".join(traceback.format_exception_only(exc)).strip()[-4000:],
        )
        return "failed"
    PeriodicRun.objects.filter(pk=run.pk).update(
        status=PeriodicRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        result=("" if result is None else str(result))[:500],
    )
    return "succeeded"


def tasks_requeue_stale(*, now: dt.datetime | None = None, lease: dt.timedelta | None = None) -> int:
    """Put back in the queue the project's tasks still marked running long after they started: their worker died
    (killed, machine lost). Every task here is idempotent, so running one again is safe."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    lease = lease if lease is not None else dt.timedelta(seconds=settings.BIANMIN_TASK_LEASE_SECONDS)
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - lease, task_path__startswith="bianmin."
    )
    count = 0
    for pk, started_at in stale.values_list("pk", "started_at")[:1000]:
        count += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at).update(
            status=TaskResultStatus.READY
        )
    if count:
        logger.warning("重新排队 %s 个中断的后台任务。", count)
    return count


# --- assigned tasks (交办事项) ---------------------------------------------------------------------------------

TASK_TRANSITIONS: dict[str, set[str]] = {
    AssignedTask.Status.OPEN: {AssignedTask.Status.SUBMITTED, AssignedTask.Status.CANCELLED},
    AssignedTask.Status.SUBMITTED: {
        AssignedTask.Status.CONFIRMED,
        AssignedTask.Status.OPEN,
        AssignedTask.Status.CANCELLED,
    },
    AssignedTask.Status.CONFIRMED: set(),
    AssignedTask.Status.CANCELLED: set(),
}


def can_transition(task: AssignedTask, to: str) -> bool:
    return to in TASK_TRANSITIONS.get(task.status, set())


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
    from django.urls import reverse

    return reverse("notify:task_detail", args=[task.pk])


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
    """In-app (and SMS) to each person, once per `key`; returns how many messages were new."""
    created = 0
    channels = [Channel.IN_APP, Channel.SMS] if sms else [Channel.IN_APP]
    for staff in people:
        for channel in channels:
            _, new = notification_send_once(
                key=f"{key}:staff{staff.pk}",
                channel=channel,
                template=template,
                context=_task_context(task, **extra),
                recipient_user=staff.user,
                actor=actor,
                url=_task_url(task),
                center=task.center,
            )
            created += new
    return created


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
    task.status = AssignedTask.Status.SUBMITTED
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
    task.status = AssignedTask.Status.CONFIRMED
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
    task.status = AssignedTask.Status.OPEN
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
    task.status = AssignedTask.Status.CANCELLED
    task.save(update_fields=["status"])
    _task_event(task, actor=actor, verb="cancel", before=before, note=reason.strip())
    return task


# Reminders look this far back and ahead of now: enough for the longest holiday between a deadline and the working
# moment its reminder is due (Spring Festival, National Day), so the sweep reads a bounded slice of the data.
REMINDER_HORIZON = dt.timedelta(days=15)
REMINDER_CHUNK = 500


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
                if now < deadlines.near_deadline_moment(task.due_at, cal, hours):
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
                if now < deadlines.overdue_notice_moment(task.due_at, cal, hours):
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


def _case_reminder_targets(case: Any, now: dt.datetime, cal: Any) -> str | None:
    """ "near" from the opening of the working day before the deadline, "overdue" from the first working moment
    after it, None in between (too early) or for a case with no deadline."""
    if case.due_at is None:
        return None
    hours = case.center.office_hours
    if case.due_at >= now:
        return "near" if now >= deadlines.near_deadline_moment(case.due_at, cal, hours) else None
    return "overdue" if now >= deadlines.overdue_notice_moment(case.due_at, cal, hours) else None


def case_reminder_candidates(*, now: dt.datetime) -> QuerySet[Any]:
    """Cases whose clock runs and whose deadline lies within the horizon of `now`, for the reminder sweep. One
    index range per center (case_center_status_due_idx: center, status, due_at); the applicant's encrypted fields
    are not read (nor decrypted) for a reminder to staff."""
    from bianmin.cases.models import CLOCK_RUNNING, Case

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


def case_send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic reminder sweep over cases whose clock runs (accepted, in progress, forwarded): "due tomorrow"
    on the working day before the deadline and "overdue" after it, to the staff member handling the case (in-app,
    and by SMS when settings.BIANMIN_CASE_REMINDER_SMS is on). Once per case, deadline, kind and person: a moved
    deadline (a supplement paused the clock, the calendar changed) is reminded again.

    Reads the cases within the horizon through the index (`case_reminder_candidates`) and checks the keys already
    sent in one query per chunk, so a run over a district does a bounded amount of work."""
    now = now or timezone.now()
    cal = work_calendar()
    sent = {"near": 0, "overdue": 0}
    candidates = list(case_reminder_candidates(now=now))
    channels = [Channel.IN_APP, Channel.SMS] if settings.BIANMIN_CASE_REMINDER_SMS else [Channel.IN_APP]
    for start in range(0, len(candidates), REMINDER_CHUNK):
        due: list[tuple[Any, str, Staff, str]] = []
        for case in candidates[start : start + REMINDER_CHUNK]:
            kind = _case_reminder_targets(case, now, cal)
            staff = case.assignee if case.assignee is not None and case.assignee.is_active else case.accepted_by
            if kind is None or staff is None or not staff.is_active:
                continue
            stamp = timezone.localtime(case.due_at).strftime("%Y%m%d%H%M")
            due.append((case, kind, staff, f"case:{case.pk}:{kind}:{stamp}:staff{staff.pk}"))
        if not due:
            continue
        done = set(
            Notification.objects.filter(key__in=[key for *_, key in due], channel=Channel.IN_APP).values_list(
                "key", flat=True
            )
        )
        for case, kind, staff, key in due:
            if key in done:
                continue
            new = 0
            for channel in channels:
                _, created = notification_send_once(
                    key=key,
                    channel=channel,
                    template="case_near_deadline" if kind == "near" else "case_overdue",
                    context={"case_number": case.number, "item": case.item_name, "due_at": case.due_at},
                    recipient_user=staff.user,
                    url=_case_url(case),
                    center=case.center,
                )
                new += created
            if new:
                sent[kind] += 1
    return sent


def _case_url(case: Any) -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[case.number])


def scheduler_tick(*, now: dt.datetime | None = None) -> list[PeriodicRun]:
    """One pass of the scheduler: claim (and so queue) the current period of every registered job that nobody has
    claimed yet, and put back tasks whose worker died."""
    from bianmin.notify.scheduling import periodic_jobs

    now = now or timezone.now()
    claimed = [run for job in periodic_jobs() if (run := periodic_run_claim(job=job, now=now)) is not None]
    tasks_requeue_stale(now=now)
    return claimed


def job_records_prune(*, now: dt.datetime | None = None, keep: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete finished periodic runs and finished background-task rows older than `keep`. Messages
    (Notification) are kept: they are the record of what was sent to whom."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - keep
    runs, _ = PeriodicRun.objects.filter(
        status__in=[PeriodicRun.Status.SUCCEEDED, PeriodicRun.Status.FAILED], finished_at__lt=cutoff
    ).delete()
    results, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    return runs + results
