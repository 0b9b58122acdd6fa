"""The change view between two versions of an item, and the staff list's filters."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from bianmin.catalog import services
from bianmin.catalog.changes import compare
from bianmin.catalog.models import Material, Mode
from bianmin.catalog.tests.factories import ServiceItemFactory, published_item

V1: dict[str, Any] = {
    "name": "高龄津贴申领",
    "code": "GL-1",
    "mode": "promised",
    "statutory_limit": 20,
    "promised_limit": 10,
    "limit_unit": "working",
    "is_free": True,
    "fee_standard": "",
    "conditions": "年满80周岁",
    "materials": [
        {"id": 1, "name": "居民身份证", "kind": "main", "form": "both", "copies": 1, "blank_form": ""},
        {"id": 2, "name": "户口簿", "kind": "general", "form": "copy", "copies": 1, "blank_form": ""},
    ],
    "steps": [{"name": "受理", "duration_days": 0}],
}


def test_compare_lists_time_limits_fees_conditions_and_materials_in_words():
    v2 = copy.deepcopy(V1)
    v2.update(
        {
            "promised_limit": 7,
            "is_free": False,
            "fee_standard": "工本费10元",
            "conditions": "年满80周岁的本辖区户籍居民",
        }
    )
    v2["materials"] = [
        {"id": 1, "name": "居民身份证", "kind": "main", "form": "original", "copies": 2, "blank_form": "f.docx"},
        {"id": 3, "name": "银行卡", "kind": "general", "form": "copy", "copies": 1, "blank_form": ""},
    ]

    diff = compare(V1, v2)

    fields = {c.label: (c.section, c.before, c.after) for c in diff.fields}
    assert fields["承诺时限"] == ("办理时限", "10个工作日", "7个工作日")
    assert fields["是否收费"] == ("收费", "不收费", "收费")
    assert fields["收费标准"] == ("收费", "—", "工本费10元")
    assert fields["受理条件"][1:] == ("年满80周岁", "年满80周岁的本辖区户籍居民")
    assert "事项名称" not in fields
    assert "法定时限" not in fields
    assert diff.added == ["银行卡"]
    assert diff.removed == ["户口簿"]
    [changed] = diff.changed
    assert changed.name == "居民身份证"
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("材料形式", "原件及复印件", "原件"),
        ("份数", "1", "2"),
        ("空白表格", "无", "已上传"),
    ]
    assert "承诺时限：10个工作日 → 7个工作日" in diff.summary()
    assert "修改材料：居民身份证（材料形式、份数、空白表格）" in diff.summary()


def test_a_renamed_material_is_a_change_not_an_addition():
    v2 = copy.deepcopy(V1)
    v2["materials"][1]["name"] = "居民户口簿"

    diff = compare(V1, v2)

    assert diff.added == diff.removed == []
    assert [(c.label, c.before, c.after) for c in diff.changed[0].changes] == [("材料名称", "户口簿", "居民户口簿")]


def test_identical_versions_have_no_changes():
    assert compare(V1, copy.deepcopy(V1)).empty


def _two_versions(world):
    first = published_item(owner=world.center, department=world.department, name="高龄津贴申领", promised_limit=10)
    item = first.item
    kept = item.materials.get(name="居民身份证")
    services.item_update(
        item=item,
        actor=world.director.user,
        data={"promised_limit": 7, "is_free": False, "fee_standard": "工本费10元"},
        materials=[
            {"id": kept.pk, "name": kept.name, "kind": Material.Kind.MAIN, "form": Material.Form.ORIGINAL},
            {"name": "银行卡", "kind": Material.Kind.GENERAL},
        ],
    )
    services.item_publish(item=item, actor=world.admin.user, note="压缩时限")
    return item


@pytest.mark.django_db
def test_the_compare_page_shows_the_previous_and_current_version_side_by_side(client, world):
    item = _two_versions(world)
    client.force_login(world.director.user)

    page = client.get(reverse("catalog:item_compare", args=[item.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "承诺时限" in body
    assert "<del>10个工作日</del>" in body
    assert "<ins>7个工作日</ins>" in body
    assert "<ins>工本费10元</ins>" in body
    assert "<ins>银行卡</ins>" in body
    assert "<del>户口簿</del>" in body
    assert "压缩时限" in body
    detail = client.get(reverse("catalog:item_detail", args=[item.pk])).content.decode()
    assert reverse("catalog:item_compare", args=[item.pk]) in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"left": "1", "right": "9"}, "该事项没有这个版本"),
        ({"left": "x", "right": "2"}, "该事项没有这个版本"),
        ({"left": "2", "right": "2"}, "请选择两个不同的版本"),
        ({"left": "1"}, "请选择要比较的两个版本"),
    ],
)
def test_bad_versions_get_a_chinese_message(client, world, params, message):
    item = _two_versions(world)
    client.force_login(world.director.user)

    page = client.get(reverse("catalog:item_compare", args=[item.pk]), params)

    assert page.status_code == 400
    assert message in page.content.decode()


@pytest.mark.django_db
def test_compare_is_scoped_and_needs_two_versions(client, world):
    item = _two_versions(world)
    single = published_item(owner=world.center, department=world.department).item
    client.force_login(world.other_director.user)
    assert client.get(reverse("catalog:item_compare", args=[item.pk])).status_code == 404

    client.force_login(world.director.user)
    assert "暂无可比较的内容" in client.get(reverse("catalog:item_compare", args=[single.pk])).content.decode()


@pytest.mark.django_db
def test_the_list_filters_by_mode_and_department_and_searches_like_the_public(client, world):
    published_item(owner=world.center, department=world.department, name="最低生活保障申请", default_mode=Mode.PROMISED)
    published_item(owner=world.center, department=world.joint, name="高龄津贴申领", default_mode=Mode.DIRECT)
    client.force_login(world.director.user)
    url = reverse("catalog:item_list")

    direct = client.get(url, {"mode": Mode.DIRECT}).content.decode()
    by_department = client.get(url, {"department": world.department.pk}).content.decode()
    by_initials = client.get(url, {"q": "zdshbz"}).content.decode()  # pinyin initials, as the public search

    assert "高龄津贴申领" in direct
    assert "最低生活保障申请" not in direct
    assert "最低生活保障申请" in by_department
    assert "高龄津贴申领" not in by_department
    assert "最低生活保障申请" in by_initials
    assert "高龄津贴申领" not in by_initials


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"mode": "fast"}, "办理方式“fast”无效"),
        ({"status": "lost"}, "状态“lost”无效"),
        ({"department": "abc"}, "主管部门无效"),
    ],
)
def test_bad_list_filters_get_a_chinese_message(client, world, params, message):
    ServiceItemFactory.create(owner=world.center, department=world.department, name="高龄津贴申领")
    client.force_login(world.director.user)

    page = client.get(reverse("catalog:item_list"), params)

    assert page.status_code == 200
    body = page.content.decode()
    assert message in body
    assert "高龄津贴申领" in body  # the list still shows, unfiltered by the bad value
