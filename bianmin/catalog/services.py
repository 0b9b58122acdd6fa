"""Every write to the catalog: drafting, review, publication (with a version snapshot), withdrawal, the search index.

The workflow of an item (`ServiceItem.status`):

    draft ──submit──▶ review ──approve──▶ published ──withdraw──▶ withdrawn
      ▲                 │                    │                       │
      └─────return──────┘                    │ edit                  └──submit──▶ review …
                                             ▼
                      published + change_status editing ──submit──▶ published + change_status review
                                 ▲                                          │ approve → new version
                                 └──────────────────return──────────────────┘

A published item stays public under its current version while its changes are drafted and reviewed; only
approval makes them public, as a new version. `item_publish` itself publishes from any state (the demo, imports
and tests use it directly); the staff UI goes through `item_approve`, which insists on a review first and on a
second person (`catalog.review`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.catalog import search
from bianmin.catalog.models import (
    ItemEvent,
    ItemVersion,
    Material,
    Mode,
    SearchTerm,
    ServiceItem,
    Step,
)
from bianmin.catalog.review import approval_check
from bianmin.catalog.workflow import CHANGE, ITEM
from bianmin.core.events import audit
from bianmin.org.models import OrgUnit

# Plain fields of an item the staff edit (relations are passed separately).
ITEM_FIELDS = (
    "name",
    "basic_code",
    "code",
    "item_type",
    "department",
    "implementing_level",
    "implementing_body",
    "legal_basis",
    "description",
    "conditions",
    "default_mode",
    "forward_to",
    "statutory_limit",
    "promised_limit",
    "limit_unit",
    "visits",
    "is_free",
    "fee_standard",
    "fee_basis",
    "consultation_phone",
    "complaint_channel",
    "offers_appointment",
    "offers_proxy",
    "offers_home_visit",
)
ITEM_RELATIONS = ("joint_departments", "windows", "themes")
MATERIAL_FIELDS = ("name", "kind", "form", "copies", "source", "conditional", "original", "notes")
MATERIAL_FILES = ("blank_form", "sample")
STEP_FIELDS = ("name", "description", "duration_days", "counts_toward_limit")

LIMIT_FIELDS = {
    "statutory_limit": gettext_lazy("法定时限"),
    "promised_limit": gettext_lazy("承诺时限"),
    "visits": gettext_lazy("到现场次数"),
}


def item_snapshot(item: ServiceItem) -> dict[str, Any]:
    """Everything a case needs to know about the item as published (materials keep their ids as keys).

    The keys of the first release stay as they were (cases read them); later keys are only ever added.
    """
    windows = sorted(item.windows.all(), key=lambda w: (w.center_id, w.number))
    joint = sorted(item.joint_departments.all(), key=lambda d: d.pk)
    return {
        "id": item.pk,
        "name": item.name,
        "code": item.code,
        "basic_code": item.basic_code,
        "item_type": item.item_type,
        "department": item.department.name,
        "department_id": item.department_id,
        "mode": item.default_mode,
        "joint_department_ids": [d.pk for d in joint],
        "forward_to_id": item.forward_to_id,
        "statutory_limit": item.statutory_limit,
        "promised_limit": item.promised_limit,
        "limit_unit": item.limit_unit,
        "visits": item.visits,
        "is_free": item.is_free,
        "fee_standard": item.fee_standard,
        "fee_basis": item.fee_basis,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "kind": m.kind,
                "form": m.form,
                "copies": m.copies,
                "source": m.source,
                "conditional": m.conditional,
                "original": m.original,
                "notes": m.notes,
                "blank_form": m.blank_form.name or "",
                "sample": m.sample.name or "",
            }
            for m in item.materials.all()
        ],
        "steps": [
            {
                "name": s.name,
                "description": s.description,
                "duration_days": s.duration_days,
                "counts_toward_limit": s.counts_toward_limit,
            }
            for s in item.steps.all()
        ],
        # Added for the public guide, which shows the published version, not the working copy.
        "owner_id": item.owner_id,
        "implementing_level": item.implementing_level,
        "implementing_body": item.implementing_body,
        "description": item.description,
        "joint_departments": [d.name for d in joint],
        "forward_to": item.forward_to.name if item.forward_to else "",
        "windows": [{"id": w.pk, "center_id": w.center_id, "number": w.number, "name": w.name} for w in windows],
        "themes": [t.name for t in item.themes.all()],
        "theme_ids": sorted(t.pk for t in item.themes.all()),
        "consultation_phone": item.consultation_phone,
        "complaint_channel": item.complaint_channel,
        "offers_appointment": item.offers_appointment,
        "offers_proxy": item.offers_proxy,
        "offers_home_visit": item.offers_home_visit,
    }


def snapshot_content(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot without material ids, for comparing what the public sees."""
    data = dict(snapshot)
    data["materials"] = [{k: v for k, v in m.items() if k != "id"} for m in snapshot.get("materials", [])]
    return data


def check_publishable(item: ServiceItem) -> None:
    errors: dict[str, str] = {}
    if not item.name.strip():
        errors["name"] = _("请填写事项名称。")
    if item.default_mode != "direct" and item.promised_limit <= 0:
        errors["promised_limit"] = _("非即办件须填写大于零的承诺时限。")
    if item.statutory_limit and item.promised_limit > item.statutory_limit:
        errors["promised_limit"] = _("承诺时限不能超过法定时限。")
    if item.default_mode == "forwarded" and item.forward_to_id is None:
        errors["forward_to"] = _("上报件须指定上报单位。")
    if not item.is_free and not item.fee_standard.strip():
        errors["fee_standard"] = _("收费事项须公开收费标准。")
    if errors:
        raise ValidationError(errors)


def check_complete(item: ServiceItem) -> None:
    """What review asks beyond `check_publishable`: the public must be told the materials and who handles it."""
    errors: dict[str, list[str]] = {}
    try:
        check_publishable(item)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    materials = list(item.materials.all())
    if not any(m.kind == Material.Kind.MAIN for m in materials):
        errors.setdefault("__all__", []).append(_("请至少填写一项主要申请材料。"))
    if not list(item.steps.all()):
        errors.setdefault("__all__", []).append(_("请至少填写一个办理环节。"))
    if item.default_mode == Mode.JOINT and not item.joint_departments.exists():
        errors.setdefault("joint_departments", []).append(_("联办件须选择联办部门。"))
    if not item.is_free and not item.fee_basis.strip():
        errors.setdefault("fee_basis", []).append(_("收费事项须公开收费依据。"))
    if errors:
        raise ValidationError(errors)


def item_validate(data: Mapping[str, Any]) -> None:
    """Field rules that hold for every saved item, draft or not (forms and the spreadsheet import check these)."""
    errors: dict[str, str] = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = _("请填写事项名称。")
    if not str(data.get("code") or "").strip():
        errors["code"] = _("请填写实施编码。")
    for name, label in LIMIT_FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = _("%(label)s须为整数。") % {"label": label}
        elif value < 0:
            errors[name] = _("%(label)s不能为负数。") % {"label": label}
        elif value > 32767:
            errors[name] = _("%(label)s过大。") % {"label": label}
    if data.get("department") is None:
        errors["department"] = _("请选择主管部门。")
    if errors:
        raise ValidationError(errors)


def _event(item: ServiceItem, actor: Any, verb: str, previous: str, note: str = "", **data: Any) -> ItemEvent:
    return ItemEvent.objects.create(
        item=item,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        from_state=previous,
        to_state=_state(item),
        note=note,
        data=data,
    )


def _state(item: ServiceItem) -> str:
    return f"{item.status}/{item.change_status}" if item.change_status else item.status


def _apply(item: ServiceItem, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in ITEM_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        attr = f"{name}_id" if name in ("department", "forward_to") else name
        new = value.pk if attr != name and value is not None else value
        if getattr(item, attr) != new:
            setattr(item, attr, new)
            changed.append(name)
    if item.is_free and "is_free" in data:
        # A free item publishes no fee standard; stale text would mislead.
        for name in ("fee_standard", "fee_basis"):
            if getattr(item, name):
                setattr(item, name, "")
                changed.append(name)
    return changed


def _set_relations(item: ServiceItem, data: Mapping[str, Any], *, new: bool = False) -> list[str]:
    changed = []
    for name in ITEM_RELATIONS:
        if name not in data:
            continue
        manager = getattr(item, name)
        wanted = {obj.pk for obj in data[name]}
        if new:
            if wanted:
                manager.add(*data[name])
                changed.append(name)
        elif set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(list(data[name]))
            changed.append(name)
    return changed


def _sync_materials(item: ServiceItem, rows: Iterable[Mapping[str, Any]]) -> bool:
    """Materials keep their ids across edits, so a case's checklist still names the same rows."""
    existing = {m.pk: m for m in item.materials.all()}
    keep: set[int] = set()
    changed = False
    for order, row in enumerate(rows):
        material = existing.get(row["id"]) if row.get("id") else None
        if material is None:
            material = Material(item=item)
            changed = True
        for name in MATERIAL_FIELDS:
            if name in row:
                value = row[name].strip() if isinstance(row[name], str) else row[name]
                if getattr(material, name) != value:
                    setattr(material, name, value)
                    changed = True
        for name in MATERIAL_FILES:
            value = row.get(name)
            if value is False:  # the form's "clear" box
                if getattr(material, name):
                    setattr(material, name, "")
                    changed = True
            elif value and not isinstance(value, FieldFile):  # a new upload (the stored file comes back as FieldFile)
                setattr(material, name, value)
                changed = True
        if material.sort_order != order:
            material.sort_order = order
            changed = True
        material.full_clean(exclude=["item", *MATERIAL_FILES])
        material.save()
        keep.add(material.pk)
    gone = [pk for pk in existing if pk not in keep]
    if gone:
        item.materials.filter(pk__in=gone).delete()
        changed = True
    return changed


def _sync_steps(item: ServiceItem, rows: Iterable[Mapping[str, Any]]) -> bool:
    existing = list(item.steps.all())
    changed = False
    count = 0
    for order, row in enumerate(rows):
        count += 1
        step = existing[order] if order < len(existing) else Step(item=item, sort_order=order)
        for name in STEP_FIELDS:
            if name in row:
                value = row[name].strip() if isinstance(row[name], str) else row[name]
                if getattr(step, name) != value:
                    setattr(step, name, value)
                    changed = True
        if step.pk is None or step.sort_order != order:
            step.sort_order = order
            changed = True
        step.full_clean(exclude=["item"])
        step.save()
    if len(existing) > count:
        item.steps.filter(pk__in=[s.pk for s in existing[count:]]).delete()
        changed = True
    return changed


def _check_owner_consistency(item: ServiceItem) -> None:
    if item.forward_to_id is not None and item.forward_to_id == item.owner_id:
        raise ValidationError({"forward_to": _("上报单位不能是事项所属单位本身。")})


@transaction.atomic
def item_create(
    *,
    actor: Any,
    owner: OrgUnit,
    data: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any]] = (),
    steps: Iterable[Mapping[str, Any]] = (),
) -> ServiceItem:
    """A new item, as a draft."""
    item_validate(data)
    if ServiceItem.objects.filter(code=str(data["code"]).strip()).exists():
        raise ValidationError({"code": _("实施编码“%(code)s”已被其他事项使用。") % {"code": data["code"]}})
    item = ServiceItem(owner=owner, status=ServiceItem.Status.DRAFT)
    _apply(item, data)
    _check_owner_consistency(item)
    item.full_clean(exclude=["owner", "department", "forward_to"], validate_unique=False)
    item.save()
    _set_relations(item, data, new=True)
    materials = list(materials)
    _sync_materials(item, materials)
    _sync_steps(item, steps)
    department = data["department"]
    item_reindex(
        item=item,
        source={
            "name": item.name,
            "codes": [item.basic_code, item.code],
            "materials": [m["name"] for m in materials],
            "context": [department.name, *(t.name for t in data.get("themes", ()))],
        },
    )
    _event(item, actor, "create", "")
    return item


@transaction.atomic
def item_update(
    *,
    item: ServiceItem,
    actor: Any,
    data: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any]] | None = None,
    steps: Iterable[Mapping[str, Any]] | None = None,
) -> ServiceItem:
    """Change the working copy. A published item stays public as it was until the change is approved."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    item_validate({**_current(item), **data})
    if "code" in data and ServiceItem.objects.filter(code=str(data["code"]).strip()).exclude(pk=item.pk).exists():
        raise ValidationError({"code": _("实施编码“%(code)s”已被其他事项使用。") % {"code": data["code"]}})
    previous = _state(item)
    changed = _apply(item, data)
    _check_owner_consistency(item)
    item.full_clean(exclude=["owner", "department", "forward_to"], validate_unique=False)
    item.save()
    changed += _set_relations(item, data)
    if materials is not None and _sync_materials(item, materials):
        changed.append("materials")
    if steps is not None and _sync_steps(item, steps):
        changed.append("steps")
    if item.status == ServiceItem.Status.PUBLISHED:
        differs = snapshot_content(_published_snapshot(item)) != snapshot_content(item_snapshot(item))
        if not differs:
            CHANGE.move(item, ServiceItem.ChangeStatus.NONE, _("恢复为已发布内容"))
        elif item.change_status == ServiceItem.ChangeStatus.NONE:
            CHANGE.move(item, ServiceItem.ChangeStatus.EDITING, _("修改"))
        item.save(update_fields=["change_status", "updated_at"])
    item_reindex(item=item)
    if changed:
        _event(item, actor, "update", previous, fields=changed)
    return item


def _current(item: ServiceItem) -> dict[str, Any]:
    return {"name": item.name, "code": item.code, "department": item.department}


def _published_snapshot(item: ServiceItem) -> dict[str, Any]:
    version = ItemVersion.objects.filter(item=item, number=item.version).first()
    return version.snapshot if version else {}


def can_submit(item: ServiceItem) -> bool:
    if item.status in (ServiceItem.Status.DRAFT, ServiceItem.Status.WITHDRAWN):
        return True
    return item.status == ServiceItem.Status.PUBLISHED and item.change_status == ServiceItem.ChangeStatus.EDITING


def in_review(item: ServiceItem) -> bool:
    return item.status == ServiceItem.Status.REVIEW or item.change_status == ServiceItem.ChangeStatus.REVIEW


def can_withdraw(item: ServiceItem) -> bool:
    return item.status == ServiceItem.Status.PUBLISHED


@transaction.atomic
def item_submit(*, item: ServiceItem, actor: Any, note: str = "") -> ServiceItem:
    """Hand the draft (or the change of a published item) to review."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if not can_submit(item):
        raise ValidationError(_("该事项当前状态为“%(state)s”，不能提交审核。") % {"state": state_label(item)})
    check_complete(item)
    previous = _state(item)
    if item.status == ServiceItem.Status.PUBLISHED:
        CHANGE.move(item, ServiceItem.ChangeStatus.REVIEW, _("提交审核"))
    else:
        ITEM.move(item, ServiceItem.Status.REVIEW, _("提交审核"))
    item.save(update_fields=["status", "change_status", "updated_at"])
    _event(item, actor, "submit", previous, note)
    return item


@transaction.atomic
def item_return(*, item: ServiceItem, actor: Any, note: str) -> ServiceItem:
    """Send it back for more drafting, saying why."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if not in_review(item):
        raise ValidationError(_("只有待审核的事项可以退回。"))
    if not note.strip():
        raise ValidationError({"note": _("请填写退回理由。")})
    previous = _state(item)
    if item.status == ServiceItem.Status.REVIEW:
        ITEM.move(item, ServiceItem.Status.WITHDRAWN if item.version else ServiceItem.Status.DRAFT, _("退回"))
    else:
        CHANGE.move(item, ServiceItem.ChangeStatus.EDITING, _("退回"))
    item.save(update_fields=["status", "change_status", "updated_at"])
    _event(item, actor, "return", previous, note.strip())
    return item


@transaction.atomic
def item_approve(*, item: ServiceItem, actor: Any, note: str = "") -> ItemVersion:
    """Review passed: publish the item (or its change) as a new version. The reviewer is a second person: whoever
    edited or submitted the pending content may approve it only where the owner unit relaxes the rule, and then the
    approval is written to the audit trail."""
    item = ServiceItem.objects.select_for_update().select_related("owner").get(pk=item.pk)
    if not in_review(item):
        raise ValidationError(_("请先提交审核，审核通过后才能发布。"))
    check = approval_check(item, actor)
    if not check.allowed:
        raise ValidationError(check.reason, code="four_eyes")
    check_complete(item)
    version = _publish(item=item, actor=actor, note=note, data={"self_approved": True} if check.waived else {})
    if check.waived:
        audit(
            actor=actor,
            target=item,
            verb="catalog_self_approval",
            note=_("本单位允许编辑人本人审核发布，%(name)s 第 %(n)s 版由修改人本人审核发布。")
            % {"name": item.name, "n": version.number},
            data={"version": version.number, "owner": item.owner.code},
        )
    return version


@transaction.atomic
def item_publish(*, item: ServiceItem, actor: Any, note: str = "") -> ItemVersion:
    """Freeze the item as a new version and make it public (the demo, imports and tests; staff go through review)."""
    return _publish(item=item, actor=actor, note=note)


def _publish(*, item: ServiceItem, actor: Any, note: str, data: dict[str, Any] | None = None) -> ItemVersion:
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    check_publishable(item)
    previous = item.status
    item.version += 1
    ITEM.move(item, ServiceItem.Status.PUBLISHED, _("发布"))
    CHANGE.move(item, ServiceItem.ChangeStatus.NONE, _("发布"))
    item.published_at = timezone.now()
    item.save(update_fields=["version", "status", "change_status", "published_at", "updated_at"])
    version = ItemVersion.objects.create(
        item=item, number=item.version, snapshot=item_snapshot(item), published_by=actor, note=note
    )
    ItemEvent.objects.create(
        item=item,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb="publish",
        from_state=previous,
        to_state=item.status,
        note=note,
        data={"version": version.number, **(data or {})},
    )
    item_reindex(item=item)
    return version


@transaction.atomic
def item_withdraw(*, item: ServiceItem, actor: Any, reason: str) -> ServiceItem:
    """Take the item off the public catalog; cases already accepted keep their version."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if not can_withdraw(item):
        raise ValidationError(_("只有已发布的事项可以停用。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写停用理由。")})
    previous = _state(item)
    ITEM.move(item, ServiceItem.Status.WITHDRAWN, _("停用"))
    CHANGE.move(item, ServiceItem.ChangeStatus.NONE, _("停用"))
    item.save(update_fields=["status", "change_status", "updated_at"])
    _event(item, actor, "withdraw", previous, reason.strip())
    return item


def state_label(item: ServiceItem) -> str:
    if item.change_status:
        return f"{item.get_status_display()}（{item.get_change_status_display()}）"
    return str(item.get_status_display())


def index_source(item: ServiceItem) -> dict[str, Any]:
    """What the index is built from: the published version when there is one (what the public sees), else the draft."""
    snapshot = _published_snapshot(item) if item.version else {}
    if snapshot:
        return {
            "name": snapshot["name"],
            "codes": [snapshot.get("basic_code", ""), snapshot.get("code", "")],
            "materials": [m["name"] for m in snapshot.get("materials", [])],
            "context": [snapshot.get("department", ""), *snapshot.get("themes", [])],
        }
    return {
        "name": item.name,
        "codes": [item.basic_code, item.code],
        "materials": [m.name for m in item.materials.all()],
        "context": [item.department.name, *(t.name for t in item.themes.all())],
    }


def item_reindex(*, item: ServiceItem, source: Mapping[str, Any] | None = None) -> int:
    """Rebuild the item's search terms and `search_text`; every service that changes what is indexed calls it.

    `source` (name, codes, materials, context) saves the queries when the caller already holds it.
    """
    weights = search.index_terms(**(source if source is not None else index_source(item)))
    SearchTerm.objects.filter(item=item).delete()
    SearchTerm.objects.bulk_create(SearchTerm(item=item, term=t, weight=w) for t, w in weights.items())
    ServiceItem.objects.filter(pk=item.pk).update(search_text=search.search_text(weights))
    return len(weights)
