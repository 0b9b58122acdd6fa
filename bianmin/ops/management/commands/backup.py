from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.ops import archive_crypto
from bianmin.ops.backups import BackupError, backup_create, backup_prune


def read_key(key_file: str | None) -> str:
    if key_file:
        try:
            return Path(key_file).read_text().strip()
        except OSError as exc:
            raise CommandError(f"无法读取备份密钥文件：{exc}") from exc
    return str(settings.BIANMIN_BACKUP_KEY)


class Command(BaseCommand):
    help = (
        "备份：数据库（一致性转储）、上传的文件和清单（版本、迁移、时间、大小、SHA-256）打成一个文件；"
        "设置了备份密钥（BACKUP_KEY）时加密。之后按保留策略删除旧备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="备份目录（默认 BACKUP_DIR）。")
        parser.add_argument("--key-file", help="从文件读取备份密钥（默认 BACKUP_KEY）。")
        parser.add_argument("--keep-daily", type=int, default=settings.BIANMIN_BACKUP_KEEP_DAILY)
        parser.add_argument("--keep-monthly", type=int, default=settings.BIANMIN_BACKUP_KEEP_MONTHLY)
        parser.add_argument("--no-prune", action="store_true", help="不删除旧备份。")
        parser.add_argument("--generate-key", action="store_true", help="生成一个新的备份密钥并打印，不做备份。")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(archive_crypto.generate_key())
            return
        if options["keep_daily"] < 1 or options["keep_monthly"] < 0:
            raise CommandError("保留份数不正确：每日至少保留 1 份，每月不能为负数。")
        directory = Path(options["dir"]) if options["dir"] else None
        try:
            archive = backup_create(directory=directory, key=read_key(options["key_file"]), note=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        if not options["no_prune"]:
            removed = backup_prune(
                directory=archive.parent, keep_daily=options["keep_daily"], keep_monthly=options["keep_monthly"]
            )
            for path in removed:
                self.stdout.write(f"已按保留策略删除：{path.name}")
