from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.ops.backups import BackupError, backup_restore
from bianmin.ops.management.commands.backup import read_key


class Command(BaseCommand):
    help = (
        "从备份恢复到空数据库：校验清单和校验值，拒绝较新版本的备份，恢复数据库和上传的文件，"
        "迁移到当前版本，报告各表行数；当前的个人信息密钥无法解密恢复的数据时发出警告。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="备份文件")
        parser.add_argument("--key-file", help="从文件读取备份密钥（默认 BACKUP_KEY）。")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                archive=Path(options["archive"]), key=read_key(options["key_file"]), note=self.stdout.write
            )
        except BackupError as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        if report.applied_migrations:
            self.stdout.write("已迁移到当前版本：" + "、".join(report.applied_migrations))
        total = sum(report.counts.values())
        self.stdout.write(f"已恢复 {len(report.counts)} 张表共 {total} 行，上传的文件 {report.media_files} 个。")
        for table, (expected, actual) in sorted(report.count_differences.items()):
            self.stdout.write(self.style.WARNING(f"行数与备份清单不同：{table} 备份时 {expected}，现在 {actual}"))
        if report.undecryptable:
            self.stderr.write(
                self.style.ERROR(
                    "警告：当前的个人信息密钥（PERSONAL_DATA_KEY）无法解密恢复的数据（"
                    + "、".join(report.undecryptable)
                    + "）。请使用备份时的密钥，否则身份证号、电话等将无法读取。"
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("恢复完成。"))
