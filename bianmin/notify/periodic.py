"""The notify app's own periodic job."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "notify.requeue_stale_notifications",
    every=dt.timedelta(minutes=5),
    func_path="bianmin.notify.jobs.requeue_stale_notifications",
    label="补发中断的短信和邮件",
)
