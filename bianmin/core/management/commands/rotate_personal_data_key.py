"""Re-encrypt personal data under the first key of PERSONAL_DATA_KEYS (and PERSONAL_DATA_CIPHER), rebuild the
blind indexes. Safe to interrupt and run again. See README, "Security"."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.core.services import RotationProgress, personal_data_rotate


class Command(BaseCommand):
    help = "用 PERSONAL_DATA_KEYS 的第一个密钥及 PERSONAL_DATA_CIPHER 重新加密全部个人信息、重建检索索引；可中断续跑。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size 须为正整数。")

        def report(p: RotationProgress) -> None:
            self.stdout.write(f"{p.label}: {p.seen}/{p.total}，已重新加密 {p.rewritten} 行")

        try:
            rewritten = personal_data_rotate(batch_size=batch_size, progress=report)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"完成：共重新加密 {sum(rewritten.values())} 行。"))
