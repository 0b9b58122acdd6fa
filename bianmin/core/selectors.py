from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.aggregates import Rows
from bianmin.core.models import AuditEvent, CalendarDay, Heartbeat, PeriodicRun, PersonalDataReveal
from bianmin.core.scheduling import PeriodicJob, periodic_jobs
from bianmin.core.workcalendar import DayRule, WorkCalendar

CALENDAR_VERSION_KEY = "bianmin:calendar-version"
# How long a worker thread trusts the calendar it holds before asking the shared cache whether another process has
# changed it: a closed day reaches every worker within this, and a page that works out deadlines does not pay a cache
# round trip each time. A change made in this process is seen at once (`invalidate_work_calendar`).
CALENDAR_RECHECK_SECONDS = 1.0
_local = threading.local()
_changed_here = [0]  # bumped by each invalidation in this process


def calendar_days(*, year: int | None = None) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.select_related("created_by")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def build_work_calendar(rows: list[CalendarDay]) -> WorkCalendar:
    """Notified special days (admin) override the statutory arrangement (package) for the same date."""
    overrides: dict[dt.date, DayRule] = {}
    for row in sorted(rows, key=lambda r: (r.date, r.source != CalendarDay.Source.PACKAGE)):
        reason = f"{row.name}：{row.reason}" if row.reason else row.name
        overrides[row.date] = DayRule(row.is_workday, reason, row.source)
    return WorkCalendar(overrides, tz=timezone.get_default_timezone())


def work_calendar() -> WorkCalendar:
    """The working calendar, rebuilt only when a calendar service has bumped the shared version (asked of the shared
    cache at most every CALENDAR_RECHECK_SECONDS)."""
    held = getattr(_local, "calendar", None)
    now = time.monotonic()
    if held is not None and held[2] == _changed_here[0] and now - held[3] < CALENDAR_RECHECK_SECONDS:
        return held[1]
    version = cache.get(CALENDAR_VERSION_KEY)
    if version is None:
        version = timezone.now().timestamp()
        cache.add(CALENDAR_VERSION_KEY, version, timeout=None)
        version = cache.get(CALENDAR_VERSION_KEY, version)
    changed = _changed_here[0]
    if held is not None and held[0] == version and held[2] == changed:
        calendar = held[1]
    else:
        calendar = build_work_calendar(list(CalendarDay.objects.all()))
    _local.calendar = (version, calendar, changed, now)
    return calendar


def invalidate_work_calendar() -> None:
    cache.set(CALENDAR_VERSION_KEY, timezone.now().timestamp(), timeout=None)
    _changed_here[0] += 1  # every thread of this process rebuilds on its next call
    _local.calendar = None


# --- periodic jobs and the background queue ---


@dataclass
class JobHealth:
    job: PeriodicJob
    last: PeriodicRun | None
    last_success_at: dt.datetime | None
    late: bool


@dataclass
class QueueHealth:
    ready: int = 0
    scheduled: int = 0
    running: int = 0
    failed_recent: int = 0
    oldest_ready_at: dt.datetime | None = None


@dataclass
class Health:
    jobs: list[JobHealth]
    queue: QueueHealth
    unknown_jobs: list[str] = field(default_factory=list)


def jobs_health(*, now: dt.datetime | None = None) -> Health:
    """The periodic jobs (last run, last success, late or not) and the background queue's depth."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    jobs = periodic_jobs()
    per_job = {
        row["job"]: row
        for row in PeriodicRun.objects.values("job").annotate(
            last_id=Max("id"),
            last_success=Max("finished_at", filter=Q(status=PeriodicRun.Status.SUCCEEDED)),
        )
    }
    runs = PeriodicRun.objects.in_bulk([row["last_id"] for row in per_job.values()])
    rows = []
    for job in jobs:
        row = per_job.get(job.name)
        last = runs.get(row["last_id"]) if row else None
        # A job is late when no run has been queued for two of its periods.
        late = last is None or last.scheduled_for < now - 2 * job.every
        rows.append(JobHealth(job, last, row["last_success"] if row else None, late))
    registered = {job.name for job in jobs}

    ready_filter = Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    queue = DBTaskResult.objects.aggregate(
        ready=Rows(ready_filter),
        scheduled=Rows(Q(status=TaskResultStatus.READY) & ~ready_filter),
        running=Rows(Q(status=TaskResultStatus.RUNNING)),
        failed_recent=Rows(Q(status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1))),
        oldest_ready_at=Min("enqueued_at", filter=ready_filter),
    )
    return Health(jobs=rows, queue=QueueHealth(**queue), unknown_jobs=sorted(set(per_job) - registered))


def audit_search(
    *, username: str = "", verb: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[AuditEvent]:
    """Audit rows, newest first, for the audit search page (the caller checks the role: inspector, administrator)."""
    qs = AuditEvent.objects.select_related("actor", "content_type").order_by("-pk")
    return _audit_filters(qs, username=username, start=start, end=end).filter(**({"verb": verb} if verb else {}))


def access_log_search(
    *, username: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[PersonalDataReveal]:
    """Personal-data reveals and page views, newest first."""
    qs = PersonalDataReveal.objects.select_related("actor", "content_type").order_by("-pk")
    return _audit_filters(qs, username=username, start=start, end=end)


def _audit_filters(qs: Any, *, username: str, start: dt.date | None, end: dt.date | None) -> Any:
    if username:
        qs = qs.filter(actor__username=username)
    if start:
        qs = qs.filter(created_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)))
    if end:
        qs = qs.filter(created_at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))
    return qs


# --- the health of the deployment (/healthz and the staff health page) ---


@dataclass(frozen=True)
class HealthCheck:
    name: str
    label: str
    ok: bool
    detail: str
    # A warning is shown to administrators but does not turn the public check to 503 (e.g. an old backup).
    warning: bool = False
    seen_at: dt.datetime | None = None


@dataclass
class SystemHealth:
    checks: list[HealthCheck]
    heartbeats: list[Heartbeat]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def _age_text(age: dt.timedelta) -> str:
    seconds = max(int(age.total_seconds()), 0)
    if seconds < 120:
        return _("%(n)d 秒前") % {"n": seconds}
    if seconds < 7200:
        return _("%(n)d 分钟前") % {"n": seconds // 60}
    if seconds < 172800:
        return _("%(n)d 小时前") % {"n": seconds // 3600}
    return _("%(n)d 天前") % {"n": seconds // 86400}


def _check_database() -> HealthCheck:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return HealthCheck("database", _("数据库"), False, _("无法连接：%(e)s") % {"e": type(exc).__name__})
    return HealthCheck("database", _("数据库"), True, _("连接正常"))


def _check_cache() -> HealthCheck:
    key = "bianmin:health-probe"
    value = timezone.now().isoformat()
    try:
        cache.set(key, value, timeout=30)
        ok = cache.get(key) == value
    except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, …) have no common base
        return HealthCheck("cache", _("缓存"), False, _("无法连接：%(e)s") % {"e": type(exc).__name__})
    return HealthCheck("cache", _("缓存"), ok, _("读写正常") if ok else _("写入后读不出"))


def _check_disk() -> HealthCheck:
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    free_mb = usage.free // (1024 * 1024)
    ok = free_mb >= settings.BIANMIN_HEALTH_DISK_MIN_FREE_MB
    detail = _("剩余 %(free)s MB，共 %(total)s MB（%(path)s）") % {
        "free": free_mb,
        "total": usage.total // (1024 * 1024),
        "path": path,
    }
    if not ok:
        detail += _("；低于 %(min)s MB") % {"min": settings.BIANMIN_HEALTH_DISK_MIN_FREE_MB}
    return HealthCheck("disk", _("磁盘空间"), ok, detail)


def _check_heartbeat(
    newest: dict[str, dt.datetime], *, kind: str, label: str, limit: dt.timedelta, now: dt.datetime, hint: str
) -> HealthCheck:
    seen = newest.get(kind)
    if seen is None:
        return HealthCheck(kind, label, False, _("从未运行过。") + hint)
    age = now - seen
    if age > limit:
        return HealthCheck(
            kind, label, False, _("最近一次在 %(age)s，已超时。") % {"age": _age_text(age)} + hint, seen_at=seen
        )
    return HealthCheck(kind, label, True, _("最近一次在 %(age)s") % {"age": _age_text(age)}, seen_at=seen)


def system_health(*, now: dt.datetime | None = None) -> SystemHealth:
    """Database, cache, disk, the age of the workers' last heartbeat and of the schedulers' last tick (each failing
    turns /healthz to 503), and the last successful backup (a warning only)."""
    now = now or timezone.now()
    checks = [_check_database(), _check_cache(), _check_disk()]
    if not checks[0].ok:
        return SystemHealth(checks=checks, heartbeats=[])
    heartbeats = list(Heartbeat.objects.all())
    newest: dict[str, dt.datetime] = {}
    for beat in heartbeats:
        if beat.kind not in newest or beat.seen_at > newest[beat.kind]:
            newest[beat.kind] = beat.seen_at
    checks.append(
        _check_heartbeat(
            newest,
            kind=Heartbeat.Kind.WORKER,
            label=_("后台任务进程"),
            limit=dt.timedelta(seconds=settings.BIANMIN_HEALTH_WORKER_STALE_SECONDS),
            now=now,
            hint=_("请检查 db_worker 进程（bianmin-worker 服务）。"),
        )
    )
    checks.append(
        _check_heartbeat(
            newest,
            kind=Heartbeat.Kind.SCHEDULER,
            label=_("定时任务调度"),
            limit=dt.timedelta(seconds=settings.BIANMIN_HEALTH_SCHEDULER_STALE_SECONDS),
            now=now,
            hint=_("请检查 run_scheduler 进程（bianmin-scheduler 服务）。"),
        )
    )
    backup = _check_heartbeat(
        newest,
        kind=Heartbeat.Kind.BACKUP,
        label=_("最近一次成功备份"),
        limit=dt.timedelta(hours=settings.BIANMIN_HEALTH_BACKUP_MAX_AGE_HOURS),
        now=now,
        hint=_("请检查备份（manage.py backup，bianmin-backup 定时器）。"),
    )
    checks.append(
        HealthCheck(backup.name, backup.label, True, backup.detail, warning=not backup.ok, seen_at=backup.seen_at)
    )
    return SystemHealth(checks=checks, heartbeats=sorted(heartbeats, key=lambda b: (b.kind, -b.seen_at.timestamp())))
