from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from bianmin.core.scheduling import periodic_jobs
from bianmin.core.services import scheduler_tick

logger = logging.getLogger("bianmin.jobs.scheduler")


class Command(BaseCommand):
    help = (
        "定时任务调度：按周期把已登记的定时任务放入后台队列，每个周期只排队一次；"
        "多台服务器同时运行也不会重复。--once 只执行一轮。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮后退出。")
        parser.add_argument("--interval", type=float, default=20.0, help="两轮之间的间隔秒数（默认 20）。")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = max(float(options["interval"]), 1.0)
        names = "、".join(job.name for job in periodic_jobs()) or "（无）"
        self.stdout.write(f"定时任务调度已启动，间隔 {interval:g} 秒；已登记：{names}")
        if options["once"]:
            self._tick()
            return
        self.running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while self.running:
            # A long-running loop, like a request cycle: drop connections that broke or grew too old.
            close_old_connections()
            self._tick()
            deadline = time.monotonic() + interval
            while self.running and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write("定时任务调度已停止。")

    def _tick(self) -> None:
        try:
            claimed = scheduler_tick()
        except DatabaseError:
            # The database may be restarting or briefly locked: try again next round rather than exit.
            logger.exception("定时任务调度本轮失败，稍后重试。")
            return
        for run in claimed:
            self.stdout.write(f"已排队：{run.job}（{run.period_key}）")
