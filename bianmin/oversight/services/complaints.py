"""Complaints (投诉): filed, assigned, decided, replied; the center's oversight settings."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.core.identifiers import clean_phone
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import add_working_days
from bianmin.org.models import OrgUnit, Staff, Window
from bianmin.oversight.access import COMPLAINT_INVESTIGATORS
from bianmin.oversight.models import Accountability, Complaint, ComplaintEvent, OversightSettings
from bianmin.oversight.notifications import notify
from bianmin.oversight.services.accountability import complaint_proposal, on_leave_at, raise_for_complaint
from bianmin.oversight.services.actors import Actor, acting_user
from bianmin.oversight.workflow import COMPLAINT


def settings_for(center: OrgUnit) -> OversightSettings:
    found = OversightSettings.objects.filter(center=center).first()
    return found if found is not None else OversightSettings(center=center)


@transaction.atomic
def oversight_settings_set(
    *, center: OrgUnit, complaint_reply_days: int, rectification_days: int, actor: Actor
) -> OversightSettings:
    """The center sets its own deadlines (working days); they apply to complaints and bad reviews from now on."""
    errors: dict[str, str] = {}
    if not 1 <= complaint_reply_days <= 30:
        errors["complaint_reply_days"] = _("投诉答复期限应为 1 至 30 个工作日。")
    if not 1 <= rectification_days <= 20:
        errors["rectification_days"] = _("差评整改期限应为 1 至 20 个工作日。")
    if errors:
        raise ValidationError(errors)
    row, created = OversightSettings.objects.update_or_create(
        center=center,
        defaults={"complaint_reply_days": complaint_reply_days, "rectification_days": rectification_days},
    )
    audit(
        actor=acting_user(actor),
        target=row,
        verb="oversight_settings_set",
        data={
            "complaint_reply_days": complaint_reply_days,
            "rectification_days": rectification_days,
            "created": created,
        },
    )
    return row


def complaint_due(center: OrgUnit, start: dt.datetime) -> dt.datetime:
    days = settings_for(center).complaint_reply_days
    return add_working_days(start, days, work_calendar(), center.office_hours).due


def complaint_file(
    *,
    center: OrgUnit,
    content: str,
    channel: str = Complaint.Channel.WEB,
    window: Window | None = None,
    staff: Staff | None = None,
    name: str = "",
    phone: str = "",
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> Complaint:
    content = content.strip()
    if not content:
        raise ValidationError(_("请填写投诉内容。"))
    if channel not in Complaint.Channel.values:
        raise ValidationError(_("投诉渠道无效。"))
    if window is not None and window.center_id != center.pk:
        raise ValidationError(_("窗口不属于本中心。"))
    if staff is not None and not staff.org_unit.path.startswith(center.path):
        raise ValidationError(_("被投诉人不是本中心的工作人员。"))
    phone = clean_phone(phone) if phone.strip() else ""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.create(
            center=center,
            window=window,
            staff=staff,
            channel=channel,
            name=name.strip(),
            phone=phone,
            content=content,
            due_at=complaint_due(center, now),
            created_at=now,
            created_by=acting_user(actor),
        )
        ComplaintEvent.objects.create(
            complaint=complaint, actor=acting_user(actor), verb="file", to_state=complaint.status, note=channel
        )
    return complaint


def _move(complaint: Complaint, actor: Actor, verb: str, to: str, note: str = "") -> None:
    ComplaintEvent.objects.create(
        complaint=complaint, actor=acting_user(actor), verb=verb, from_state=complaint.status, to_state=to, note=note
    )
    COMPLAINT.move(complaint, to, {"assign": _("指派调查人"), "decide": _("认定"), "reply": _("答复")}.get(verb, verb))


def complaint_assign(*, complaint: Complaint, inspector: Staff, actor: Actor) -> Complaint:
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update(of=("self",)).select_related("center").get(pk=complaint.pk)
        if complaint.status not in (Complaint.Status.RECEIVED, Complaint.Status.ASSIGNED):
            raise ValidationError(_("该投诉已认定，不能再指派。"))
        unit, center_path = inspector.org_unit.path, complaint.center.path
        related = center_path.startswith(unit) or unit.startswith(center_path)
        if inspector.role not in COMPLAINT_INVESTIGATORS or not related:
            raise ValidationError(_("只能指派本中心的纪检督查人员或中心主任调查。"))
        complaint.inspector = inspector
        _move(complaint, actor, "assign", Complaint.Status.ASSIGNED, inspector.name)
        complaint.save(update_fields=["inspector", "status"])
        notify("complaint_assigned", complaint=complaint, inspector=inspector)
    return complaint


class Proposed(Enum):
    """`responsible=PROPOSED`: name whom the system proposes (callers without an inspector's choice)."""

    PROPOSED = "proposed"


PROPOSED = Proposed.PROPOSED


def complaint_decide(
    *,
    complaint: Complaint,
    finding: str,
    evidence: str,
    actor: Actor,
    responsible: Staff | Proposed | None = PROPOSED,
    violation: str = "",
) -> Complaint:
    """Record the finding. A founded complaint raises an accountability record linking it, naming the person and the
    violation the inspector chose (`responsible=None`: nobody yet, the director decides); left unchosen, the
    system's proposal from the roster and attendance at the complaint's time. Nobody on approved leave then."""
    if finding not in (Complaint.Finding.FOUNDED, Complaint.Finding.UNFOUNDED):
        raise ValidationError(_("请选择认定结果（属实或不属实）。"))
    if not evidence.strip():
        raise ValidationError(_("请填写调查情况。"))
    if violation and violation not in Accountability.Violation.values:
        raise ValidationError({"violation": _("请选择违规情形。")})
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",)).select_related("center", "window").get(pk=complaint.pk)
        )
        if complaint.status != Complaint.Status.ASSIGNED:
            raise ValidationError(_("该投诉尚未指派调查人或已认定。"))
        staff_id: int | None = None
        if finding == Complaint.Finding.FOUNDED:
            proposal = complaint_proposal(complaint)
            violation = violation or proposal.violation
            if isinstance(responsible, Proposed):
                staff_id = proposal.staff[0].pk if proposal.staff else None
            elif responsible is not None:
                if not responsible.org_unit.path.startswith(complaint.center.path):
                    raise ValidationError({"responsible": _("责任人须为本中心的工作人员。")})
                if on_leave_at([responsible.pk], complaint.created_at):
                    raise ValidationError(
                        {"responsible": _("%(name)s 在投诉所涉时间正在休假（已批准），不能认定为责任人。")
                         % {"name": responsible.name}}
                    )  # fmt: skip
                staff_id = responsible.pk
        complaint.finding = finding
        complaint.evidence = evidence.strip()
        _move(complaint, actor, "decide", Complaint.Status.DECIDED, finding)
        complaint.save(update_fields=["finding", "evidence", "status"])
        if finding == Complaint.Finding.FOUNDED:
            raise_for_complaint(
                complaint_id=complaint.pk, center_id=complaint.center_id, staff_id=staff_id,
                created_at=complaint.created_at, now=timezone.now(), violation=violation,
            )  # fmt: skip
    return complaint


def complaint_reply(*, complaint: Complaint, reply: str, actor: Actor, now: dt.datetime | None = None) -> Complaint:
    if not reply.strip():
        raise ValidationError(_("请填写答复内容。"))
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status != Complaint.Status.DECIDED:
            raise ValidationError(_("投诉认定后方可答复。"))
        complaint.reply = reply.strip()
        complaint.replied_at = now or timezone.now()
        _move(complaint, actor, "reply", Complaint.Status.REPLIED)
        complaint.save(update_fields=["reply", "replied_at", "status"])
    return complaint
