"""The oversight app's periodic jobs."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "oversight.accountability_sweep",
    every=dt.timedelta(days=1),
    offset=dt.timedelta(hours=1),
    func_path="bianmin.oversight.jobs.accountability_sweep",
    label="责任追究候选记录日检",
)

register_periodic(
    "oversight.rating_invitations",
    every=dt.timedelta(days=1),
    offset=dt.timedelta(hours=2),
    func_path="bianmin.oversight.jobs.rating_invitations_send",
    label="未评价办件邀请评价",
)

register_periodic(
    "oversight.deadline_reminders",
    every=dt.timedelta(minutes=15),
    func_path="bianmin.oversight.jobs.deadline_reminders",
    label="投诉答复和差评整改到期提醒",
)
