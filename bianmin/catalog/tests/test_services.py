from typing import Any

import pytest
from django.core.exceptions import ValidationError

from bianmin.catalog import services
from bianmin.catalog.models import ItemEvent, ItemVersion, Material, Mode, SearchTerm, ServiceItem
from bianmin.catalog.selectors import current_version, published_items, search_public
from bianmin.catalog.tests.factories import complete_item, published_item


def _data(world, **overrides):
    data = {
        "name": "高龄津贴申领",
        "code": "GL-001",
        "item_type": "payment",
        "department": world.department,
        "default_mode": Mode.PROMISED,
        "statutory_limit": 20,
        "promised_limit": 10,
        "is_free": True,
        "windows": [world.window],
        "themes": [],
        "joint_departments": [],
    }
    data.update(overrides)
    return data


MATERIALS: list[dict[str, Any]] = [
    {"name": "居民身份证", "kind": Material.Kind.MAIN, "form": Material.Form.BOTH, "copies": 1},
    {"name": "户口簿", "kind": Material.Kind.GENERAL},
]
STEPS = [{"name": "受理", "duration_days": 0}, {"name": "审核", "duration_days": 5}]


def test_create_makes_an_indexed_draft_with_an_event(world):
    item = services.item_create(
        actor=world.director.user, owner=world.center, data=_data(world), materials=MATERIALS, steps=STEPS
    )

    assert item.status == ServiceItem.Status.DRAFT
    assert [m.name for m in item.materials.all()] == ["居民身份证", "户口簿"]
    assert [s.name for s in item.steps.all()] == ["受理", "审核"]
    assert list(item.windows.all()) == [world.window]
    assert SearchTerm.objects.filter(item=item, term="gljtsl").exists()
    assert "高龄津贴申领" in ServiceItem.objects.get(pk=item.pk).search_text
    assert ItemEvent.objects.get(item=item).verb == "create"
    assert not published_items(center=world.center).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写事项名称。"),
        ({"promised_limit": -3}, "promised_limit", "承诺时限不能为负数。"),
        ({"statutory_limit": -1}, "statutory_limit", "法定时限不能为负数。"),
        ({"visits": "两次"}, "visits", "到现场次数须为整数。"),
        ({"department": None}, "department", "请选择主管部门。"),
    ],
)
def test_create_refuses_bad_input_in_chinese(world, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=world.director.user, owner=world.center, data=_data(world, **overrides))

    assert exc.value.message_dict[field] == [message]
    assert not ServiceItem.objects.exists()


def test_create_refuses_a_duplicate_code(world):
    services.item_create(actor=world.director.user, owner=world.center, data=_data(world))

    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=world.director.user, owner=world.center, data=_data(world, name="另一事项"))

    assert "已被其他事项使用" in exc.value.message_dict["code"][0]


def test_full_workflow_draft_review_publish_change_republish(world):
    actor = world.director.user
    item = services.item_create(actor=actor, owner=world.center, data=_data(world), materials=MATERIALS, steps=STEPS)

    services.item_submit(item=item, actor=actor)
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.REVIEW

    reviewer = world.admin.user  # four-eyes: a second manager approves
    v1 = services.item_approve(item=item, actor=reviewer, note="首次发布")
    assert v1.number == 1
    assert v1.published_by == reviewer
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.PUBLISHED
    assert published_items(center=world.center).get() == item

    # A change to a published item stays out of public view until approved.
    id_card = item.materials.get(name="居民身份证")
    services.item_update(
        item=item,
        actor=actor,
        data={"name": "高龄津贴申请", "promised_limit": 7},
        materials=[{"id": id_card.pk, **MATERIALS[0]}, {"name": "银行卡", "kind": Material.Kind.GENERAL}],
    )
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.PUBLISHED
    assert item.change_status == ServiceItem.ChangeStatus.EDITING
    assert current_version(item).snapshot["name"] == "高龄津贴申领"
    assert search_public(center=world.center, text="高龄津贴申领").hits[0].item == item

    services.item_submit(item=item, actor=actor, note="时限压缩")
    item.refresh_from_db()
    assert item.change_status == ServiceItem.ChangeStatus.REVIEW
    v2 = services.item_approve(item=item, actor=reviewer)

    item.refresh_from_db()
    assert v2.number == 2
    assert item.change_status == ServiceItem.ChangeStatus.NONE
    assert v2.snapshot["name"] == "高龄津贴申请"
    assert v2.snapshot["promised_limit"] == 7
    # The material kept its id across the change: cases' checklists still point at it.
    assert v2.materials[0]["id"] == v1.materials[0]["id"] == id_card.pk
    assert [m["name"] for m in v2.materials] == ["居民身份证", "银行卡"]
    assert ItemVersion.objects.get(item=item, number=1).snapshot["name"] == "高龄津贴申领"
    verbs = list(ItemEvent.objects.filter(item=item).order_by("id").values_list("verb", flat=True))
    assert verbs == ["create", "submit", "publish", "update", "submit", "publish"]


def test_saving_a_published_item_unchanged_leaves_nothing_pending(world):
    item = published_item(owner=world.center, department=world.department).item

    services.item_update(item=item, actor=None, data={"name": item.name})

    item.refresh_from_db()
    assert item.change_status == ServiceItem.ChangeStatus.NONE
    assert not services.can_submit(item)


def test_review_needs_materials_and_steps(world):
    item = services.item_create(actor=world.director.user, owner=world.center, data=_data(world))

    with pytest.raises(ValidationError) as exc:
        services.item_submit(item=item, actor=world.director.user)

    assert "请至少填写一项主要申请材料。" in exc.value.messages
    assert "请至少填写一个办理环节。" in exc.value.messages
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.DRAFT


def test_joint_and_forwarded_items_need_their_partners(world):
    joint = complete_item(owner=world.center, department=world.department, default_mode=Mode.JOINT)
    forwarded = complete_item(owner=world.center, department=world.department, default_mode=Mode.FORWARDED)

    with pytest.raises(ValidationError) as joint_exc:
        services.item_submit(item=joint, actor=None)
    with pytest.raises(ValidationError) as forwarded_exc:
        services.item_submit(item=forwarded, actor=None)

    assert joint_exc.value.message_dict["joint_departments"] == ["联办件须选择联办部门。"]
    assert forwarded_exc.value.message_dict["forward_to"] == ["上报件须指定上报单位。"]


def test_approve_without_review_and_return_without_reason_are_refused(world):
    item = complete_item(owner=world.center, department=world.department)

    with pytest.raises(ValidationError, match="请先提交审核"):
        services.item_approve(item=item, actor=None)
    services.item_submit(item=item, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.item_return(item=item, actor=None, note=" ")
    assert exc.value.message_dict["note"] == ["请填写退回理由。"]

    services.item_return(item=item, actor=None, note="材料名称不规范")
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.DRAFT
    assert ItemEvent.objects.filter(item=item, verb="return", note="材料名称不规范").exists()


def test_withdraw_takes_the_item_off_the_public_catalog_and_keeps_versions(world):
    item = complete_item(owner=world.center, department=world.department)
    services.item_publish(item=item, actor=None)

    with pytest.raises(ValidationError):
        services.item_withdraw(item=item, actor=None, reason="")
    services.item_withdraw(item=item, actor=None, reason="职能调整，不再受理")

    item.refresh_from_db()
    assert item.status == ServiceItem.Status.WITHDRAWN
    assert not published_items(center=world.center).exists()
    assert search_public(center=world.center, text=item.name).hits == []
    assert ItemVersion.objects.filter(item=item).count() == 1
    with pytest.raises(ValidationError, match="只有已发布的事项可以停用"):
        services.item_withdraw(item=item, actor=None, reason="再次停用")

    # Restored through review as a new version.
    services.item_submit(item=item, actor=None)
    assert services.item_approve(item=item, actor=world.director.user).number == 2


def test_snapshot_keeps_the_first_release_keys(world):
    version = published_item(owner=world.center, department=world.department, default_mode=Mode.JOINT)
    version.item.joint_departments.set([world.joint])
    snapshot = services.item_publish(item=version.item, actor=None).snapshot

    first_release = {
        "id", "name", "code", "basic_code", "item_type", "department", "department_id", "mode",
        "joint_department_ids", "forward_to_id", "statutory_limit", "promised_limit", "limit_unit", "visits",
        "is_free", "fee_standard", "fee_basis", "legal_basis", "conditions", "materials", "steps",
    }  # fmt: skip
    assert first_release <= set(snapshot)
    assert {"id", "name", "kind", "form", "copies", "source", "notes"} <= set(snapshot["materials"][0])
    assert snapshot["joint_department_ids"] == [world.joint.pk]
    assert snapshot["joint_departments"] == ["社会保障所"]


def test_steps_are_replaced_in_order_and_extra_ones_removed(world):
    item = complete_item(owner=world.center, department=world.department)

    services.item_update(item=item, actor=None, data={}, steps=[{"name": "一次办结", "duration_days": 0}])

    assert [s.name for s in item.steps.all()] == ["一次办结"]
