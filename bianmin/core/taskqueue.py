"""The task queue's backend (settings.TASKS): django-tasks-db's, its job row written in one prepared statement.

The library writes each job through Django's `create()`, which builds and compiles its insert anew each time: on a
window's intake, whose text message queues one job, that was a third of a millisecond of Python for one short row.
Here the row is the same `DBTaskResult` the library makes, written by `core.inserts.insert_rows` (each field's own
`pre_save` and `get_db_prep_save`, as Django's path), with the model's `pre_save` and `post_save` signals sent as
`save()` sends them (the library sets a job's `run_after` in its `pre_save` receiver). Everything else — checks,
the `task_enqueued` signal, the result handed back, the worker — is the library's.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models.signals import post_save, pre_save
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.compat import normalize_json

from bianmin.core.inserts import insert_rows


class DatabaseBackend(LibraryBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult

        row: Any = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        using = router.db_for_write(DBTaskResult, instance=row)
        pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=using, update_fields=None)
        insert_rows([row])
        post_save.send(sender=DBTaskResult, instance=row, created=True, update_fields=None, raw=False, using=using)
        return row
