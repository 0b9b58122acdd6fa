"""The cases app's periodic jobs."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "cases.deadline_reminders",
    every=dt.timedelta(minutes=15),
    func_path="bianmin.cases.jobs.case_deadline_reminders",
    label="办件到期和超期提醒",
)
