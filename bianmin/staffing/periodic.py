"""Staffing's periodic job: the unmanned-window sweep runs every minute of the day, once per deployment."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "staffing.unmanned_sweep",
    every=dt.timedelta(minutes=1),
    func_path="bianmin.staffing.jobs.unmanned_sweep",
    label="窗口无人在岗巡检",
)
