"""Accountability records and the daily sweep that raises candidates from the data (§8(3))."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.org.models import OrgUnit, Staff
from bianmin.oversight.models import Accountability, AccountabilityEvent, Complaint
from bianmin.oversight.services.actors import Actor, acting_user
from bianmin.oversight.workflow import ACCOUNTABILITY

V = Accountability.Violation


# Source kinds: one candidate per source row (the unique constraint on source_kind + source_id).
KIND_OTN = "otn_failure"
KIND_UNMANNED = "unmanned"
KIND_COMPLAINT = "complaint"
KIND_PETITION = "petition"
KIND_CASE_OVERDUE = "case_overdue"
KIND_MATERIALS = "materials"
KIND_REFUSAL = "refusal_overturned"
KIND_TASK = "assigned_task"

# Time-based rules look back this far, so the first sweep on years of history does not flood the director.
SWEEP_LOOKBACK = dt.timedelta(days=90)


def material_hold_days() -> int:
    """Materials still held this many days after receipt count as unaccounted for (§8(3)(5))."""
    return int(getattr(settings, "BIANMIN_MATERIAL_HOLD_DAYS", 30))


def _raise(
    *,
    center_id: int,
    staff_id: int | None,
    violation: str,
    kind: str,
    source_id: int,
    summary: str,
    now: dt.datetime,
    evidence: list[dict[str, Any]] | None = None,
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
                evidence=evidence or [{"kind": kind, "id": source_id}],
                summary=summary[:300],
                created_at=now,
            )
            AccountabilityEvent.objects.create(record=record, verb="raise", to_state=record.status, note=kind)
    except IntegrityError:
        return False
    return True


def _new(qs: QuerySet[Any], kind: str, field: str = "pk") -> QuerySet[Any]:
    """Rows of `qs` not raised yet (one anti-join, not a lookup per row)."""
    return qs.exclude(Exists(Accountability.objects.filter(source_kind=kind, source_id=OuterRef(field))))


def _case_evidence(case_id: int, number: str) -> dict[str, Any]:
    return {"kind": "case", "id": case_id, "label": number}


def accountability_sweep(now: dt.datetime | None = None) -> int:
    """Raise each candidate once; running it again raises nothing new."""
    now = now or timezone.now()
    return sum(
        rule(now)
        for rule in (
            _sweep_otn_failures,
            _sweep_unmanned,
            _sweep_complaints,
            _sweep_petitions,
            _sweep_overdue_cases,
            _sweep_materials,
            _sweep_refusals_overturned,
            _sweep_assigned_tasks,
        )
    )


def _sweep_otn_failures(now: dt.datetime) -> int:
    """A supplement request for something the first notice did not list (§8(3)(1)): cases records each one,
    signed off by the director, as a OneTimeNotificationFailure."""
    from bianmin.cases.models import OneTimeNotificationFailure

    raised = 0
    rows = _new(OneTimeNotificationFailure.objects.all(), KIND_OTN).values(
        "pk", "center_id", "responsible_id", "case_id", "case__number"
    )
    for f in rows:
        raised += _raise(
            center_id=f["center_id"], staff_id=f["responsible_id"], violation=V.FIRST_INQUIRY,
            kind=KIND_OTN, source_id=f["pk"], now=now,
            summary=_("补正材料超出一次性告知范围（办件 %s）") % f["case__number"],
            evidence=[_case_evidence(f["case_id"], f["case__number"]), {"kind": KIND_OTN, "id": f["pk"]}],
        )  # fmt: skip
    return raised


def _sweep_unmanned(now: dt.datetime) -> int:
    from bianmin.staffing.models import UnmannedWindow

    raised = 0
    for u in _new(UnmannedWindow.objects.all(), KIND_UNMANNED).values("pk", "center_id", "window__number"):
        raised += _raise(
            center_id=u["center_id"], staff_id=None, violation=V.NO_COVER, kind=KIND_UNMANNED, source_id=u["pk"],
            summary=_("%s号窗口无人值守") % u["window__number"], now=now,
        )  # fmt: skip
    return raised


@dataclass(frozen=True)
class ComplaintProposal:
    """Whom and what the system proposes for a founded complaint, from the roster and attendance at its time."""

    staff: list[Staff]  # best first; never anyone on approved leave then
    violation: str
    unmanned: bool  # nobody was on duty at the window then


def on_leave_at(staff_ids: list[int], moment: dt.datetime) -> set[int]:
    from bianmin.staffing.models import Leave

    return set(Leave.objects.filter(staff_id__in=staff_ids).covering(moment).values_list("staff_id", flat=True))


def complaint_proposal(complaint: Complaint) -> ComplaintProposal:
    """The person named by the complainant if they were at work; for a window, whoever was on duty then, or, when
    nobody was, the post holders who were not on approved leave (an A post absent without leave, the B post that
    should have covered) and "未落实AB岗、窗口无人"."""
    from bianmin.staffing.selectors import duties_at

    moment = complaint.created_at
    ids: list[int] = []
    unmanned = False
    window = complaint.window
    if window is not None:
        duty = duties_at(windows=[window], moment=moment)[window.pk]
        if duty.holder is not None:
            ids.append(duty.holder.staff_id)
        else:
            unmanned = True
            order = {"A": 0, "B": 1, "duty": 2}
            ids += [h.staff_id for h in sorted(duty.holders, key=lambda h: order.get(h.kind, 3)) if not h.on_leave]
    if complaint.staff_id is not None:
        ids.insert(0, complaint.staff_id)
    away = on_leave_at(ids, moment)
    wanted = list(dict.fromkeys(pk for pk in ids if pk not in away))
    found = {s.pk: s for s in Staff.objects.filter(pk__in=wanted, is_active=True)}
    return ComplaintProposal(
        staff=[found[pk] for pk in wanted if pk in found],
        violation=V.NO_COVER if unmanned else V.BUCK_PASSING,
        unmanned=unmanned,
    )


def raise_for_complaint(*, complaint_id: int, center_id: int, staff_id: int | None, created_at: dt.datetime,
                        now: dt.datetime, violation: str = V.BUCK_PASSING) -> bool:  # fmt: skip
    """A founded complaint (§8(3)(2)) becomes a candidate at once when the finding is recorded, naming the person and
    the violation the inspector chose; the sweep catches any the event missed, with the system's proposal."""
    number = Complaint.format_number(created_at, complaint_id)
    return _raise(
        center_id=center_id, staff_id=staff_id, violation=violation, kind=KIND_COMPLAINT,
        source_id=complaint_id, summary=_("投诉经调查属实（投诉 %s）") % number, now=now,
        evidence=[{"kind": KIND_COMPLAINT, "id": complaint_id, "label": number}],
    )  # fmt: skip


def _sweep_complaints(now: dt.datetime) -> int:
    raised = 0
    founded = _new(Complaint.objects.filter(finding=Complaint.Finding.FOUNDED), KIND_COMPLAINT)
    for c in founded.select_related("window"):
        proposal = complaint_proposal(c)
        raised += raise_for_complaint(
            complaint_id=c.pk, center_id=c.center_id, staff_id=proposal.staff[0].pk if proposal.staff else None,
            created_at=c.created_at, now=now, violation=proposal.violation,
        )  # fmt: skip
    return raised


def _sweep_petitions(now: dt.datetime) -> int:
    from bianmin.petitions.models import Petition

    raised = 0
    for p in _new(Petition.objects.overdue(now), KIND_PETITION).values("pk", "center_id", "handler_id", "number"):
        raised += _raise(
            center_id=p["center_id"], staff_id=p["handler_id"], violation=V.OVERDUE, kind=KIND_PETITION,
            source_id=p["pk"], summary=_("信访件超过办理期限（%s）") % p["number"], now=now,
            evidence=[{"kind": KIND_PETITION, "id": p["pk"], "label": p["number"]}],
        )  # fmt: skip
    return raised


def _sweep_overdue_cases(now: dt.datetime) -> int:
    """A case past its deadline with no recorded special reason (§8(3)(3)): still running after the deadline,
    or completed after it. A reason is a "delay_reason" event (cases.services.case_record_delay_reason)."""
    from bianmin.cases.models import CLOCK_RUNNING, Case, CaseEvent
    from bianmin.cases.services import DELAY_REASON_VERB

    late = Q(status__in=CLOCK_RUNNING, completed_at__isnull=True) | Q(completed_at__gt=F("due_at"))
    cases = _new(
        Case.objects.filter(late, due_at__lt=now, due_at__gte=now - SWEEP_LOOKBACK).exclude(
            Exists(CaseEvent.objects.filter(case=OuterRef("pk"), verb=DELAY_REASON_VERB))
        ),
        KIND_CASE_OVERDUE,
    )
    raised = 0
    for c in cases.values("pk", "center_id", "number", "assignee_id", "accepted_by_id", "item_name"):
        raised += _raise(
            center_id=c["center_id"], staff_id=c["assignee_id"] or c["accepted_by_id"], violation=V.OVERDUE,
            kind=KIND_CASE_OVERDUE, source_id=c["pk"], now=now,
            summary=_("办件 %(number)s“%(item)s”超过承诺时限，未登记特殊原因")
            % {"number": c["number"], "item": c["item_name"]},
            evidence=[_case_evidence(c["pk"], c["number"])],
        )  # fmt: skip
    return raised


def _sweep_materials(now: dt.datetime) -> int:
    """Materials unaccounted for (§8(3)(5)): still held by the center when the case is closed, or held longer
    than BIANMIN_MATERIAL_HOLD_DAYS. One candidate per case, naming the custodian of its first such material."""
    from bianmin.cases.models import Case, CaseMaterial, Custody, Status

    # A completed case still holds its materials until the applicant collects the result; once the result is handed
    # over (or the case refused or withdrawn) each material must be returned, archived or sent on. Materials received
    # before the lookback are left to the records already kept (no flood on the first run over old data).
    closed = [Status.DELIVERED, Status.REFUSED, Status.WITHDRAWN]
    held = CaseMaterial.objects.filter(custody=Custody.HELD, received_at__gte=now - SWEEP_LOOKBACK).filter(
        Q(case__status__in=closed) | Q(received_at__lt=now - dt.timedelta(days=material_hold_days()))
    )
    cases = _new(Case.objects.filter(Exists(held.filter(case=OuterRef("pk")))), KIND_MATERIALS)
    raised = 0
    for c in cases.values("pk", "center_id", "number", "assignee_id"):
        names = list(held.filter(case_id=c["pk"]).order_by("sort_order", "id").values_list("name", "custodian_id"))
        custodian = next((s for _name, s in names if s), None) or c["assignee_id"]
        raised += _raise(
            center_id=c["center_id"], staff_id=custodian, violation=V.LOST_MATERIALS, kind=KIND_MATERIALS,
            source_id=c["pk"], now=now,
            summary=_("办件 %(number)s 的材料去向不明：%(names)s")
            % {"number": c["number"], "names": "、".join(n for n, _s in names)},
            evidence=[_case_evidence(c["pk"], c["number"])],
        )  # fmt: skip
    return raised


def _sweep_refusals_overturned(now: dt.datetime) -> int:
    """A refusal later overturned (§8(3)(4)): the director's "refusal_overturned" event on the case."""
    from bianmin.cases.models import CaseEvent
    from bianmin.cases.services import REFUSAL_OVERTURNED_VERB

    raised = 0
    events = _new(CaseEvent.objects.filter(verb=REFUSAL_OVERTURNED_VERB), KIND_REFUSAL)
    for e in events.values("pk", "case_id", "case__center_id", "case__number", "data", "note"):
        refused_by = (e["data"] or {}).get("refused_by")
        raised += _raise(
            center_id=e["case__center_id"], staff_id=refused_by, violation=V.REFUSAL, kind=KIND_REFUSAL,
            source_id=e["pk"], now=now,
            summary=_("办件 %(number)s 的不予受理决定被撤销：%(note)s")
            % {"number": e["case__number"], "note": e["note"]},
            evidence=[_case_evidence(e["case_id"], e["case__number"])],
        )  # fmt: skip
    return raised


def _sweep_assigned_tasks(now: dt.datetime) -> int:
    """An assigned task (交办事项) still open past its deadline."""
    from bianmin.assignments.selectors import overdue_tasks

    raised = 0
    tasks = _new(overdue_tasks(as_of=now).filter(due_at__gte=now - SWEEP_LOOKBACK), KIND_TASK)
    for t in tasks.values("pk", "center_id", "responsible_staff_id", "number", "title"):
        raised += _raise(
            center_id=t["center_id"], staff_id=t["responsible_staff_id"], violation=V.OVERDUE, kind=KIND_TASK,
            source_id=t["pk"], now=now,
            summary=_("交办事项 %(number)s“%(title)s”超过办理时限") % {"number": t["number"], "title": t["title"]},
            evidence=[{"kind": KIND_TASK, "id": t["pk"], "label": t["number"]}],
        )  # fmt: skip
    return raised


def accountability_record(
    *,
    center: OrgUnit,
    staff: Staff | None,
    violation: str,
    summary: str,
    actor: Actor,
    case_number: str = "",
    now: dt.datetime | None = None,
) -> Accountability:
    """A record raised by hand (an inspection finding, criticism from above or in the press, a breach of the staff
    rules): it waits, like a raised candidate, for the director's decision."""
    from bianmin.cases.models import Case

    summary = summary.strip()
    errors: dict[str, list[str]] = {}
    if violation not in Accountability.Violation.values:
        errors["violation"] = [_("请选择违规情形。")]
    if not summary:
        errors["summary"] = [_("请写明事由。")]
    if staff is not None and not staff.org_unit.path.startswith(center.path):
        errors["staff"] = [_("责任人不是本中心的工作人员。")]
    evidence: list[dict[str, Any]] = []
    if case_number.strip():
        case = Case.objects.filter(center__path__startswith=center.path, number=case_number.strip()).first()
        if case is None:
            errors["case_number"] = [_("本中心没有这个办件编号。")]
        else:
            evidence.append({"kind": "case", "id": case.pk, "label": case.number})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = Accountability.objects.create(
            center=center, staff=staff, violation=violation, summary=summary[:300], evidence=evidence,
            created_at=now or timezone.now(),
        )  # fmt: skip
        AccountabilityEvent.objects.create(
            record=record, actor=acting_user(actor), verb="create", to_state=record.status
        )
    return record


def accountability_decide(
    *, record: Accountability, sanction: str, reason: str, actor: Actor, staff: Staff | None = None
) -> Accountability:
    """Confirm with a sanction (or, after an appeal, the final decision). `staff` names the responsible person
    when the data could not (an unmanned window)."""
    if sanction not in Accountability.Sanction.values or not sanction:
        raise ValidationError(_("请选择处理方式。"))
    with transaction.atomic():
        record = (
            Accountability.objects.select_for_update(of=("self",)).select_related("staff", "center").get(pk=record.pk)
        )
        if record.status not in (Accountability.Status.CANDIDATE, Accountability.Status.APPEALED):
            raise ValidationError(_("该记录不能再作决定。"))
        if staff is not None and record.staff is None:
            if not staff.org_unit.path.startswith(record.center.path):
                raise ValidationError(_("责任人不是本中心的工作人员。"))
            record.staff = staff
        if record.staff is None:
            raise ValidationError(_("请确定责任人。"))
        if sanction == Accountability.Sanction.DISMISSAL and (
            record.staff is None or record.staff.employment != Staff.Employment.TEMPORARY
        ):
            raise ValidationError(_("辞退仅适用于临时人员。"))
        final = record.status == Accountability.Status.APPEALED
        to = Accountability.Status.FINAL if final else Accountability.Status.DECIDED
        AccountabilityEvent.objects.create(
            record=record, actor=acting_user(actor), verb="decide", from_state=record.status, to_state=to, note=reason
        )
        ACCOUNTABILITY.move(record, to, _("作出决定"))
        record.sanction, record.reason = sanction, reason
        record.save(update_fields=["sanction", "reason", "status", "staff"])
    return record


def accountability_dismiss(*, record: Accountability, reason: str, actor: Actor) -> Accountability:
    if not reason.strip():
        raise ValidationError(_("排除须说明理由。"))
    with transaction.atomic():
        record = Accountability.objects.select_for_update().get(pk=record.pk)
        if record.status != Accountability.Status.CANDIDATE:
            raise ValidationError(_("只有待确认的记录可以排除。"))
        AccountabilityEvent.objects.create(
            record=record, actor=acting_user(actor), verb="dismiss", from_state=record.status,
            to_state=Accountability.Status.DISMISSED, note=reason,
        )  # fmt: skip
        ACCOUNTABILITY.move(record, Accountability.Status.DISMISSED, _("排除"))
        record.reason = reason
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
            record=record, actor=acting_user(actor), verb="appeal", from_state=record.status,
            to_state=Accountability.Status.APPEALED, note=reason,
        )  # fmt: skip
        ACCOUNTABILITY.move(record, Accountability.Status.APPEALED, _("申诉"))
        record.save(update_fields=["status"])
    return record


__all__ = [
    "OrgUnit",
    "accountability_appeal",
    "accountability_decide",
    "accountability_dismiss",
    "accountability_sweep",
]
