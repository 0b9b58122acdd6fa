from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.core.listeners import emit_after_commit
from bianmin.core.models import CalendarDay, Heartbeat, PeriodicRun
from bianmin.core.scheduling import PeriodicJob
from bianmin.core.selectors import invalidate_work_calendar
from bianmin.core.workcalendar import statutory_overrides

logger = logging.getLogger("bianmin.jobs")


def _notify_calendar_listeners(changed: list[dt.date], actor: Any) -> None:
    # Explicit, configured callers (e.g. cases recomputing due moments), not signals.
    for path in getattr(settings, "BIANMIN_CALENDAR_LISTENERS", []):
        import_string(path)(changed_dates=changed, actor=actor)
    transaction.on_commit(invalidate_work_calendar)
    invalidate_work_calendar()
    # After the invalidation above: the apps above (the hall's slots and bookings) read the new calendar.
    emit_after_commit("BIANMIN_CALENDAR_EVENT_LISTENERS", "calendar_changed", changed_dates=changed, actor=actor)


@transaction.atomic
def calendar_seed_statutory(*, years: Iterable[int], actor: Any = None) -> int:
    """Load China's statutory holidays and make-up working days for `years` from the holidays package.
    Idempotent; the administrator's own entries are left untouched and keep overriding."""
    years = sorted(set(years))
    wanted = {day: (rule.is_workday, rule.reason) for day, rule in statutory_overrides(years).items()}
    existing = {
        row.date: row for row in CalendarDay.objects.filter(source=CalendarDay.Source.PACKAGE, date__year__in=years)
    }
    changed: list[dt.date] = []
    for day, (is_workday, name) in sorted(wanted.items()):
        row = existing.pop(day, None)
        if row is None:
            CalendarDay.objects.create(date=day, source=CalendarDay.Source.PACKAGE, is_workday=is_workday, name=name)
            changed.append(day)
        elif (row.is_workday, row.name) != (is_workday, name):
            row.is_workday, row.name = is_workday, name
            row.save(update_fields=["is_workday", "name"])
            changed.append(day)
    for stale in existing.values():
        changed.append(stale.date)
        stale.delete()
    if changed:
        _notify_calendar_listeners(changed, actor)
    return len(changed)


@transaction.atomic
def calendar_day_set(*, day: dt.date, is_workday: bool, name: str, reason: str, actor: Any) -> CalendarDay:
    """The administrator notifies a special day (§6(2) 特殊情况另行通知); it overrides the statutory calendar."""
    if not name.strip():
        raise ValidationError({"name": _("请填写名称，例如“防汛值班”或“临时闭厅”。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调整原因。")})
    row, created = CalendarDay.objects.update_or_create(
        date=day,
        source=CalendarDay.Source.ADMIN,
        defaults={"is_workday": is_workday, "name": name.strip(), "reason": reason.strip(), "created_by": actor},
    )
    audit(
        actor=actor,
        target=row,
        verb="calendar_day_set",
        note=reason,
        data={"date": day.isoformat(), "is_workday": is_workday, "name": name, "created": created},
    )
    _notify_calendar_listeners([day], actor)
    return row


@transaction.atomic
def calendar_day_remove(*, row: CalendarDay, reason: str, actor: Any) -> None:
    if row.source != CalendarDay.Source.ADMIN:
        raise ValidationError(_("国家法定节假日安排不能删除；如需调整，请另行设置特殊日期。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    audit(actor=actor, target=row, verb="calendar_day_remove", note=reason, data={"date": row.date.isoformat()})
    day = row.date
    row.delete()
    _notify_calendar_listeners([day], actor)


@transaction.atomic
def personal_data_reveal(*, actor: Any, target: Any, field: str, reason: str) -> str:
    """The unmasked value of an encrypted field, for a caller that has already checked the actor's role.
    Every reveal is logged (who, what, why)."""
    from django.contrib.contenttypes.models import ContentType

    from bianmin.core.models import PersonalDataReveal

    if not reason.strip():
        raise ValidationError({"reason": _("查看完整个人信息须填写事由。")})
    PersonalDataReveal.objects.create(
        actor=actor,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        field=field,
        reason=reason.strip()[:200],
    )
    return str(getattr(target, field) or "")


def personal_data_viewed(*, actor: Any, target: Any) -> None:
    """Log that `actor` opened a page showing a citizen's name or masked identifiers of `target`: one insert into
    the access log (sealed into the audit chain later by `core.seal_access_log`), nothing else on the page's path."""
    from django.contrib.contenttypes.models import ContentType

    from bianmin.core.models import PersonalDataReveal

    if not getattr(actor, "is_authenticated", False):
        return
    # One plain INSERT, on every case page: the model's save path (no signals listen to this log) cost a third again
    # of the statement.
    alias = router.db_for_write(PersonalDataReveal)
    conn = connections[alias]
    now = conn.ops.adapt_datetimefield_value(timezone.now())
    with conn.cursor() as cursor:
        cursor.execute(
            _view_log_insert(alias), [actor.pk, ContentType.objects.get_for_model(target).pk, str(target.pk), now]
        )


@functools.lru_cache(maxsize=8)
def _view_log_insert(alias: str) -> str:
    from bianmin.core.models import PersonalDataReveal

    quote = connections[alias].ops.quote_name
    columns = ("actor_id", "content_type_id", "object_id", "field", "reason", "created_at")
    return "INSERT INTO {} ({}) VALUES (%s, %s, %s, '', '', %s)".format(  # noqa: S608 — names from the model
        quote(PersonalDataReveal._meta.db_table), ", ".join(quote(c) for c in columns)
    )


def export_logged(*, actor: Any, what: str, scope: Any = None, data: dict[str, Any] | None = None) -> None:
    """An export of citizens' or staff records leaves a row in the audit trail: who, what, for which unit (or, with
    no unit, the actor) and with which filters."""
    audit(actor=actor, target=scope if scope is not None else actor, verb="export", note=what, data=data)


# --- periodic runs -------------------------------------------------------------------------------------------


def periodic_run_claim(*, job: PeriodicJob, now: dt.datetime | None = None) -> PeriodicRun | None:
    """Claim this period of `job` by inserting its row; the inserter enqueues the run in the same transaction.
    Any other scheduler (or a second tick) gets None. Returns the claimed run."""
    from bianmin.core.tasks import run_periodic_job

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


def scheduler_tick(*, now: dt.datetime | None = None) -> list[PeriodicRun]:
    """One pass of the scheduler: claim (and so queue) the current period of every registered job that nobody has
    claimed yet, and put back tasks whose worker died."""
    from bianmin.core.scheduling import periodic_jobs

    now = now or timezone.now()
    claimed = [run for job in periodic_jobs() if (run := periodic_run_claim(job=job, now=now)) is not None]
    tasks_requeue_stale(now=now)
    heartbeat_record(kind=Heartbeat.Kind.SCHEDULER, now=now)
    return claimed


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat_record(
    *, kind: str, instance: str | None = None, detail: str = "", now: dt.datetime | None = None
) -> Heartbeat:
    """Say that a background process (this one, unless `instance` names another) is alive, or that a backup ended
    well. One row per instance, overwritten: several workers and schedulers do not contend for one row."""
    beat, _created = Heartbeat.objects.update_or_create(
        kind=kind,
        instance=instance or this_process(),
        defaults={"seen_at": now or timezone.now(), "detail": detail[:500]},
    )
    return beat


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
    # Processes gone for longer than `keep` (restarted with a new pid); the newest backup row is always kept.
    newest_backup = Heartbeat.objects.filter(kind=Heartbeat.Kind.BACKUP).order_by("-seen_at").first()
    gone = Heartbeat.objects.filter(seen_at__lt=cutoff)
    if newest_backup is not None:
        gone = gone.exclude(pk=newest_backup.pk)
    beats, _ = gone.delete()
    return runs + results + beats


# --- personal-data key rotation ------------------------------------------------------------------------------


@dataclass
class RotationProgress:
    label: str
    seen: int
    total: int
    rewritten: int


def personal_data_rotate(
    *, batch_size: int = 500, progress: Callable[[RotationProgress], None] | None = None
) -> dict[str, int]:
    """Re-encrypt every encrypted column under the first key and the configured cipher, and rebuild every blind
    index declared on it, in batches of `batch_size` rows (one transaction each, rows locked). A row already under
    the first key and cipher is skipped, so after an interruption a second run goes on where the first stopped.
    Answers, per model, how many rows were rewritten. A token no configured key decrypts stops the run with a
    ValidationError naming the row: add the old key to PERSONAL_DATA_KEYS and run again."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from bianmin.core.personal_data import blind_index, decrypt, encrypted_fields, is_current

    rewritten: dict[str, int] = {}
    for model, fields in encrypted_fields():
        label = model._meta.label
        manager = model._base_manager
        total = manager.count()
        raw = {f"_raw_{f.attname}": Cast(F(f.attname), output_field=TextField()) for f in fields}
        seen = changed = 0
        last_pk: Any = None
        while True:
            with transaction.atomic():
                qs = manager.order_by("pk")
                if last_pk is not None:
                    qs = qs.filter(pk__gt=last_pk)
                pks = list(qs.values_list("pk", flat=True)[:batch_size])
                if not pks:
                    break
                rows = manager.filter(pk__in=pks).select_for_update().annotate(**raw).values("pk", *raw)
                for row in rows:
                    tokens = {f: row[f"_raw_{f.attname}"] or "" for f in fields}
                    if all(not token or is_current(token) for token in tokens.values()):
                        continue
                    update: dict[str, Any] = {}
                    for field, token in tokens.items():
                        try:
                            plain = decrypt(token) if token else ""
                        except ValueError as exc:
                            raise ValidationError(
                                _("%(model)s #%(pk)s 的 %(field)s 无法用已配置的任何密钥解密，轮换已停止。")
                                % {"model": label, "pk": row["pk"], "field": field.name}
                            ) from exc
                        update[field.attname] = plain
                        if field.blind_index:
                            column, purpose = field.blind_index
                            update[column] = blind_index(plain, purpose=purpose) if plain else ""
                    manager.filter(pk=row["pk"]).update(**update)
                    changed += 1
                seen += len(pks)
                last_pk = pks[-1]
            if progress is not None:
                progress(RotationProgress(label=label, seen=seen, total=total, rewritten=changed))
        rewritten[label] = changed
    return rewritten
