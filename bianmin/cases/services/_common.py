"""Inputs and helpers shared by the case services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases import deadlines
from bianmin.cases.checklists import Issue
from bianmin.cases.models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    Custody,
    Notice,
    ProxyAuthorization,
    Status,
)
from bianmin.cases.notices import NUMBER_PREFIX, notice_content
from bianmin.cases.timeline import Verb
from bianmin.catalog.models import Material
from bianmin.core.identifiers import clean_credit_code, clean_phone, clean_resident_id
from bianmin.core.inserts import insert_rows
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import blind_index
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import WorkCalendar
from bianmin.org.access import staff_of
from bianmin.org.models import Department, OrgUnit, Role, Staff

ID_INDEX_PURPOSE = "case-applicant-id"
# Event verbs other apps read (the accountability sweep).
DELAY_REASON_VERB = Verb.DELAY_REASON
REFUSAL_OVERTURNED_VERB = Verb.REFUSAL_OVERTURNED


# --- inputs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantInput:
    kind: str
    name: str
    id_number: str = ""  # resident ID number (person) or unified social credit code (organization)
    phone: str = ""
    contact_name: str = ""


@dataclass(frozen=True)
class ProxyInput:
    agent: Staff
    authorized_on: dt.date
    scope: str
    document: str


@dataclass(frozen=True)
class TaskInput:
    department: Department
    due_date: dt.date
    assignee: Staff | None = None
    instructions: str = ""


@dataclass
class CleanApplicant:
    kind: str
    name: str
    id_number: str = ""
    credit_code: str = ""
    phone: str = ""
    contact_name: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


# --- helpers --------------------------------------------------------------------------------------------------


def _staff(actor: Any) -> Staff:
    staff = staff_of(actor)
    if staff is None:
        raise ValidationError(_("只有在岗工作人员可以办理办件。"), code="no_staff")
    return staff


def _event(
    case: Case,
    actor: Any,
    verb: Verb,
    *,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    row = _event_row(case, actor, verb, from_state=from_state, to_state=to_state, note=note, data=data)
    insert_rows([row])
    return row


def _event_row(
    case: Case,
    actor: Any,
    verb: Verb,
    *,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An event not yet saved: several of one action go in with one `bulk_create`, in order."""
    return CaseEvent(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=Verb(verb),  # a verb the timeline cannot word is refused here, not shown raw later
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def _lock(case: Case) -> Case:
    """The case row, locked until the transaction ends; its current state, not the caller's copy."""
    return Case.objects.select_for_update(of=("self",)).select_related("center", "window", "item").get(pk=case.pk)


def clean_applicant(data: ApplicantInput) -> CleanApplicant:
    """Validated applicant data; field errors in Chinese, raised together."""
    errors: dict[str, list[str]] = {}
    name = " ".join(data.name.split())
    out = CleanApplicant(kind=data.kind, name=name, contact_name=" ".join(data.contact_name.split()))
    if data.kind not in ApplicantKind.values:
        errors["applicant_kind"] = [_("请选择申请人类型。")]
    if not name:
        errors["applicant_name"] = [_("请填写申请人姓名或单位名称。")]
    elif len(name) > 100:
        errors["applicant_name"] = [_("申请人名称过长。")]
    try:
        if data.kind == ApplicantKind.ORGANIZATION:
            out.credit_code = clean_credit_code(data.id_number)
            if not out.contact_name:
                errors["contact_name"] = [_("法人或其他组织申请的，请填写联系人。")]
        else:
            out.id_number = clean_resident_id(data.id_number)
    except ValidationError as exc:
        errors["id_number"] = list(exc.messages)
    try:
        out.phone = clean_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return out


def applicant_index(id_number: str) -> str:
    return blind_index(id_number, purpose=ID_INDEX_PURPOSE)


def _calendar() -> WorkCalendar:
    return work_calendar()


def _pauses(case: Case) -> list[deadlines.Pause]:
    return [deadlines.Pause(p.started_at, p.ended_at) for p in CasePause.objects.filter(case=case).order_by("id")]


def compute_deadline(
    case: Case, cal: WorkCalendar | None = None, pauses: Sequence[deadlines.Pause] | None = None
) -> deadlines.CaseDeadline | None:
    """The case's deadline with its explanation, from acceptance, limit and pauses (None before acceptance)."""
    if case.accepted_at is None:
        return None
    return deadlines.case_deadline(
        mode=case.mode,
        accepted_at=case.accepted_at,
        days=case.limit_days,
        unit=case.limit_unit,
        pauses=_pauses(case) if pauses is None else pauses,
        cal=cal or _calendar(),
        hours=case.center.office_hours,
    )


def _recompute_due(case: Case, cal: WorkCalendar | None = None) -> None:
    deadline = compute_deadline(case, cal)
    case.due_at = deadline.due if deadline else None


def _number(center: OrgUnit, kind: str, now: dt.datetime) -> tuple[int, int]:
    year = timezone.localtime(now).year
    return year, next_serial(scope=center.code, kind=kind, year=year)


def _issue_notice(
    case: Case,
    kind: str,
    staff: Staff,
    *,
    materials: Sequence[CaseMaterial],
    now: dt.datetime,
    supplement_items: Sequence[Mapping[str, Any]] = (),
    supplement_due: dt.date | None = None,
    reason: str = "",
) -> Notice:
    year, serial = _number(case.center, notice_counter(kind), now)
    proxy = ProxyAuthorization.objects.select_related("agent").filter(case=case).first() if case.is_proxy else None
    notice = _notice_row(
        case,
        kind,
        staff,
        year=year,
        serial=serial,
        materials=materials,
        now=now,
        supplement_items=supplement_items,
        supplement_due=supplement_due,
        reason=reason,
        proxy=proxy,
    )
    notice.save(force_insert=True)
    return notice


def notice_counter(kind: str) -> str:
    """The numbering sequence (core.numbering kind) of a notice kind."""
    return f"notice-{kind}"


def _notice_row(
    case: Case,
    kind: str,
    staff: Staff,
    *,
    year: int,
    serial: int,
    materials: Sequence[CaseMaterial],
    now: dt.datetime,
    supplement_items: Sequence[Mapping[str, Any]] = (),
    supplement_due: dt.date | None = None,
    reason: str = "",
    proxy: ProxyAuthorization | None = None,
) -> Notice:
    """A notice not yet saved, numbered `serial` of `year`, its content frozen from the case as it is now."""
    content = notice_content(
        case=case,
        kind=kind,
        staff=staff,
        materials=materials,
        supplement_items=supplement_items,
        supplement_due=supplement_due,
        reason=reason,
        proxy_agent=f"{proxy.agent.name}（{proxy.document}）" if proxy else "",
    )
    return Notice(
        case=case,
        center=case.center,
        kind=kind,
        year=year,
        serial=serial,
        number=format_serial(prefix=f"{NUMBER_PREFIX[kind]}{case.center.code}-", year=year, value=serial),
        issued_at=now,
        issued_by=staff,
        content=content,
    )


def _materials(case: Case) -> list[CaseMaterial]:
    return list(CaseMaterial.objects.filter(case=case).order_by("sort_order", "id"))


def _case_checklist(materials: Sequence[CaseMaterial]) -> list[dict[str, Any]]:
    """The checklist this case is judged by: its own material rows (the catalog's, and what the online pre-review
    added), without those marked not applicable; keyed by row id."""
    return [
        {"id": m.pk, "material_id": m.material_id, "name": m.name, "kind": m.kind}
        for m in materials
        if not m.not_applicable
    ]


def _returns_original(case: Case) -> set[int]:
    """Catalog materials whose original is inspected and handed back at once (核验后退还)."""
    return {m["id"] for m in case.item_version.materials if m.get("original") == Material.Original.RETURNED}


def _take_in(
    material: CaseMaterial, form: str, *, staff: Staff, now: dt.datetime, where: str, returns_original: bool
) -> None:
    """Record a material received at the window and who keeps it: an electronic copy goes straight to the e-file, an
    original the catalog says is returned after inspection goes back to the applicant on the spot; the rest is
    held by the center."""
    electronic = form == CaseMaterial.Form.ELECTRONIC
    returned = form == CaseMaterial.Form.ORIGINAL and returns_original
    material.presented = True
    material.not_applicable = False
    material.presented_form = form
    material.received_at = now
    material.received_by = staff
    if electronic or returned:
        material.custodian = None
        material.location = ""
        material.custody = Custody.ARCHIVED if electronic else Custody.RETURNED
        material.disposed_at = now
        material.disposed_by = staff
        material.disposal_note = _("电子件，存入电子档案") if electronic else _("原件核验后当场退还申请人")
    else:
        material.custodian = staff
        material.location = where
        material.custody = Custody.HELD


def _check_supplement_due(case: Case, due: dt.date | None, now: dt.datetime) -> dt.date:
    cal = _calendar()
    latest = deadlines.supplement_latest(
        accepted_at=case.accepted_at or now,
        days=case.limit_days,
        unit=case.limit_unit,
        cal=cal,
        hours=case.center.office_hours,
    )
    if due is None:
        return latest
    today = timezone.localtime(now).date()
    if due < today:
        raise ValidationError({"supplement_due": [_("补报期限不能早于今天。")]})
    if due > latest:
        raise ValidationError(
            {"supplement_due": [_("补报期限不能晚于事项承诺时限（最迟 %(day)s）。") % {"day": f"{latest:%Y-%m-%d}"}]}
        )
    return due


def _clean_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for item in items:
        name = " ".join(str(item.get("name", "")).split())
        if not name:
            continue
        issue = item.get("issue") or Issue.MISSING
        if issue not in Issue.LABELS:
            raise ValidationError(_("补报要求的类别不正确。"))
        cleaned.append(
            {
                "material_id": int(item["material_id"]) if item.get("material_id") else None,
                "name": name[:200],
                "issue": issue,
                "detail": " ".join(str(item.get("detail", "")).split())[:300],
            }
        )
    return cleaned


def _pause(case: Case, now: dt.datetime, reason: str) -> None:
    if case.paused_at is None:
        CasePause.objects.create(case=case, started_at=now, reason=reason[:200])
        case.paused_at = now
        case.resume_status = case.status if case.status != Status.WAITING else case.resume_status


def _hand_back(case: Case, staff: Staff, now: dt.datetime, note: str) -> None:
    """Materials still held go back to the applicant (refusal, withdrawal)."""
    CaseMaterial.objects.filter(case=case, custody=Custody.HELD).update(
        custody=Custody.RETURNED, disposed_at=now, disposed_by=staff, disposal_note=note[:200]
    )


def unaccounted_materials(case: Case) -> list[CaseMaterial]:
    """Materials received and still held: neither returned, archived nor sent on with the case (§8(3)(5))."""
    return list(CaseMaterial.objects.filter(case=case, custody=Custody.HELD).order_by("sort_order", "id"))


def _check_custody(case: Case) -> None:
    held = unaccounted_materials(case)
    if held:
        raise ValidationError(
            _("以下材料尚未退还申请人或归档，不能办结：%(names)s。请先在“材料保管”中处置。")
            % {"names": "、".join(m.name for m in held)},
            code="custody",
        )


def _require_director(staff: Staff, case: Case, what: str) -> None:
    if staff.role != Role.DIRECTOR or not case.center.path.startswith(staff.org_unit.path):
        raise ValidationError(_("%(what)s须由本中心主任办理。") % {"what": what}, code="director")
