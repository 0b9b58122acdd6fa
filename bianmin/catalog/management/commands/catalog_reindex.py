from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bianmin.catalog.search_upkeep import catalog_reindex_all


class Command(BaseCommand):
    help = "重建服务事项检索索引（调整同义词、分词词典后执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = catalog_reindex_all()
        self.stdout.write(self.style.SUCCESS(f"已重建 {count} 个事项的检索索引。"))
