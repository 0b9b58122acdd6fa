from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bianmin.core.services import calendar_seed_statutory


class Command(BaseCommand):
    help = "按国家法定节假日安排（holidays 包）生成工作日历，可重复执行；管理员设置的特殊日期不受影响。"

    def add_arguments(self, parser: CommandParser) -> None:
        year = timezone.localdate().year
        parser.add_argument("--from-year", type=int, default=year - 2)
        parser.add_argument("--to-year", type=int, default=year + 1)

    def handle(self, *args: Any, **options: Any) -> None:
        years = range(options["from_year"], options["to_year"] + 1)
        changed = calendar_seed_statutory(years=years)
        self.stdout.write(f"工作日历：{options['from_year']}–{options['to_year']} 年，更新 {changed} 天。")
