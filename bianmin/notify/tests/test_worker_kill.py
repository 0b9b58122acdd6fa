"""Background delivery survives a killed worker: nothing lost, nothing sent twice (PostgreSQL, real processes)."""

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from bianmin.core.services import tasks_requeue_stale
from bianmin.notify import services
from bianmin.notify.models import Channel, Notification


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
            tasks_requeue_stale(lease=dt.timedelta(seconds=lease))
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
