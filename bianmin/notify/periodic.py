"""The notify app's own periodic jobs."""

from __future__ import annotations

import datetime as dt

from bianmin.notify.scheduling import register_periodic

register_periodic(
    "notify.assigned_task_reminders",
    every=dt.timedelta(minutes=15),
    func_path="bianmin.notify.jobs.assigned_task_reminders",
    label="交办事项到期和超期提醒",
)
register_periodic(
    "notify.case_deadline_reminders",
    every=dt.timedelta(minutes=15),
    func_path="bianmin.notify.jobs.case_deadline_reminders",
    label="办件到期和超期提醒",
)
register_periodic(
    "notify.requeue_stale_notifications",
    every=dt.timedelta(minutes=5),
    func_path="bianmin.notify.jobs.requeue_stale_notifications",
    label="补发中断的短信和邮件",
)
register_periodic(
    "notify.prune_job_records",
    every=dt.timedelta(days=1),
    offset=dt.timedelta(hours=2),
    func_path="bianmin.notify.jobs.prune_job_records",
    label="清理 30 天前的任务运行记录",
)
