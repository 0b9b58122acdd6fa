"""Forwarded cases (代办转报件, §4(5)): forwarded to the district, tracked, decided."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.access import check_holds
from bianmin.cases.models import (
    Case,
    CaseForwarding,
    CaseMaterial,
    Custody,
    Outcome,
    Status,
)
from bianmin.cases.services._common import _event, _lock, _staff
from bianmin.cases.services.handling import _complete
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import CaseStateError, check_transition, move
from bianmin.catalog.models import Mode
from bianmin.org.models import OrgUnit, Role, Staff

# --- forwarded cases (§4(5)) ----------------------------------------------------------------------------------


@transaction.atomic
def case_forward(*, case: Case, actor: Any, note: str = "") -> CaseForwarding:
    """Send a checked case to the district service center; the materials go with it."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if case.mode != Mode.FORWARDED:
        raise ValidationError(_("只有上报件可以上报区行政服务中心。"))
    district_id = case.item_version.snapshot.get("forward_to_id") or case.item.forward_to_id
    if not district_id:
        raise ValidationError(_("该事项未指定上报单位，请联系系统管理员完善事项目录。"))
    district = OrgUnit.objects.get(pk=district_id)
    previous = move(case, Status.FORWARDED, _("上报"))
    now = timezone.now()
    CaseMaterial.objects.filter(case=case, custody=Custody.HELD).update(
        custody=Custody.TRANSFERRED,
        disposed_at=now,
        disposed_by=staff,
        disposal_note=(_("随件报送%(unit)s") % {"unit": district.display_hall_name})[:200],
    )
    forwarding, _created = CaseForwarding.objects.update_or_create(
        case=case,
        defaults={"district": district, "forwarded_at": now, "forwarded_by": staff, "note": note.strip()},
    )
    case.save()
    _event(
        case,
        actor,
        Verb.FORWARD,
        from_state=previous,
        to_state=case.status,
        note=note.strip(),
        data={"district": district.display_hall_name},
    )
    return forwarding


def _district_check(staff: Staff, forwarding: CaseForwarding) -> None:
    if staff.role not in (Role.DISTRICT, Role.ADMIN) or not forwarding.district.path.startswith(staff.org_unit.path):
        raise ValidationError(_("只有接收上报的区行政服务中心可以登记办理情况。"), code="district")


@transaction.atomic
def forwarding_update(*, case: Case, actor: Any, reference: str = "", progress: str = "") -> CaseForwarding:
    staff = _staff(actor)
    case = _lock(case)
    forwarding = CaseForwarding.objects.select_related("district").get(case=case)
    _district_check(staff, forwarding)
    if case.status != Status.FORWARDED:
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能登记办理进展。") % {"status": case.get_status_display()}
        )
    if not reference.strip() and not progress.strip():
        raise ValidationError(_("请填写区级受理编号或办理进展。"))
    now = timezone.now()
    if reference.strip():
        forwarding.district_reference = reference.strip()[:64]
    if progress.strip():
        forwarding.progress = progress.strip()
        forwarding.progress_at = now
    forwarding.save()
    _event(
        case,
        actor,
        Verb.DISTRICT_UPDATE,
        note=progress.strip(),
        data={"reference": forwarding.district_reference},
    )
    return forwarding


@transaction.atomic
def forwarding_result(*, case: Case, actor: Any, approved: bool, result: str) -> Case:
    """The district records its result; the case is completed and waits for the center to deliver it."""
    staff = _staff(actor)
    case = _lock(case)
    forwarding = CaseForwarding.objects.select_related("district").get(case=case)
    _district_check(staff, forwarding)
    if not result.strip():
        raise ValidationError({"result": [_("请填写办理结果。")]})
    check_transition(case.status, Status.COMPLETED, _("登记办理结果"))
    now = timezone.now()
    forwarding.result = result.strip()
    forwarding.approved = approved
    forwarding.result_at = now
    forwarding.result_by = staff
    forwarding.save()
    _event(
        case,
        actor,
        Verb.DISTRICT_RESULT,
        note=result.strip(),
        data={"approved": approved, "reference": forwarding.district_reference},
    )
    verdict = _("准予办理") if approved else _("不予批准")
    _complete(
        case,
        staff,
        actor,
        now,
        f"{verdict}：{result.strip()}",
        outcome=Outcome.GRANTED if approved else Outcome.DENIED,
    )
    return case
