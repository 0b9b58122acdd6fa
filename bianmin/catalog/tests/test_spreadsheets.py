import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bianmin.catalog import spreadsheets
from bianmin.catalog.imports import catalog_import
from bianmin.catalog.models import ItemEvent, ItemVersion, SearchTerm, ServiceItem
from bianmin.catalog.selectors import search_public
from bianmin.catalog.services import item_publish, snapshot_content
from bianmin.catalog.spreadsheets import ImportErrors, export_workbook, read_workbook
from bianmin.catalog.tests.factories import published_item
from bianmin.org.models import OrgUnit

REAL_NAMES = Path(__file__).parent / "data" / "real-item-names.csv"


def _cells(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def _import(content: bytes, user):
    parsed = read_workbook(io.BytesIO(content), user=user)
    return catalog_import(parsed=parsed, actor=user)


def _wipe_catalog():
    SearchTerm.objects.all().delete()
    ItemEvent.objects.all().delete()
    ItemVersion.objects.all().delete()
    ServiceItem.objects.all().delete()


def test_round_trip_into_an_empty_catalog_reproduces_the_demo_catalog(demo_catalog):
    admin = OrgUnit.objects.get(code="410108").staff.get(user__username="admin").user
    before = {i.code: i for i in ServiceItem.objects.all()}
    snapshots = {v.item.code: snapshot_content(v.snapshot) for v in ItemVersion.objects.select_related("item")}
    exported = export_workbook(ServiceItem.objects.all())
    _wipe_catalog()

    counts = _import(exported, admin)

    assert counts == {"created": len(before), "updated": 0, "published": len(before)}
    assert _cells(export_workbook(ServiceItem.objects.all())) == _cells(exported)
    for version in ItemVersion.objects.select_related("item"):
        again = snapshot_content(version.snapshot)
        original = snapshots[version.item.code]
        for key in ("id", "department_id", "joint_department_ids", "forward_to_id", "owner_id", "theme_ids"):
            again.pop(key), original.pop(key)
        again["windows"] = [{k: v for k, v in w.items() if k != "id"} for w in again["windows"]]
        original["windows"] = [{k: v for k, v in w.items() if k != "id"} for w in original["windows"]]
        assert again == original, version.item.code
    assert search_public(center=demo_catalog, text="dbsq").hits[0].item.name == "最低生活保障申请"


def test_importing_the_same_file_again_changes_nothing(demo_catalog):
    admin = OrgUnit.objects.get(code="410108").staff.get(user__username="admin").user
    exported = export_workbook(ServiceItem.objects.all())
    versions = ItemVersion.objects.count()
    material_ids = set(ServiceItem.objects.get(name="最低生活保障申请").materials.values_list("pk", flat=True))

    counts = _import(exported, admin)

    assert counts["published"] == 0
    assert counts["updated"] == ServiceItem.objects.count()
    assert ItemVersion.objects.count() == versions
    assert set(ServiceItem.objects.get(name="最低生活保障申请").materials.values_list("pk", flat=True)) == material_ids


def _edit(content: bytes, sheet: str, row: int, header: str, value) -> bytes:
    book = load_workbook(io.BytesIO(content))
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row=row, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def exported(world):
    for name in ("最低生活保障申请", "临时救助申请", "高龄津贴申领"):
        version = published_item(owner=world.center, department=world.department, name=name)
        version.item.windows.set([world.window])
        item_publish(item=version.item, actor=None)
    return export_workbook(ServiceItem.objects.all())


def test_bad_rows_are_reported_with_sheet_row_and_column_and_nothing_is_written(world, exported):
    content = _edit(exported, "事项", 2, "事项名称", "")
    content = _edit(content, "事项", 3, "承诺时限", -5)
    content = _edit(content, "事项", 4, "办理方式", "快办件")
    content = _edit(content, "事项", 4, "受理窗口", "410100001/99")
    content = _edit(content, "申请材料", 2, "份数", "两份")
    content = _edit(content, "申请材料", 3, "实施编码", "不存在的编码")
    names = set(ServiceItem.objects.values_list("name", flat=True))

    with pytest.raises(ImportErrors) as exc:
        _import(content, world.director.user)

    errors = exc.value.errors
    assert "工作表“事项”第2行“事项名称”列：不能为空。" in errors
    assert "工作表“事项”第3行“承诺时限”列：不能为负数，现为“-5”。" in errors
    assert any(e.startswith("工作表“事项”第4行“办理方式”列：“快办件”不是可选值") for e in errors)
    assert "工作表“事项”第4行“受理窗口”列：找不到窗口“410100001/99”（格式：中心代码/窗口号）。" in errors
    assert "工作表“申请材料”第2行“份数”列：须为整数，现为“两份”。" in errors
    assert "工作表“申请材料”第3行“实施编码”列：工作表“事项”中没有实施编码为“不存在的编码”的事项。" in errors
    assert set(ServiceItem.objects.values_list("name", flat=True)) == names


def test_a_rule_broken_at_publication_rolls_back_the_whole_file(world, exported):
    # Row 2 is fine and changed; row 3 becomes a charged item whose publication lacks nothing the reader checks
    # but a direct-mode rule the service checks: the whole file must still be refused.
    content = _edit(exported, "事项", 2, "事项名称", "最低生活保障审核确认")
    content = _edit(content, "事项", 3, "承诺时限", 0)

    with pytest.raises(ImportErrors) as exc:
        _import(content, world.director.user)

    assert exc.value.errors == ["工作表“事项”第3行“承诺时限”列：非即办件须填写大于零的承诺时限。"]
    assert not ServiceItem.objects.filter(name="最低生活保障审核确认").exists()
    assert ItemVersion.objects.count() == 6


def test_malformed_files_get_a_clear_message(world):
    empty = Workbook()
    empty_content = io.BytesIO()
    empty.save(empty_content)
    wrong_header = Workbook()
    ws: Any = wrong_header.active
    ws.title = "事项"
    ws.append(["编号", "名字"])
    ws.append(["X-1", "某事项"])
    wrong_content = io.BytesIO()
    wrong_header.save(wrong_content)

    cases = [
        (b"not a spreadsheet", "文件不是有效的 Excel 工作簿"),
        (b"PK\x03\x04broken zip", "文件不是有效的 Excel 工作簿"),
        (empty_content.getvalue(), "缺少工作表“事项”。"),
        (wrong_content.getvalue(), "工作表“事项”缺少“实施编码”列。"),
    ]
    for content, message in cases:
        with pytest.raises(ImportErrors) as exc:
            read_workbook(io.BytesIO(content), user=world.director.user)
        assert any(message in e for e in exc.value.errors), (message, exc.value.errors)


def test_import_refuses_units_outside_the_users_scope(world, exported):
    content = _edit(exported, "事项", 2, "目录所属单位代码", world.other.code)

    with pytest.raises(ImportErrors) as exc:
        read_workbook(io.BytesIO(content), user=world.director.user)

    assert f"工作表“事项”第2行“目录所属单位代码”列：单位“{world.other.name}”不在您的管理范围内。" in exc.value.errors


def test_export_neutralises_formula_like_text(world):
    published_item(owner=world.center, department=world.department, name='=HYPERLINK("x")')

    cells = _cells(export_workbook(ServiceItem.objects.all()))

    assert cells["事项"][1][1] == '\'=HYPERLINK("x")'


def test_a_large_real_catalog_imports_in_one_go(world):
    """Every fourth of the 1,135 items of a real district's catalog, as a workbook a district office would send."""
    book = Workbook()
    ws: Any = book.active
    ws.title = "事项"
    ws.append([c.header for c in spreadsheets.ITEM_COLUMNS])
    types = {"1": "行政许可", "5": "行政给付", "7": "行政确认", "8": "行政奖励", "9": "行政裁决", "10": "其他行政权力"}
    with REAL_NAMES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[::4]
    for n, row in enumerate(rows):
        values = {
            "实施编码": f"REAL-{n:05d}",
            "事项名称": row["name"],
            "事项类型": types.get(row["task_type"], "公共服务"),
            "目录所属单位代码": world.district.code,
            "主管部门编码": f"{world.center.code}/MZ",
            "实施层级": "区级",
            "办理方式": "承诺件",
            "法定时限": 20,
            "承诺时限": 10,
            "状态": "草稿",
        }
        ws.append([values.get(c.header) for c in spreadsheets.ITEM_COLUMNS])
    book.create_sheet("申请材料").append([c.header for c in spreadsheets.MATERIAL_COLUMNS])
    book.create_sheet("办理环节").append([c.header for c in spreadsheets.STEP_COLUMNS])
    out = io.BytesIO()
    book.save(out)

    counts = _import(out.getvalue(), world.admin.user)

    assert counts["created"] == len(rows) == 284
    assert ServiceItem.objects.filter(status=ServiceItem.Status.DRAFT).count() == 284


def test_import_and_export_pages(client, world, exported):
    client.force_login(world.director.user)
    download = client.get(reverse("catalog:export"))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]

    bad = client.post(reverse("catalog:import"), {"file": SimpleUploadedFile("目录.xlsx", b"garbage")})
    assert bad.status_code == 400
    assert "文件不是有效的 Excel 工作簿" in bad.content.decode()
    missing = client.post(reverse("catalog:import"), {})
    assert "请选择要导入的文件。" in missing.content.decode()

    changed = _edit(download.content, "事项", 2, "事项名称", "最低生活保障审核确认")
    response = client.post(reverse("catalog:import"), {"file": SimpleUploadedFile("目录.xlsx", changed)}, follow=True)

    assert "导入完成：新增 0 个事项，更新 3 个，发布 1 个版本。" in response.content.decode()
    assert ServiceItem.objects.filter(name="最低生活保障审核确认", version=3).exists()


def test_conditional_materials_and_returned_originals_travel_through_the_workbook(demo_catalog):
    from bianmin.catalog.models import Material

    # given the demo catalog, which marks special-situation proofs conditional and ID cards returned after inspection
    admin = OrgUnit.objects.get(code="410108").staff.get(user__username="admin").user
    assert Material.objects.filter(name="残疾人证、病历等特殊情况证明", conditional=True).exists()
    assert Material.objects.filter(name="居民身份证", original=Material.Original.RETURNED).exists()
    exported = export_workbook(ServiceItem.objects.all())
    header, *rows = _cells(exported)["申请材料"]
    assert header[6:8] == ("视情况提交", "原件处理")
    by_name = {r[1]: r for r in rows}
    assert by_name["残疾人证、病历等特殊情况证明"][6:8] == ("是", "留存")
    assert by_name["居民身份证"][6:8] == ("否", "核验后退还")

    # when the workbook is imported into an empty catalog
    _wipe_catalog()
    _import(exported, admin)

    # then the materials, and the published checklists cases are judged by, carry both again
    proof = Material.objects.filter(name="残疾人证、病历等特殊情况证明").select_related("item").get()
    assert proof.conditional
    assert {m.original for m in Material.objects.filter(name="居民身份证")} == {Material.Original.RETURNED}
    version = ItemVersion.objects.get(item=proof.item, number=proof.item.version)
    assert next(m for m in version.materials if m["name"] == proof.name)["conditional"] is True


def test_an_oversized_import_is_refused_before_it_is_read(world, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UPLOAD_BYTES", 1000)

    with pytest.raises(ImportErrors) as exc:
        read_workbook(io.BytesIO(b"PK" + b"\0" * 2000), user=world.director.user)

    assert exc.value.errors == ["文件超过 0 MB，请分批导入。"]


def _items_sheet(rows: int) -> bytes:
    book = Workbook()
    ws: Any = book.active
    ws.title = "事项"
    ws.append([c.header for c in spreadsheets.ITEM_COLUMNS])
    for n in range(rows):
        ws.append([f"X-{n}"])  # every row misses its required columns
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_with_too_many_rows_is_refused(world, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 5)
    monkeypatch.setattr(spreadsheets, "MAX_ERRORS", 1000)

    with pytest.raises(ImportErrors) as exc:
        read_workbook(io.BytesIO(_items_sheet(20)), user=world.director.user)

    assert "工作表“事项”超过 5 行，请分批导入。" in exc.value.errors


def test_an_import_stops_after_the_first_hundred_errors(world):
    with pytest.raises(ImportErrors) as exc:
        read_workbook(io.BytesIO(_items_sheet(2000)), user=world.director.user)

    assert len(exc.value.errors) == spreadsheets.MAX_ERRORS + 1
    assert "错误已超过 100 条" in exc.value.errors[-1]


def test_a_large_workbook_is_imported_in_the_background_with_its_progress(
    client, world, exported, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from bianmin.catalog.imports import catalog_import_execute
    from bianmin.catalog.models import CatalogImportRun

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(spreadsheets, "BACKGROUND_BYTES", 100)
    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 1)
    changed = _edit(exported, "事项", 2, "事项名称", "最低生活保障审核确认")
    client.force_login(world.director.user)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("catalog:import"), {"file": SimpleUploadedFile("目录.xlsx", changed)})

    run = CatalogImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:import_run", args=[run.pk])
    assert len(queued) == 1  # the task is queued after commit, nothing is imported in the request
    assert not ServiceItem.objects.filter(name="最低生活保障审核确认").exists()
    page = client.get(response["Location"])
    assert "排队中" in page.content.decode()
    assert 'http-equiv="refresh"' in page.content.decode()

    assert catalog_import_execute(run_id=run.pk) == "done"
    assert catalog_import_execute(run_id=run.pk) == "already taken"

    run.refresh_from_db()
    assert run.status == CatalogImportRun.Status.DONE
    assert run.rows_read > 0
    assert ServiceItem.objects.filter(name="最低生活保障审核确认").exists()
    assert "导入完成：新增 0 个事项，更新" in client.get(response["Location"]).content.decode()
    client.force_login(world.other_director.user)  # a manager, but not the one who imported
    assert client.get(response["Location"]).status_code == 404


def test_a_background_import_with_errors_lists_them(world, exported, settings, tmp_path):
    from django.core.files.base import ContentFile

    from bianmin.catalog.imports import catalog_import_execute
    from bianmin.catalog.models import CatalogImportRun

    settings.MEDIA_ROOT = tmp_path
    run = CatalogImportRun.objects.create(actor=world.director.user, file=ContentFile(_items_sheet(3), name="x.xlsx"))

    catalog_import_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == CatalogImportRun.Status.FAILED
    assert run.errors
