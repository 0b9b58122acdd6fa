from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from bianmin.core.models import AuditEvent, CalendarDay, PeriodicRun, PersonalDataReveal
from bianmin.core.scheduling import PeriodicJob, periodic_jobs
from bianmin.core.workcalendar import DayRule, WorkCalendar

CALENDAR_VERSION_KEY = "bianmin:calendar-version"
_local = threading.local()


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
    """The working calendar, rebuilt only when a calendar service has bumped the shared version."""
    version = cache.get(CALENDAR_VERSION_KEY)
    if version is None:
        version = timezone.now().timestamp()
        cache.add(CALENDAR_VERSION_KEY, version, timeout=None)
        version = cache.get(CALENDAR_VERSION_KEY, version)
    held = getattr(_local, "calendar", None)
    if held is not None and held[0] == version:
        return held[1]
    calendar = build_work_calendar(list(CalendarDay.objects.all()))
    _local.calendar = (version, calendar)
    return calendar


def invalidate_work_calendar() -> None:
    cache.set(CALENDAR_VERSION_KEY, timezone.now().timestamp(), timeout=None)
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
        ready=Count("id", filter=ready_filter),
        scheduled=Count("id", filter=Q(status=TaskResultStatus.READY) & ~ready_filter),
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
        failed_recent=Count(
            "id", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1))
        ),
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
