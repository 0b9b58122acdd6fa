"""The core's own periodic job: keep the job records short."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "core.prune_job_records",
    every=dt.timedelta(days=1),
    offset=dt.timedelta(hours=2),
    func_path="bianmin.core.jobs.prune_job_records",
    label="清理 30 天前的任务运行记录",
)
