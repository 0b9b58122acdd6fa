"""Writes of the notify app: notifications and their delivery, periodic runs, assigned tasks (交办事项)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.aggregates import Rows
from bianmin.core.identifiers import clean_phone
from bianmin.core.inserts import insert_rows
from bianmin.core.personal_data import mask_phone
from bianmin.notify import message_templates
from bianmin.notify.models import (
    Channel,
    Inbox,
    Notification,
    NotificationEvent,
)
from bianmin.notify.sms import SmsError, sms_backend
from bianmin.org.models import OrgUnit, Staff

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
    fresh: bool = False,
) -> Notification:
    """Record one message for one recipient on one channel, once per `key` and channel: a second call with the
    same key (a retry, another worker) returns the first message and sends nothing. In-app messages are delivered
    at once; SMS and e-mail go out through the background worker after the transaction commits.

    `fresh`: the caller vouches that the key cannot exist yet (it names a record created in the caller's open
    transaction): the message is written in that transaction with no savepoint and no check for a repeat."""
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
        fresh=fresh,
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
    fresh: bool = False,
) -> tuple[Notification, bool]:
    """`notification_send`, also telling whether this call created the message."""
    key = key.strip()
    if not key or len(key) > 200:
        raise ValueError("通知的事件标识不能为空，且不超过 200 个字符。")
    if channel not in Channel.values:
        raise ValueError(f"未知的通知渠道：{channel}")
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
    row = Notification(
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
    # The row is its own record of creation (who, when, template, channel, first state); its events record what
    # happens to it afterwards (delivered, retried, failed, read).
    if fresh and not transaction.get_autocommit():  # inside the caller's transaction, as `fresh` promises
        notification = _record(row, recipient_user if in_app else None)
    else:
        # No read first: the unique key answers whether the message was recorded already (a retry, another
        # worker), in a savepoint so that the caller's transaction goes on.
        try:
            with transaction.atomic():
                notification = _record(row, recipient_user if in_app else None)
        except IntegrityError:
            existing = Notification.objects.filter(key=key, channel=channel).first()
            if existing is None:  # another constraint: not a repeat
                raise
            return existing, False
    if not in_app:
        deliver_with_transaction(notification.pk)
    return notification, True


def _record(row: Notification, inbox_of: Any) -> Notification:
    insert_rows([row])
    if inbox_of is not None:
        _inbox_add(inbox_of.pk, 1)
    return row


def deliver_with_transaction(notification_id: int, *, run_after: dt.datetime | None = None) -> None:
    """Queue a message's delivery once the open transaction commits. With the database task queue (settings.TASKS)
    on the message's own database, the job's row is written in that transaction: it commits with the message (one
    commit, not two, and never a message committed without its job) and no worker sees it before. Any other queue
    is told after the commit, since it cannot take back a job the transaction then rolls back."""
    using = router.db_for_write(Notification)
    if not transaction.get_autocommit(using) and _queue_in_database(using):
        enqueue_delivery(notification_id, run_after=run_after)
    else:
        transaction.on_commit(lambda: enqueue_delivery(notification_id, run_after=run_after), using=using)


def _queue_in_database(using: str) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from bianmin.notify.tasks import deliver_notification

    backend = deliver_notification.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == using


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
                deliver_with_transaction(notification.pk, run_after=next_at)
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
        if notification.channel == Channel.IN_APP:
            _inbox_add(actor.pk, -updated)
    return bool(updated)


@transaction.atomic
def notification_mark_all_read(*, actor: Any, ids: list[int] | None = None) -> int:
    """The actor's unread in-app messages marked read, all of them or those of `ids` (someone else's message in
    `ids` is left alone, as a missing one): one update and one event per message, as when marked one by one."""
    unread_qs = Notification.objects.filter(recipient_user=actor, channel=Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        unread_qs = unread_qs.filter(pk__in=ids)
    unread = list(unread_qs.values_list("pk", flat=True))
    if not unread:
        return 0
    marked = Notification.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=timezone.now())
    NotificationEvent.objects.bulk_create(
        [NotificationEvent(notification_id=pk, actor=_actor(actor), verb="read") for pk in unread]
    )
    _inbox_add(actor.pk, -marked)
    return len(unread)


# --- the bell's count ---


def _live_unread(user_id: int) -> int:
    return Notification.objects.filter(recipient_user_id=user_id, channel=Channel.IN_APP, read_at__isnull=True).count()


def _inbox_add(user_id: int, change: int) -> None:
    """The user's unread count moved by `change` (in the caller's transaction, under the row's lock, so concurrent
    senders and readers each count once). A user without a row gets one with the count of their messages, which
    already includes the caller's change."""
    if not change:
        return
    if Inbox.objects.filter(user_id=user_id).update(unread=Greatest(F("unread") + change, 0)):
        return
    try:
        with transaction.atomic():
            Inbox.objects.create(user_id=user_id, unread=_live_unread(user_id))
    except IntegrityError:  # another transaction created it first: count on it
        Inbox.objects.filter(user_id=user_id).update(unread=Greatest(F("unread") + change, 0))


def inbox_recount() -> int:
    """Every user's unread count recounted from the messages (`manage.py notify_recount_inboxes`; after a restore
    or an edit outside the services). Returns how many counts were wrong."""
    live = dict(
        Notification.objects.filter(channel=Channel.IN_APP, read_at__isnull=True, recipient_user__isnull=False)
        .values("recipient_user")
        .annotate(n=Rows())
        .values_list("recipient_user", "n")
    )
    wrong = 0
    with transaction.atomic():
        for inbox in Inbox.objects.select_for_update().order_by("user_id"):
            right = live.pop(inbox.user_id, 0)
            if inbox.unread != right:
                Inbox.objects.filter(user_id=inbox.user_id).update(unread=right)
                wrong += 1
        Inbox.objects.bulk_create([Inbox(user_id=user_id, unread=n) for user_id, n in live.items()])
    return wrong + len(live)
