from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from bianmin.catalog.models import ServiceItem
from bianmin.catalog.services import item_reindex


class Command(BaseCommand):
    help = "重建服务事项检索索引（调整同义词、分词词典后执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for item in ServiceItem.objects.select_related("department").iterator(chunk_size=500):
            with transaction.atomic():
                item_reindex(item=item)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"已重建 {count} 个事项的检索索引。"))
