import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from bianmin.catalog.models import ServiceItem
from bianmin.catalog.selectors import search_public
from bianmin.org.models import OrgUnit

SHIPPED = Path(settings.BASE_DIR) / "bianmin" / "catalog" / "data" / "real-catalog" / "guangan-district-items.csv"


def test_the_real_catalog_ships_with_the_project():
    with SHIPPED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    assert len(rows) == 1135
    assert (SHIPPED.parent / "LICENSE").exists()


def _subset(tmp_path, names):
    with SHIPPED.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r["name"] in names]
        fields = list(reader.fieldnames or ())
    path = tmp_path / "subset.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_load_catalog_puts_items_into_a_district_of_their_own_and_search_finds_them(tmp_path):
    path = _subset(tmp_path, {"最低生活保障", "社会保障卡补领、换领、换发", "失业保险金申领", "无犯罪记录证明"})
    out = io.StringIO()

    call_command("load_catalog", str(path), stdout=out)
    call_command("load_catalog", str(path), stdout=out)  # a second run changes nothing

    district = OrgUnit.objects.get(code="511602")
    assert ServiceItem.objects.filter(owner=district, status=ServiceItem.Status.PUBLISHED).count() == 4
    assert "新增 0 个，发布 0 个" in out.getvalue()
    assert search_public(center=district, text="社保卡补办").hits[0].item.name == "社会保障卡补领、换领、换发"
    assert search_public(center=district, text="失业金").hits[0].item.name == "失业保险金申领"


@pytest.mark.django_db
def test_load_catalog_says_what_is_wrong_with_the_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name\n低保\n", encoding="utf-8")

    with pytest.raises(CommandError, match="缺少列"):
        call_command("load_catalog", str(bad))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_catalog", str(tmp_path / "none.csv"))
