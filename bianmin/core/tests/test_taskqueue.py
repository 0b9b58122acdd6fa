"""The task queue's backend (`core.taskqueue`) writes the job row the library's own backend writes, in one statement,
with the model's save signals (the library's `pre_save` receiver sets a job's `run_after`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from bianmin.core.taskqueue import DatabaseBackend

pytestmark = pytest.mark.django_db


@task(priority=5)
def _sample(case_id: int, note: str = "") -> None:  # pragma: no cover - queued, never run here
    pass


def _row(pk: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(DBTaskResult.objects.filter(pk=pk).values().get())
    del row["id"], row["enqueued_at"]
    return row


@pytest.mark.parametrize("later", [None, dt.timedelta(hours=2)])
def test_the_job_row_is_the_one_the_librarys_backend_writes(later):
    params = {"QUEUES": ["default"]}
    ours, theirs = DatabaseBackend("default", params), LibraryBackend("default", params)
    run_after = None if later is None else timezone.now() + later
    job = _sample.using(run_after=run_after) if run_after else _sample
    saved: list[Any] = []

    def note(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        saved.append((instance.pk, created))

    post_save.connect(note, sender=DBTaskResult)
    try:
        with CaptureQueriesContext(connection) as ctx:
            mine: Any = ours.enqueue(job, (7,), {"note": "已受理"})
        library: Any = theirs.enqueue(job, (7,), {"note": "已受理"})
    finally:
        post_save.disconnect(note, sender=DBTaskResult)

    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]  # the row, one statement
    assert mine.id != library.id
    assert _row(mine.id) == _row(library.id)  # every column alike (but the key and the moment it was queued)
    assert _row(mine.id)["run_after"] == (run_after or get_date_max())  # the library's pre_save receiver ran
    assert _row(mine.id)["args_kwargs"] == {"args": [7], "kwargs": {"note": "已受理"}}
    assert saved[0] == (mine.db_result.pk, True)  # post_save sent as save() sends it
    assert DBTaskResult.objects.get(pk=mine.id).enqueued_at is not None
