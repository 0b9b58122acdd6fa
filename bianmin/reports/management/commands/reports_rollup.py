from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.reports.periods import PeriodError, parse_month
from bianmin.reports.rollups import rebuild, refresh


class Command(BaseCommand):
    help = (
        "月度统计汇总：不带参数时补算缺失的、重算有改动的已结束月份（与定时任务相同）；"
        "--rebuild 重新计算全部已结束月份（导入数据或直接修改数据库之后使用）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="重新计算全部已结束月份。")
        parser.add_argument("--since", help="与 --rebuild 同用：自该月起重算，格式如 2026-01。")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild"]:
            if options["since"]:
                raise CommandError("--since 须与 --rebuild 同用。")
            self.stdout.write(self.style.SUCCESS(refresh()))
            return
        since = None
        if options["since"]:
            try:
                since = parse_month(options["since"], default=None)  # type: ignore[arg-type]
            except PeriodError as exc:
                raise CommandError(str(exc)) from exc
        total = 0
        for month, rows in rebuild(since=since):
            total += rows
            self.stdout.write(f"{month:%Y-%m}：{rows} 条")
        self.stdout.write(self.style.SUCCESS(f"共重算 {total} 条月度统计汇总。"))
