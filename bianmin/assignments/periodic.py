"""The assignments app's periodic jobs."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "assignments.reminders",
    every=dt.timedelta(minutes=15),
    func_path="bianmin.assignments.jobs.assigned_task_reminders",
    label="交办事项到期和超期提醒",
)
