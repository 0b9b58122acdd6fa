"""Accountability records and the daily sweep that raises candidates from the data (§8(3))."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.org.models import OrgUnit, Staff
from bianmin.oversight.models import Accountability, AccountabilityEvent, Complaint
from bianmin.oversight.services import Actor, _user

V = Accountability.Violation


def _raise(
    *, center_id: int, staff_id: int | None, violation: str, kind: str, source_id: int, summary: str, now: dt.datetime
) -> bool:
    if Accountability.objects.filter(source_kind=kind, source_id=source_id).exists():
        return False
    try:
        with transaction.atomic():
            record = Accountability.objects.create(
                center_id=center_id,
                staff_id=staff_id,
                violation=violation,
                source_kind=kind,
                source_id=source_id,
                evidence=[{"kind": kind, "id": source_id}],
                summary=summary[:300],
                created_at=now,
            )
            AccountabilityEvent.objects.create(record=record, verb="raise", to_state=record.status, note=kind)
    except IntegrityError:
        return False
    return True


def accountability_sweep(now: dt.datetime | None = None) -> int:
    """Raise each candidate once; running it again raises nothing new."""
    from bianmin.cases.models import OneTimeNotificationFailure
    from bianmin.petitions.models import Petition
    from bianmin.staffing.models import UnmannedWindow

    now = now or timezone.now()
    raised = 0
    for f in OneTimeNotificationFailure.objects.values("pk", "center_id", "responsible_id", "case_id"):
        raised += _raise(
            center_id=f["center_id"], staff_id=f["responsible_id"], violation=V.FIRST_INQUIRY,
            kind="otn_failure", source_id=f["pk"], now=now,
            summary=_("补正材料超出一次性告知范围（办件 %s）") % f["case_id"],
        )  # fmt: skip
    for u in UnmannedWindow.objects.values("pk", "center_id", "window__number"):
        raised += _raise(
            center_id=u["center_id"], staff_id=None, violation=V.NO_COVER, kind="unmanned", source_id=u["pk"],
            summary=_("%s号窗口无人值守") % u["window__number"], now=now,
        )  # fmt: skip
    for c in Complaint.objects.filter(finding=Complaint.Finding.FOUNDED).values("pk", "center_id", "staff_id"):
        raised += _raise(
            center_id=c["center_id"], staff_id=c["staff_id"], violation=V.BUCK_PASSING, kind="complaint",
            source_id=c["pk"], summary=_("投诉经调查属实（投诉 %s）") % c["pk"], now=now,
        )  # fmt: skip
    for p in Petition.objects.overdue(now).values("pk", "center_id", "handler_id"):
        raised += _raise(
            center_id=p["center_id"], staff_id=p["handler_id"], violation=V.OVERDUE, kind="petition",
            source_id=p["pk"], summary=_("信访件超过办理期限（%s）") % p["pk"], now=now,
        )  # fmt: skip
    return raised


def accountability_decide(*, record: Accountability, sanction: str, reason: str, actor: Actor) -> Accountability:
    if sanction not in Accountability.Sanction.values or not sanction:
        raise ValidationError(_("请选择处理方式。"))
    with transaction.atomic():
        record = Accountability.objects.select_for_update(of=("self",)).select_related("staff").get(pk=record.pk)
        if record.status not in (Accountability.Status.CANDIDATE, Accountability.Status.APPEALED):
            raise ValidationError(_("该记录不能再作决定。"))
        if sanction == Accountability.Sanction.DISMISSAL and (
            record.staff is None or record.staff.employment != Staff.Employment.TEMPORARY
        ):
            raise ValidationError(_("辞退仅适用于临时人员。"))
        final = record.status == Accountability.Status.APPEALED
        to = Accountability.Status.FINAL if final else Accountability.Status.DECIDED
        AccountabilityEvent.objects.create(
            record=record, actor=_user(actor), verb="decide", from_state=record.status, to_state=to, note=reason
        )
        record.sanction, record.reason, record.status = sanction, reason, to
        record.save(update_fields=["sanction", "reason", "status"])
    return record


def accountability_dismiss(*, record: Accountability, reason: str, actor: Actor) -> Accountability:
    if not reason.strip():
        raise ValidationError(_("排除须说明理由。"))
    with transaction.atomic():
        record = Accountability.objects.select_for_update().get(pk=record.pk)
        if record.status != Accountability.Status.CANDIDATE:
            raise ValidationError(_("只有待确认的记录可以排除。"))
        AccountabilityEvent.objects.create(
            record=record, actor=_user(actor), verb="dismiss", from_state=record.status,
            to_state=Accountability.Status.DISMISSED, note=reason,
        )  # fmt: skip
        record.status, record.reason = Accountability.Status.DISMISSED, reason
        record.save(update_fields=["status", "reason"])
    return record


def accountability_appeal(*, record: Accountability, reason: str, actor: Actor) -> Accountability:
    if not reason.strip():
        raise ValidationError(_("请填写申诉理由。"))
    with transaction.atomic():
        record = Accountability.objects.select_for_update().get(pk=record.pk)
        if record.status != Accountability.Status.DECIDED:
            raise ValidationError(_("只有已决定的记录可以申诉。"))
        AccountabilityEvent.objects.create(
            record=record, actor=_user(actor), verb="appeal", from_state=record.status,
            to_state=Accountability.Status.APPEALED, note=reason,
        )  # fmt: skip
        record.status = Accountability.Status.APPEALED
        record.save(update_fields=["status"])
    return record


__all__ = [
    "OrgUnit",
    "accountability_appeal",
    "accountability_decide",
    "accountability_dismiss",
    "accountability_sweep",
]
