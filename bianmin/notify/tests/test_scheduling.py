import collections
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bianmin.notify import services
from bianmin.notify.models import Channel, Notification, PeriodicRun
from bianmin.notify.scheduling import PeriodicJob, periodic_jobs, register_periodic, unregister_periodic
from bianmin.notify.tests.factories import aware, run_queued_tasks

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
    assert {"test.ok", "notify.assigned_task_reminders"} <= {job.name for job in periodic_jobs()}
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

    assert "notify.assigned_task_reminders" in out.getvalue()
    assert PeriodicRun.objects.filter(job="notify.assigned_task_reminders").count() == 1
    run_queued_tasks()
    run = PeriodicRun.objects.get(job="notify.assigned_task_reminders")
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


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(worker_id: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--worker-id",
            worker_id,
            "--verbosity",
            "0",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_killing_a_worker_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several worker processes cannot share the in-memory SQLite test database")
    lease = 3
    settings.BIANMIN_NOTIFY_SEND_LEASE_SECONDS = lease
    log = tmp_path / "sms.log"
    begin = Path(f"{log}.begin")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "BIANMIN_TESTING": "1",
        "DEBUG": "0",
        "SMS_BACKEND": "bianmin.notify.tests.sms_backends.SlowFileSmsBackend",
        "SMS_FILE": str(log),
        "SMS_DELAY": "0.4",
        "NOTIFY_SEND_LEASE_SECONDS": str(lease),
    }
    # Given twelve text messages queued (their jobs are in the database queue)
    count = 12
    for i in range(count):
        services.notification_send(
            key=f"kill-test:{i}",
            channel=Channel.SMS,
            template="case_ready",
            context={"item": "居住证", "case_number": f"CX2026-{i:05d}", "window": "1号窗口"},
            recipient_phone=f"1370000{i:04d}",
        )
    assert DBTaskResult.objects.count() == count

    # And two workers sharing the queue
    a, b = _worker("worker-a", env), _worker("worker-b", env)
    try:
        # When worker A is killed while it is sending a message
        deadline = time.monotonic() + 60
        killed_ref = None
        while killed_ref is None and time.monotonic() < deadline:
            if begin.exists():
                for line in begin.read_text().splitlines():
                    ref, pid = line.split("\t")
                    if int(pid) == a.pid:
                        killed_ref = ref
            time.sleep(0.02)
        assert killed_ref is not None, "worker A never started a message"
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=10)

        # Then, once its lease has run out, the scheduler's recovery puts its work back and worker B sends it
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Notification.objects.filter(status=Notification.Status.SENT).count() == count:
                break
            time.sleep(0.5)
            services.notification_requeue_stale(grace=dt.timedelta(0))
            services.tasks_requeue_stale(lease=dt.timedelta(seconds=lease))
    finally:
        for process in (a, b):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    statuses = collections.Counter(Notification.objects.values_list("status", flat=True))
    assert statuses == {Notification.Status.SENT: count}, b.stderr.read().decode() if b.stderr else ""
    sent = collections.Counter(line.split("\t")[1] for line in log.read_text().splitlines())
    assert len(sent) == count  # nothing lost
    assert set(sent.values()) == {1}  # nothing twice
    starts = [line.split("\t") for line in begin.read_text().splitlines()]
    takers = [int(pid) for ref, pid in starts if ref == killed_ref]
    assert takers[0] == a.pid
    assert takers[-1] == b.pid
    # Both workers took jobs from the shared queue
    worker_ids = {w for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for w in ids}
    assert {"worker-a", "worker-b"} <= worker_ids
    killed = Notification.objects.get(pk=int(killed_ref[2:].split("-")[0]))
    assert killed.attempts == 2
    assert "1370000" not in log.read_text()


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
