import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bianmin.core import services
from bianmin.core.models import PeriodicRun
from bianmin.core.scheduling import PeriodicJob, periodic_jobs, register_periodic, unregister_periodic
from bianmin.core.tests.jobs import aware, run_queued_tasks

CALLS: list[str] = []


def job_ok() -> str:
    CALLS.append("ok")
    return "处理 3 件"


def job_broken() -> None:
    raise RuntimeError("数据库里没有这张表")


@pytest.fixture
def jobs():
    CALLS.clear()
    yield [
        register_periodic("test.ok", every=dt.timedelta(minutes=15), func_path=f"{__name__}.job_ok", label="测试"),
        register_periodic("test.broken", every=dt.timedelta(hours=1), func_path=f"{__name__}.job_broken"),
    ]
    unregister_periodic("test.ok")
    unregister_periodic("test.broken")


def test_periods_align_to_local_time():
    quarter = PeriodicJob("q", dt.timedelta(minutes=15), "x")
    nightly = PeriodicJob("n", dt.timedelta(days=1), "x", offset=dt.timedelta(hours=2))

    assert quarter.period(aware(2026, 3, 2, 10, 7)) == (aware(2026, 3, 2, 10, 0), "2026-03-02T10:00:00")
    assert quarter.period(aware(2026, 3, 2, 10, 15)) == (aware(2026, 3, 2, 10, 15), "2026-03-02T10:15:00")
    assert nightly.period(aware(2026, 3, 2, 1, 0))[1] == "2026-03-01T02:00:00"
    assert nightly.period(aware(2026, 3, 2, 2, 0))[1] == "2026-03-02T02:00:00"
    assert quarter.every_display == "每 15 分钟"
    assert nightly.every_display == "每 1 天"


def test_registry_refuses_conflicts_and_nonsense(jobs):
    assert {"test.ok", "assignments.reminders"} <= {job.name for job in periodic_jobs()}
    # The same registration again (a module imported twice) is fine; a different one is not.
    register_periodic("test.ok", every=dt.timedelta(minutes=15), func_path=f"{__name__}.job_ok", label="测试")
    with pytest.raises(ValueError, match="不同的设置"):
        register_periodic("test.ok", every=dt.timedelta(minutes=5), func_path=f"{__name__}.job_ok")
    with pytest.raises(ValueError, match="周期过短"):
        register_periodic("test.fast", every=dt.timedelta(seconds=1), func_path="x")


@pytest.mark.django_db
def test_each_period_is_claimed_once_and_queued_with_it(jobs):
    now = aware(2026, 3, 2, 10, 7)

    first = services.scheduler_tick(now=now)
    again = services.scheduler_tick(now=now + dt.timedelta(minutes=5))

    names = {run.job for run in first}
    assert {"test.ok", "test.broken"} <= names
    assert [run.job for run in again if run.job.startswith("test.")] == []
    assert PeriodicRun.objects.filter(job="test.ok").count() == 1
    assert DBTaskResult.objects.count() == PeriodicRun.objects.count()

    later = services.scheduler_tick(now=now + dt.timedelta(minutes=10))
    assert "test.ok" in {run.job for run in later}
    assert "test.broken" not in {run.job for run in later}


@pytest.mark.django_db
def test_runs_record_their_result_or_error_and_are_not_repeated(jobs):
    services.scheduler_tick(now=aware(2026, 3, 2, 10, 7))

    run_queued_tasks()

    ok = PeriodicRun.objects.get(job="test.ok")
    broken = PeriodicRun.objects.get(job="test.broken")
    assert (ok.status, ok.result, ok.attempts) == ("succeeded", "处理 3 件", 1)
    assert ok.started_at is not None
    assert ok.finished_at is not None
    assert ok.started_at <= ok.finished_at
    assert broken.status == "failed"
    assert "没有这张表" in broken.error
    assert CALLS == ["ok"]

    # A re-delivered task for a finished run does nothing
    assert services.periodic_run_execute(run_id=ok.pk) == "done"
    assert CALLS == ["ok"]


@pytest.mark.django_db
def test_tasks_of_dead_workers_go_back_to_the_queue(jobs, settings):
    settings.BIANMIN_TASK_LEASE_SECONDS = 600
    services.scheduler_tick(now=aware(2026, 3, 2, 10, 7))
    stuck, fresh = list(DBTaskResult.objects.all()[:2])
    for result, age in ((stuck, 700), (fresh, 10)):
        result.claim("dead-worker")
        DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - dt.timedelta(seconds=age))

    assert services.tasks_requeue_stale() == 1

    assert DBTaskResult.objects.get(pk=stuck.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=fresh.pk).status == "RUNNING"


@pytest.mark.django_db
def test_run_scheduler_once_queues_the_registered_jobs():
    out = io.StringIO()

    call_command("run_scheduler", "--once", stdout=out)

    assert "assignments.reminders" in out.getvalue()
    assert PeriodicRun.objects.filter(job="assignments.reminders").count() == 1
    run_queued_tasks()
    run = PeriodicRun.objects.get(job="assignments.reminders")
    assert run.status == "succeeded"
    assert run.result.startswith("即将到期提醒")


def _close_after(fn):
    def wrapped(*args):
        try:
            fn(*args)
        finally:
            connection.close()

    return wrapped


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_queue_each_job_once(jobs):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; concurrent schedulers need PostgreSQL")
    now = aware(2026, 3, 2, 10, 7)
    barrier = threading.Barrier(3)
    claimed: list[str] = []

    @_close_after
    def scheduler():
        barrier.wait()
        claimed.extend(run.job for run in services.scheduler_tick(now=now))

    threads = [threading.Thread(target=scheduler) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(claimed) == sorted({job.name for job in periodic_jobs()})
    assert PeriodicRun.objects.count() == len(periodic_jobs())
    assert DBTaskResult.objects.count() == len(periodic_jobs())


@pytest.mark.django_db
def test_old_run_records_are_pruned_and_recent_ones_kept(jobs):
    services.scheduler_tick(now=aware(2026, 1, 5, 10, 7))
    run_queued_tasks()
    services.scheduler_tick(now=aware(2026, 3, 2, 10, 7))
    PeriodicRun.objects.filter(scheduled_for__lt=aware(2026, 2, 1)).update(finished_at=aware(2026, 1, 5, 10, 8))
    DBTaskResult.objects.filter(status="SUCCESSFUL").update(finished_at=aware(2026, 1, 5, 10, 8))
    before = PeriodicRun.objects.filter(scheduled_for__gte=aware(2026, 2, 1)).count()

    deleted = services.job_records_prune(now=aware(2026, 3, 2, 11, 0))

    assert deleted > 0
    assert not PeriodicRun.objects.filter(scheduled_for__lt=aware(2026, 2, 1)).exists()
    assert PeriodicRun.objects.count() == before
    assert not DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
    assert DBTaskResult.objects.filter(status="READY").count() == before
