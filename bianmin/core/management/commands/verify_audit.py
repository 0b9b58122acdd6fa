"""Check the audit trail's hash chain and the seals of the personal-data access log (README, "Security")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bianmin.core.audit import verify_chain
from bianmin.core.models import AuditChainHead


class Command(BaseCommand):
    help = "校验审计记录的哈希链：报告第一条被修改、删除或乱序插入的记录。"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(f"已校验 {checked} 条，发现问题：{problem.message}")
        head = AuditChainHead.objects.filter(pk=1).first()
        self.stdout.write(
            self.style.SUCCESS(f"审计记录完整：共 {checked} 条，链头校验值 {head.last_hash if head else '（空）'}。")
        )
