"""Handover (交接, §8(1)4): a case handed to a colleague who acknowledges it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.access import check_holds
from bianmin.cases.models import (
    Case,
    CaseHandover,
    CaseMaterial,
    Custody,
)
from bianmin.cases.notifications import notify
from bianmin.cases.services._common import _event, _lock, _staff
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import CaseStateError
from bianmin.org.models import Staff

# --- handover (§8(1)4) ----------------------------------------------------------------------------------------


def _handover(case: Case, staff: Staff, actor: Any, to_staff: Staff, note: str, now: dt.datetime) -> CaseHandover:
    if to_staff.pk == staff.pk:
        raise ValidationError({"handover_to": [_("不能移交给本人。")]})
    if not to_staff.is_active or not to_staff.org_unit.path.startswith(case.center.path):
        raise ValidationError({"handover_to": [_("只能移交给本中心在岗的工作人员。")]})
    if CaseHandover.objects.filter(case=case, acknowledged_at__isnull=True).exists():
        raise CaseStateError(_("该办件已有一项移交等待确认。"))
    handover = CaseHandover.objects.create(
        case=case, from_staff=staff, to_staff=to_staff, note=note.strip(), created_at=now
    )
    _event(case, actor, Verb.HANDOVER, note=note.strip(), data={"from": staff.name, "to": to_staff.name})
    notify("handover_created", handover=handover)
    return handover


@transaction.atomic
def case_handover(*, case: Case, actor: Any, to_staff: Staff, note: str = "") -> CaseHandover:
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if not case.is_open:
        raise CaseStateError(_("办件已终结，无需移交。"))
    return _handover(case, staff, actor, to_staff, note, timezone.now())


@transaction.atomic
def handover_acknowledge(*, handover: CaseHandover, actor: Any) -> CaseHandover:
    """The handler confirms receipt: the case and the custody of its materials pass to them."""
    staff = _staff(actor)
    case = _lock(handover.case)
    handover = CaseHandover.objects.select_for_update(of=("self",)).select_related("from_staff").get(pk=handover.pk)
    if handover.to_staff_id != staff.pk:
        raise ValidationError(_("只有接收人本人可以确认接收。"), code="not_recipient")
    if handover.acknowledged_at is not None:
        raise CaseStateError(_("该移交已确认接收，无需重复操作。"))
    now = timezone.now()
    handover.acknowledged_at = now
    handover.save(update_fields=["acknowledged_at"])
    case.assignee = staff
    case.save(update_fields=["assignee", "updated_at"])
    moved = CaseMaterial.objects.filter(case=case, custody=Custody.HELD).update(custodian=staff)
    _event(
        case,
        actor,
        Verb.HANDOVER_ACKNOWLEDGE,
        data={"from": handover.from_staff.name, "to": staff.name, "materials": moved},
    )
    return handover


def handovers_acknowledge_many(*, handovers: list[CaseHandover], actor: Any) -> list[tuple[CaseHandover, str]]:
    """Acknowledge several cases handed to the actor, each on its own (each is a case of its own): every one that
    can be is acknowledged under the single action's rules and with its event; the others come back with the reason
    in Chinese, for the page to say row by row."""
    failed: list[tuple[CaseHandover, str]] = []
    for handover in handovers:
        try:
            handover_acknowledge(handover=handover, actor=actor)
        except ValidationError as exc:
            failed.append((handover, "；".join(exc.messages)))
    return failed
