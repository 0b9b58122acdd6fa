"""Load a published catalog (department, name, item_code, task_type) into a district of its own, so search can be
tried on real data. Idempotent: items are matched by implementation code."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bianmin.catalog.models import ItemType, ItemVersion, ServiceItem
from bianmin.catalog.search_upkeep import term_frequencies_refresh
from bianmin.catalog.services import item_publish
from bianmin.org.models import Department, OrgUnit

# The portal's task type numbers (see data/real-catalog/README.md; inferred, not confirmed by the portal).
TASK_TYPES = {
    "1": ItemType.LICENSE,
    "5": ItemType.PAYMENT,
    "7": ItemType.CONFIRMATION,
    "8": ItemType.AWARD,
    "9": ItemType.RULING,
    "10": ItemType.OTHER_POWER,
    "20": ItemType.PUBLIC_SERVICE,
}
COLUMNS = {"department", "name", "item_code", "task_type"}


class Command(BaseCommand):
    help = "导入真实事项目录（CSV：department、name、item_code、task_type）到单独的区，用于试用事项查询。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--district-code", default="511602")
        parser.add_argument("--district-name", default="广安区")
        parser.add_argument("--phone", default="0826-12345")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = COLUMNS - set(reader.fieldnames or ())
            if missing:
                raise CommandError(f"文件缺少列：{'、'.join(sorted(missing))}")
            rows = [r for r in reader if r["name"].strip() and r["item_code"].strip()]
        district, _ = OrgUnit.objects.get_or_create(
            code=options["district_code"],
            defaults={
                "name": options["district_name"],
                "level": OrgUnit.Level.DISTRICT,
                "hall_kind": OrgUnit.HallKind.DISTRICT_CENTER,
                "phone": options["phone"],
            },
        )
        departments: dict[str, Department] = {
            d.name: d for d in Department.objects.filter(org_unit=district).order_by("code")
        }
        created = published = 0
        for row in rows:
            name = row["department"].strip() or "未分类"
            if name not in departments:
                departments[name], _ = Department.objects.get_or_create(
                    org_unit=district, code=f"R{len(departments) + 1:02d}", defaults={"name": name}
                )
            with transaction.atomic():
                item, new = ServiceItem.objects.get_or_create(
                    code=row["item_code"].strip()[:100],
                    defaults={
                        "owner": district,
                        "name": row["name"].strip()[:200],
                        "basic_code": row["item_code"].split("-")[0][:64],
                        "item_type": TASK_TYPES.get(row["task_type"].strip(), ItemType.OTHER_POWER),
                        "department": departments[name],
                        "implementing_level": ServiceItem.Level.DISTRICT,
                        "promised_limit": 5,
                        "consultation_phone": options["phone"],
                    },
                )
                created += new
                if not ItemVersion.objects.filter(item=item).exists():
                    item_publish(item=item, actor=None, note="真实目录导入")
                    published += 1
        term_frequencies_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"{district.name}（代码 {district.code}）：{len(rows)} 个事项，新增 {created} 个，发布 {published} 个。"
            )
        )
