"""The notify tests' helpers: the office and tasks of assignments, and running queued jobs (core)."""

from __future__ import annotations

from bianmin.assignments.tests.factories import Office, make_task
from bianmin.core.tests.jobs import aware, run_queued_tasks

__all__ = ["Office", "aware", "make_task", "run_queued_tasks"]
