from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bianmin.org.models import OrgUnit
from bianmin.staffing.services import unmanned_sweep


class Command(BaseCommand):
    help = "检查各中心窗口在岗情况：办公时间内无人在岗的窗口登记无人值守记录，恢复在岗的予以关闭（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", action="append", default=[], help="只检查指定中心（代码），可多次给出。")

    def handle(self, *args: Any, **options: Any) -> None:
        centers = None
        if options["center"]:
            centers = list(OrgUnit.objects.centers().filter(code__in=options["center"]))
        result = unmanned_sweep(timezone.now(), centers=centers)
        for record in result.opened:
            self.stdout.write(
                f"无人值守：{record.center.name} {record.window}，自 {timezone.localtime(record.started_at):%H:%M} 起"
            )
        for record in result.closed:
            self.stdout.write(f"恢复在岗：{record.center.name} {record.window}")
        self.stdout.write(self.style.SUCCESS(f"新登记 {len(result.opened)} 条，关闭 {len(result.closed)} 条。"))
