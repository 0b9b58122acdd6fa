from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog.models import ItemEvent, ItemVersion, ServiceItem


def item_snapshot(item: ServiceItem) -> dict[str, Any]:
    """Everything a case needs to know about the item as published (materials keep their ids as keys)."""
    return {
        "id": item.pk,
        "name": item.name,
        "code": item.code,
        "basic_code": item.basic_code,
        "item_type": item.item_type,
        "department": item.department.name,
        "department_id": item.department_id,
        "mode": item.default_mode,
        "joint_department_ids": sorted(d.pk for d in item.joint_departments.all()),
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
                "notes": m.notes,
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
    }


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


@transaction.atomic
def item_publish(*, item: ServiceItem, actor: Any, note: str = "") -> ItemVersion:
    """Freeze the item as a new version and make it public."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    check_publishable(item)
    previous = item.status
    item.version += 1
    item.status = ServiceItem.Status.PUBLISHED
    item.published_at = timezone.now()
    item.save(update_fields=["version", "status", "published_at", "updated_at"])
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
        data={"version": version.number},
    )
    return version
