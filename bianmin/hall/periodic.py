"""The hall's periodic job: reminders of tomorrow's (the next working day's) bookings, hourly in the daytime so a
booking made later in the day is reminded too; once per booking and day."""

from __future__ import annotations

import datetime as dt

from bianmin.core.scheduling import register_periodic

register_periodic(
    "hall.appointment_reminders",
    every=dt.timedelta(hours=1),
    offset=dt.timedelta(minutes=5),
    func_path="bianmin.hall.jobs.appointment_reminders",
    label="预约提醒",
)
