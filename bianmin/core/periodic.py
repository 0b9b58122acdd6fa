"""The core's own periodic jobs: keep the job records short; the workers' heartbeat."""

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

register_periodic(
    "core.seal_access_log",
    every=dt.timedelta(minutes=15),
    func_path="bianmin.core.jobs.seal_access_log",
    label="把个人信息查看记录封存进审计链",
)
register_periodic(
    "core.worker_heartbeat",
    every=dt.timedelta(minutes=1),
    func_path="bianmin.core.jobs.worker_heartbeat",
    label="后台任务进程心跳",
)
