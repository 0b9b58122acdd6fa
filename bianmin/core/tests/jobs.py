"""Test helpers for background jobs: run what is queued, in this process and transaction, as a db_worker would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(limit: int = 200) -> int:
    """Run ready background tasks in this process and transaction, as a db_worker would."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    done = 0
    while done < limit:
        result = DBTaskResult.objects.ready().first()
        if result is None:
            break
        result.claim("test-worker")
        worker.run_task(result)
        done += 1
    return done


def aware(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))
