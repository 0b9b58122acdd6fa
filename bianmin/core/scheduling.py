"""Periodic jobs, scheduled once per deployment however many schedulers and workers run.

An app registers a job in its own ``periodic.py`` (found automatically, like ``nav.py``)::

    from datetime import timedelta
    from bianmin.core.scheduling import register_periodic

    register_periodic("cases.deadline_reminders", every=timedelta(minutes=15),
                      func_path="bianmin.cases.reminders.send_deadline_reminders", label="办件到期提醒")

The function takes no arguments and must be idempotent: a run that a killed worker left half done is run again.
Its return value (short) is kept on the run record. Each period (``every``, aligned to local midnight plus
``offset``) gets one `PeriodicRun` row, claimed by INSERT in `services.periodic_run_claim`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone

# Periods are counted from a fixed local midnight, so a daily job with offset 2h runs at 02:00 local time.
_ANCHOR_DAY = dt.date(2000, 1, 3)  # a Monday: weekly periods start on Mondays


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    func_path: str
    label: str = ""
    offset: dt.timedelta = dt.timedelta(0)

    @property
    def every_display(self) -> str:
        seconds = int(self.every.total_seconds())
        for unit, name in ((86400, "天"), (3600, "小时"), (60, "分钟")):
            if seconds % unit == 0:
                return f"每 {seconds // unit} {name}"
        return f"每 {seconds} 秒"

    def period(self, now: dt.datetime) -> tuple[dt.datetime, str]:
        """The start of the period `now` falls in, and its key."""
        anchor = dt.datetime.combine(_ANCHOR_DAY, dt.time(0), tzinfo=timezone.get_default_timezone()) + self.offset
        index = (now - anchor) // self.every
        start = anchor + index * self.every
        return start, timezone.localtime(start).strftime("%Y-%m-%dT%H:%M:%S")


_registry: dict[str, PeriodicJob] = {}
_discovered = False


def register_periodic(
    name: str,
    *,
    every: dt.timedelta,
    func_path: str,
    label: str = "",
    offset: dt.timedelta = dt.timedelta(0),
) -> PeriodicJob:
    if every < dt.timedelta(seconds=10):
        raise ValueError(f"定时任务 {name} 的周期过短：{every}")
    if not dt.timedelta(0) <= offset < every:
        raise ValueError(f"定时任务 {name} 的偏移须在 0 与周期之间。")
    job = PeriodicJob(name=name, every=every, func_path=func_path, label=label or name, offset=offset)
    existing = _registry.get(name)
    if existing is not None and existing != job:
        raise ValueError(f"定时任务 {name} 已以不同的设置登记。")
    _registry[name] = job
    return job


def unregister_periodic(name: str) -> None:
    _registry.pop(name, None)


def autodiscover() -> None:
    """Import every project app's ``periodic`` module once, so their registrations run."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if not config.name.startswith("bianmin."):
            continue
        try:
            importlib.import_module(f"{config.name}.periodic")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.periodic":
                raise
    _discovered = True


def periodic_jobs() -> list[PeriodicJob]:
    autodiscover()
    return sorted(_registry.values(), key=lambda job: job.name)


def periodic_job(name: str) -> PeriodicJob | None:
    autodiscover()
    return _registry.get(name)
