from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bianmin.notify.services import inbox_recount


class Command(BaseCommand):
    help = "按消息重新统计每位用户的站内未读消息数（恢复备份或在服务之外改动消息之后使用）。"

    def handle(self, *args: Any, **options: Any) -> None:
        wrong = inbox_recount()
        self.stdout.write(f"已重新统计站内未读消息数，更正 {wrong} 位用户的计数。")
