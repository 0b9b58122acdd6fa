"""Every write on a case: one function per business action, each in one transaction with its event rows.

Concurrency: every action on an existing case first locks its row (`select_for_update`) and then checks the
state, so of two staff accepting or completing the same case at once exactly one succeeds; the other gets a
`CaseStateError` saying what happened. Case and notice numbers come from `core.numbering` in the same
transaction, so they are unique and gap-free under parallel intakes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.cases import deadlines
from bianmin.cases.access import check_holds
from bianmin.cases.checklists import Decision, Issue, assess, beyond_first_notice
from bianmin.cases.models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseForwarding,
    CaseHandover,
    CaseMaterial,
    CasePause,
    Custody,
    JointTask,
    Notice,
    OneTimeNotificationFailure,
    ProxyAuthorization,
    Status,
    SupplementRequest,
    WindowReferral,
)
from bianmin.cases.notices import NUMBER_PREFIX, notice_content
from bianmin.cases.notifications import notify
from bianmin.cases.workflow import CaseStateError, check_transition, move
from bianmin.catalog.models import ItemVersion, Material, Mode, ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.identifiers import clean_credit_code, clean_phone, clean_resident_id
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import blind_index
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import WorkCalendar, end_of_working_day
from bianmin.org.access import in_scope, staff_of
from bianmin.org.models import Department, OrgUnit, Post, Role, Staff, Window

ID_INDEX_PURPOSE = "case-applicant-id"
# Event verbs other apps read (the accountability sweep).
DELAY_REASON_VERB = "delay_reason"
REFUSAL_OVERTURNED_VERB = "refusal_overturned"


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
    verb: str,
    *,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
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
    year, serial = _number(case.center, f"notice-{kind}", now)
    proxy = ProxyAuthorization.objects.select_related("agent").filter(case=case).first() if case.is_proxy else None
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
    return Notice.objects.create(
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


# --- intake ---------------------------------------------------------------------------------------------------


def item_windows(*, center: OrgUnit, item: ServiceItem) -> list[Window]:
    return list(item.windows.filter(center=center, is_active=True).order_by("number"))


def item_is_for_window(*, center: OrgUnit, item: ServiceItem, windows: Iterable[Window]) -> bool:
    """An item with no window named is taken at any window of the center."""
    handling = {w.pk for w in item_windows(center=center, item=item)}
    return not handling or bool(handling & {w.pk for w in windows})


@transaction.atomic
def case_intake(
    *,
    actor: Any,
    center: OrgUnit,
    window: Window | None,
    item: ServiceItem,
    applicant: ApplicantInput,
    presented: Mapping[int, str],
    decision: str,
    location: str = "",
    corrections: Sequence[Mapping[str, Any]] = (),
    supplement_due: dt.date | None = None,
    refusal_reason: str = "",
    proxy: ProxyInput | None = None,
    handover_to: Staff | None = None,
    handover_note: str = "",
    not_applicable: Iterable[int] = (),
) -> Case:
    """Receive an applicant for an item at a window and decide at once (§4(1)); numbers the case and its notices.

    `not_applicable`: conditional materials (视情况提交) that do not apply to this applicant."""
    staff = _staff(actor)
    if not in_scope(actor, center):
        raise ValidationError(_("只能在本人所在中心受理办件。"))
    if window is not None and window.center_id != center.pk:
        raise ValidationError({"window": [_("受理窗口不属于本中心。")]})
    if not published_items(center=center).filter(pk=item.pk).exists():
        raise ValidationError({"item": [_("该事项未在本中心公开，不能受理。")]})
    version = ItemVersion.objects.get(item=item, number=item.version)
    clean = clean_applicant(applicant)
    checklist = version.materials
    known = {m["id"] for m in checklist}
    unknown = set(presented) - known
    if unknown:
        raise ValidationError(_("勾选的材料不在本事项的材料清单中，请刷新页面后重试。"))
    if any(value not in CaseMaterial.Form.values for value in presented.values()):
        raise ValidationError(_("请为已提交的材料选择原件或复印件。"))
    waived = set(not_applicable)
    if waived - {m["id"] for m in checklist if m.get("conditional")}:
        raise ValidationError(_("只有目录中标明“视情况提交”的材料可以标记为不适用。"), code="not_conditional")
    if waived & set(presented):
        raise ValidationError(_("已提交的材料不能同时标记为不适用。"), code="not_applicable_presented")
    result = assess([m for m in checklist if m["id"] not in waived], presented.keys())
    if decision not in result.allowed:
        if result.missing_main and decision in (Decision.ACCEPT, Decision.ACCEPT_WITH_SUPPLEMENT):
            raise ValidationError(
                _("主要申报材料缺少（%(names)s），不能受理；请出具不予受理情况说明单。")
                % {"names": "、".join(m["name"] for m in result.missing_main)},
                code="missing_main",
            )
        raise ValidationError(
            _("一般材料缺少（%(names)s），须同时出具补报材料通知单。")
            % {"names": "、".join(m["name"] for m in result.missing_general)},
            code="missing_general",
        )
    if decision == Decision.ACCEPT_WITH_SUPPLEMENT and result.complete and not _clean_items(corrections):
        raise ValidationError({"other_items": [_("材料齐全时出具补报材料通知单，须列明需要更正或说明的问题。")]})
    if decision == Decision.REFUSE and not refusal_reason.strip():
        raise ValidationError({"refusal_reason": [_("不予受理须写明原因。")]})
    if decision == Decision.RECEIVE_ONLY and handover_to is None:
        raise ValidationError({"handover_to": [_("先行接收材料的，请选择移交的经办人。")]})

    now = timezone.now()
    year, serial = _number(center, "case", now)
    snapshot = version.snapshot
    case = Case.objects.create(
        number=format_serial(prefix=f"{center.code}-", year=year, value=serial),
        year=year,
        serial=serial,
        center=center,
        window=window,
        item=item,
        item_version=version,
        item_name=snapshot.get("name", item.name),
        mode=snapshot.get("mode", item.default_mode),
        status=Status.RECEIVED,
        applicant_kind=clean.kind,
        applicant_name=clean.name,
        applicant_id_number=clean.id_number,
        applicant_id_index=applicant_index(clean.id_number) if clean.id_number else "",
        applicant_credit_code=clean.credit_code,
        contact_name=clean.contact_name,
        applicant_phone=clean.phone,
        phone_tail=clean.phone[-4:],
        is_proxy=proxy is not None,
        received_by=staff,
        assignee=staff,
        received_at=now,
        limit_days=int(snapshot.get("promised_limit") or 0),
        limit_unit=snapshot.get("limit_unit") or "working",
        public_token=secrets.token_urlsafe(16),
    )
    where = location.strip() or (f"{window.number}号窗口资料柜" if window else _("中心资料室"))
    returns_original = _returns_original(case)
    rows = []
    for order, m in enumerate(checklist):
        row = CaseMaterial(
            case=case,
            material_id=m["id"],
            name=m["name"],
            kind=m["kind"],
            required_form=m.get("form", ""),
            sort_order=order,
        )
        form: str | None = presented.get(m["id"])
        if form is not None:
            _take_in(row, form, staff=staff, now=now, where=where, returns_original=m["id"] in returns_original)
        row.not_applicable = m["id"] in waived
        rows.append(row)
    CaseMaterial.objects.bulk_create(rows)
    _event(
        case,
        actor,
        "receive",
        to_state=Status.RECEIVED,
        data={
            "presented": [m.name for m in rows if m.presented],
            "missing": [m.name for m in rows if not m.presented and not m.not_applicable],
            "not_applicable": [m.name for m in rows if m.not_applicable],
            "returned": [m.name for m in rows if m.custody == Custody.RETURNED],
            "location": where,
        },
    )
    if proxy is not None:
        _record_proxy(case, staff, actor, proxy, now)

    if decision in (Decision.ACCEPT, Decision.ACCEPT_WITH_SUPPLEMENT):
        _accept(case, staff, actor, now, corrections=corrections, supplement_due=supplement_due)
    elif decision == Decision.REFUSE:
        _refuse(case, staff, actor, now, refusal_reason, note=_("所交材料已当面退还申请人"))
    else:
        assert handover_to is not None  # noqa: S101 -- checked above
        _handover(case, staff, actor, handover_to, handover_note, now)
    return case


def _accept(
    case: Case,
    staff: Staff,
    actor: Any,
    now: dt.datetime,
    *,
    corrections: Sequence[Mapping[str, Any]] = (),
    supplement_due: dt.date | None = None,
) -> None:
    materials = _materials(case)
    result = assess(_case_checklist(materials), {m.pk for m in materials if m.presented})
    if result.missing_main:
        raise ValidationError(
            _("主要申报材料缺少（%(names)s），不能受理。")
            % {"names": "、".join(m["name"] for m in result.missing_main)},
            code="missing_main",
        )
    extra = _clean_items(corrections)
    items = [
        {"material_id": m["material_id"], "name": m["name"], "issue": Issue.MISSING, "detail": ""}
        for m in result.missing_general
    ] + extra
    target = Status.WAITING if items else Status.ACCEPTED
    previous = move(case, target, _("受理"))
    case.accepted_at = now
    case.accepted_by = staff
    if case.assignee_id is None:
        case.assignee = staff
    acceptance_data: dict[str, Any] = {}
    due: dt.date | None = None
    if items:
        due = _check_supplement_due(case, supplement_due, now)
        case.supplement_pending = True
        CasePause.objects.create(case=case, started_at=now, reason=_("受理时一次性告知补报材料"))
        case.paused_at = now
        case.resume_status = Status.ACCEPTED
    _recompute_due(case)
    case.save()
    acceptance = _issue_notice(case, Notice.Kind.ACCEPTANCE, staff, materials=materials, now=now)
    acceptance_data["acceptance_notice"] = acceptance.number
    if items and due is not None:
        notice = _issue_notice(
            case,
            Notice.Kind.SUPPLEMENT,
            staff,
            materials=materials,
            now=now,
            supplement_items=items,
            supplement_due=due,
        )
        online = online_notice_items(case)
        supplement = SupplementRequest.objects.create(
            case=case,
            items=items,
            # An online application was told online first: what the window adds beyond that is on record.
            extra_items=beyond_first_notice(items, online) if online is not None else [],
            due_date=due,
            reason=_("受理时一次性告知"),
            state=SupplementRequest.State.ISSUED,
            requested_by=staff,
            requested_at=now,
            notice=notice,
        )
        acceptance_data["supplement_notice"] = notice.number
        acceptance_data["items"] = [i["name"] for i in items]
        acceptance_data["supplement_due"] = due.isoformat()
    acceptance_data["due_at"] = case.due_at.isoformat() if case.due_at else None
    _event(
        case,
        actor,
        "accept_with_supplement" if items else "accept",
        from_state=previous,
        to_state=case.status,
        data=acceptance_data,
    )
    notify("accepted", case=case)
    if items and due is not None:
        notify("supplement_requested", case=case, request=supplement)


def _refuse(case: Case, staff: Staff, actor: Any, now: dt.datetime, reason: str, *, note: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"refusal_reason": [_("不予受理须写明原因。")]})
    previous = move(case, Status.REFUSED, _("不予受理"))
    case.refusal_reason = reason
    case.closed_at = now
    case.save()
    materials = _materials(case)
    notice = _issue_notice(case, Notice.Kind.REFUSAL, staff, materials=materials, now=now, reason=reason)
    _hand_back(case, staff, now, note)
    _event(
        case, actor, "refuse", from_state=previous, to_state=case.status, note=reason, data={"notice": notice.number}
    )


@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: Any,
    corrections: Sequence[Mapping[str, Any]] = (),
    supplement_due: dt.date | None = None,
) -> Case:
    """Accept a case that was received earlier (e.g. handed over by the first contact)."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    check_transition(case.status, Status.ACCEPTED, _("受理"))
    _accept(case, staff, actor, timezone.now(), corrections=corrections, supplement_due=supplement_due)
    return case


@transaction.atomic
def case_refuse(*, case: Case, actor: Any, reason: str) -> Case:
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    _refuse(case, staff, actor, timezone.now(), reason, note=_("随不予受理情况说明单退还申请人"))
    return case


@transaction.atomic
def referral_record(
    *,
    actor: Any,
    center: OrgUnit,
    item: ServiceItem,
    from_window: Window | None = None,
    applicant_name: str = "",
    note: str = "",
) -> WindowReferral:
    """§4(1): not this window's item — record which window and who the applicant was sent to."""
    staff = _staff(actor)
    today = timezone.localdate()
    targets = item_windows(center=center, item=item)
    target = targets[0] if targets else None
    names = ""
    if target is not None:
        posts = Post.objects.active_on(today).filter(window=target).select_related("staff").order_by("kind")
        names = "、".join(f"{p.staff.name}（{p.get_kind_display()}）" for p in posts)
    referral = WindowReferral.objects.create(
        center=center,
        from_window=from_window,
        item=item,
        to_window=target,
        to_staff_names=names[:200],
        applicant_name=" ".join(applicant_name.split())[:100],
        note=note.strip()[:200],
        referred_by=staff,
        created_at=timezone.now(),
    )
    return referral


# --- proxy ----------------------------------------------------------------------------------------------------


def _record_proxy(case: Case, staff: Staff, actor: Any, proxy: ProxyInput, now: dt.datetime) -> ProxyAuthorization:
    if not proxy.scope.strip() or not proxy.document.strip():
        raise ValidationError({"proxy_document": [_("代办须登记委托事项范围和委托书。")]})
    if not proxy.agent.is_active or not case.center.path.startswith(center_path_of(proxy.agent)):
        raise ValidationError({"proxy_agent": [_("代办人须为本中心在岗工作人员。")]})
    record, _created = ProxyAuthorization.objects.update_or_create(
        case=case,
        defaults={
            "agent": proxy.agent,
            "authorized_on": proxy.authorized_on,
            "scope": proxy.scope.strip()[:200],
            "document": proxy.document.strip()[:100],
            "recorded_by": staff,
            "recorded_at": now,
        },
    )
    case.is_proxy = True
    case.save(update_fields=["is_proxy", "updated_at"])
    _event(
        case,
        actor,
        "proxy",
        note=record.scope,
        data={"agent": proxy.agent.name, "document": record.document, "authorized_on": proxy.authorized_on.isoformat()},
    )
    return record


def center_path_of(staff: Staff) -> str:
    return staff.org_unit.path


@transaction.atomic
def proxy_authorize(
    *, case: Case, actor: Any, agent: Staff, authorized_on: dt.date, scope: str, document: str
) -> ProxyAuthorization:
    """Record that a staff member acts as the applicant's agent (代办), on a written authorization."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if not case.is_open:
        raise CaseStateError(_("办件已终结，不能登记代办。"))
    return _record_proxy(case, staff, actor, ProxyInput(agent, authorized_on, scope, document), timezone.now())


@transaction.atomic
def case_mark_received_at_home(*, case: Case, actor: Any, visit_number: str) -> Case:
    """§4(7) 上门服务: the application was received at the applicant's home, on the visit `visit_number`."""
    _staff(actor)
    case = _lock(case)
    if case.received_at_home:
        return case
    case.received_at_home = True
    case.save(update_fields=["received_at_home", "updated_at"])
    _event(case, actor, "received_at_home", note=visit_number, data={"visit": visit_number})
    return case


# --- handling -------------------------------------------------------------------------------------------------


@transaction.atomic
def case_start(*, case: Case, actor: Any) -> Case:
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if case.mode == Mode.JOINT:
        raise ValidationError(_("联办件由中心主任分派联办任务后开始办理。"))
    previous = move(case, Status.IN_PROGRESS, _("开始办理"))
    case.save()
    _event(case, actor, "start", from_state=previous, to_state=case.status)
    return case


PREREVIEW_VERB = "prereview"


def online_notice_items(case: Case) -> list[dict[str, Any]] | None:
    """What the online pre-review told the applicant to bring (the catalog's materials and the reviewer's
    additions): for an online application this is the one-time notification. None when there was no pre-review."""
    event = CaseEvent.objects.filter(case=case, verb=PREREVIEW_VERB).order_by("id").first()
    return prereview_notice_items(case, event) if event is not None else None


def prereview_notice_items(case: Case, event: CaseEvent) -> list[dict[str, Any]]:
    if "notified" in event.data:
        return [dict(i) for i in event.data["notified"]]
    # Recorded before the list was kept: the catalog's materials and the named additions.
    return [{"material_id": m["id"], "name": m["name"]} for m in case.item_version.materials] + [
        {"material_id": None, "name": name} for name in event.data.get("supplement", [])
    ]


def _first_notice_items(case: Case) -> list[dict[str, Any]] | None:
    """The first notice, which later requests may only repeat: the online pre-review's list for an online
    application, else the first supplement notice."""
    online = online_notice_items(case)
    if online is not None:
        return online
    first = SupplementRequest.objects.filter(case=case, state=SupplementRequest.State.ISSUED).order_by("id").first()
    return list(first.items) if first else None


@transaction.atomic
def case_request_supplement(
    *, case: Case, actor: Any, items: Sequence[Mapping[str, Any]], due_date: dt.date | None, reason: str = ""
) -> SupplementRequest:
    """Ask the applicant for materials after acceptance. Only what the first supplement notice listed may be
    asked again (at most one more trip); anything else waits for the director's sign-off."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if case.status not in (Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED, Status.WAITING):
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能要求补报材料。") % {"status": case.get_status_display()}
        )
    cleaned = _clean_items(items)
    if not cleaned:
        raise ValidationError({"items": [_("请列明需要补充的材料或需要更正、说明的问题。")]})
    now = timezone.now()
    due = _check_supplement_due(case, due_date, now)
    extra = beyond_first_notice(cleaned, _first_notice_items(case))
    if SupplementRequest.objects.filter(case=case, state=SupplementRequest.State.PENDING).exists():
        raise ValidationError(_("该办件已有一项补报要求等待中心主任签批，请等待签批结果。"))
    request = SupplementRequest.objects.create(
        case=case,
        items=cleaned,
        extra_items=extra,
        due_date=due,
        reason=reason.strip(),
        state=SupplementRequest.State.PENDING if extra else SupplementRequest.State.ISSUED,
        requested_by=staff,
        requested_at=now,
    )
    if extra:
        _event(
            case,
            actor,
            "supplement_request_pending",
            note=reason.strip(),
            data={"items": [i["name"] for i in cleaned], "beyond_first_notice": [i["name"] for i in extra]},
        )
        return request
    _issue_supplement(case, request, staff, actor, now, verb="supplement_request")
    return request


def _issue_supplement(
    case: Case, request: SupplementRequest, staff: Staff, actor: Any, now: dt.datetime, *, verb: str
) -> None:
    notice = _issue_notice(
        case,
        Notice.Kind.SUPPLEMENT,
        staff,
        materials=_materials(case),
        now=now,
        supplement_items=request.items,
        supplement_due=request.due_date,
    )
    request.notice = notice
    request.state = SupplementRequest.State.ISSUED
    request.save(update_fields=["notice", "state"])
    previous = case.status
    if case.status != Status.WAITING:
        _pause(case, now, _("等待申请人补报材料"))
        move(case, Status.WAITING, _("要求补报材料"))
    case.supplement_pending = True
    case.save()
    _event(
        case,
        actor,
        verb,
        from_state=previous,
        to_state=case.status,
        note=request.reason,
        data={
            "notice": notice.number,
            "items": [i["name"] for i in request.items],
            "due": request.due_date.isoformat(),
        },
    )
    notify("supplement_requested", case=case, request=request)


@transaction.atomic
def supplement_request_decide(*, request: SupplementRequest, actor: Any, approve: bool, note: str) -> SupplementRequest:
    """The director signs off (or not) a supplement request beyond the first notice; a sign-off is recorded
    as a one-time-notification failure (§8(3)(1))."""
    staff = _staff(actor)
    case = _lock(request.case)
    request = SupplementRequest.objects.select_for_update().get(pk=request.pk)
    _require_director(staff, case, _("超出首次告知范围的补报要求"))
    if request.state != SupplementRequest.State.PENDING:
        raise CaseStateError(_("该补报要求已签批处理，无需重复操作。"))
    if not note.strip():
        raise ValidationError({"note": [_("请填写签批意见。")]})
    now = timezone.now()
    request.decided_by = staff
    request.decided_at = now
    request.decision_note = note.strip()
    if not approve:
        request.state = SupplementRequest.State.REJECTED
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _event(case, actor, "supplement_rejected", note=note.strip())
        return request
    if case.status not in (Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED, Status.WAITING):
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能再要求补报材料。") % {"status": case.get_status_display()}
        )
    request.save(update_fields=["decided_by", "decided_at", "decision_note"])
    OneTimeNotificationFailure.objects.create(
        case=case,
        center=case.center,
        responsible=case.accepted_by or case.received_by or staff,
        request=request,
        items=request.extra_items,
        approved_by=staff,
        note=note.strip(),
        created_at=now,
    )
    _issue_supplement(case, request, staff, actor, now, verb="supplement_signed_off")
    return request


@transaction.atomic
def case_receive_supplement(
    *,
    case: Case,
    actor: Any,
    presented: Mapping[int, str],
    location: str = "",
    note: str = "",
    extras: Mapping[int, str] | None = None,
) -> Case:
    """The applicant came back with the supplement: log the materials, resume the clock, move the deadline.

    `presented` by catalog material id; `extras` by row id for what the online pre-review added to the list."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if case.status != Status.WAITING:
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，没有等待补报的材料。") % {"status": case.get_status_display()}
        )
    extras = extras or {}
    if any(value not in CaseMaterial.Form.values for value in [*presented.values(), *extras.values()]):
        raise ValidationError(_("请为补报的材料选择原件或复印件。"))
    now = timezone.now()
    where = location.strip() or (f"{case.window.number}号窗口资料柜" if case.window else _("中心资料室"))
    target = case.resume_status or Status.ACCEPTED
    forwarded = target == Status.FORWARDED
    returns_original = _returns_original(case)
    received = []
    rows = CaseMaterial.objects.select_for_update().filter(
        Q(material_id__in=list(presented)) | Q(pk__in=list(extras), material_id__isnull=True), case=case
    )
    for material in rows.order_by("sort_order", "id"):
        form = presented[material.material_id] if material.material_id is not None else extras[material.pk]
        _take_in(
            material,
            form,
            staff=staff,
            now=now,
            where=where,
            returns_original=material.material_id in returns_original,
        )
        if forwarded and material.custody == Custody.HELD:
            material.custody = Custody.TRANSFERRED
            material.disposed_at, material.disposed_by = now, staff
            material.disposal_note = _("补报材料转送区行政服务中心")
        material.save()
        received.append(material.name)
    pause = CasePause.objects.filter(case=case, ended_at__isnull=True).order_by("-id").first()
    if pause is not None:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
    old_due = case.due_at
    previous = move(case, target, _("恢复办理"))
    case.paused_at = None
    case.resume_status = ""
    case.supplement_pending = False
    _recompute_due(case)
    case.save()
    _event(
        case,
        actor,
        "supplement_received",
        from_state=previous,
        to_state=case.status,
        note=note.strip(),
        data={
            "received": received,
            "old_due": old_due.isoformat() if old_due else None,
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
    )
    return case


@transaction.atomic
def material_dispose(
    *, material: CaseMaterial, actor: Any, custody: str, note: str = "", location: str = ""
) -> CaseMaterial:
    """Return a received material to the applicant or archive it (by whom, where)."""
    staff = _staff(actor)
    case = _lock(material.case)
    check_holds(case, staff)
    material = CaseMaterial.objects.select_for_update().get(pk=material.pk, case=case)
    if material.custody != Custody.HELD:
        raise CaseStateError(
            _("“%(name)s”当前为“%(state)s”，无需处置。")
            % {"name": material.name, "state": material.get_custody_display()}
        )
    if custody not in (Custody.RETURNED, Custody.ARCHIVED):
        raise ValidationError({"custody": [_("请选择退还申请人或归档。")]})
    if custody == Custody.ARCHIVED and not (location.strip() or material.location):
        raise ValidationError({"location": [_("归档须写明存放位置。")]})
    now = timezone.now()
    material.custody = custody
    material.disposed_at = now
    material.disposed_by = staff
    material.disposal_note = note.strip()[:200]
    if location.strip():
        material.location = location.strip()[:100]
    material.save()
    _event(
        case,
        actor,
        "custody",
        note=note.strip(),
        data={"material": material.name, "custody": custody, "location": material.location},
    )
    return material


def _dispose_by_form(case: Case, staff: Staff, actor: Any, now: dt.datetime) -> list[str]:
    """Originals back to the applicant after checking; copies to the archive (the usual rule at the window)."""
    done = []
    for material in CaseMaterial.objects.select_for_update().filter(case=case, custody=Custody.HELD):
        if material.presented_form == CaseMaterial.Form.ORIGINAL:
            material.custody = Custody.RETURNED
            material.disposal_note = _("原件核验后退还申请人")
        else:
            material.custody = Custody.ARCHIVED
            material.disposal_note = _("复印件随办件归档")
        material.disposed_at = now
        material.disposed_by = staff
        material.save()
        done.append(f"{material.name}：{material.get_custody_display()}")
    if done:
        _event(case, actor, "custody", note="；".join(done), data={"by_form": True})
    return done


def _complete(case: Case, staff: Staff, actor: Any, now: dt.datetime, result: str, *, note: str = "") -> None:
    _check_custody(case)
    previous = move(case, Status.COMPLETED, _("办结"))
    case.completed_at = now
    case.result = result.strip()
    case.save()
    on_time = case.due_at is None or now <= case.due_at
    _event(
        case,
        actor,
        "complete",
        from_state=previous,
        to_state=case.status,
        note=note or case.result,
        data={"on_time": on_time, "due_at": case.due_at.isoformat() if case.due_at else None},
    )
    notify("completed", case=case)


@transaction.atomic
def case_complete(*, case: Case, actor: Any, result: str, dispose_by_form: bool = False) -> Case:
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    check_transition(case.status, Status.COMPLETED, _("办结"))
    if not result.strip():
        raise ValidationError({"result": [_("请填写办理结果。")]})
    if case.mode == Mode.FORWARDED:
        raise ValidationError(_("上报件由区行政服务中心登记办理结果后办结。"))
    if case.mode == Mode.JOINT:
        tasks = list(JointTask.objects.filter(case=case).values_list("state", flat=True))
        if not tasks or any(state != JointTask.State.DONE for state in tasks):
            raise ValidationError(_("联办件须各承办部门全部完成任务后方可办结。"))
    now = timezone.now()
    if dispose_by_form:
        _dispose_by_form(case, staff, actor, now)
    _complete(case, staff, actor, now, result)
    return case


DELIVERY_METHODS = {
    "window": gettext_lazy("窗口领取"),
    "mail": gettext_lazy("邮寄送达"),
    "home": gettext_lazy("上门送达"),
    "electronic": gettext_lazy("电子送达"),
}


@transaction.atomic
def case_deliver(*, case: Case, actor: Any, method: str, note: str = "") -> Case:
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if method not in DELIVERY_METHODS:
        raise ValidationError({"method": [_("请选择送达方式。")]})
    previous = move(case, Status.DELIVERED, _("送达"))
    case.delivered_at = timezone.now()
    case.save()
    _event(
        case,
        actor,
        "deliver",
        from_state=previous,
        to_state=case.status,
        note=note.strip(),
        data={"method": method, "method_label": str(DELIVERY_METHODS[method])},
    )
    return case


@transaction.atomic
def case_withdraw(*, case: Case, actor: Any, reason: str) -> Case:
    """The applicant withdraws (or did not supplement in time): materials still held go back to them."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写撤回原因。")]})
    now = timezone.now()
    previous = move(case, Status.WITHDRAWN, _("撤回"))
    pause = CasePause.objects.filter(case=case, ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
    case.paused_at = None
    case.closed_at = now
    case.save()
    _hand_back(case, staff, now, _("申请撤回，材料退还申请人"))
    JointTask.objects.filter(case=case, state=JointTask.State.OPEN).update(
        state=JointTask.State.DONE, result=_("申请已撤回"), completed_at=now, completed_by=staff
    )
    _event(case, actor, "withdraw", from_state=previous, to_state=case.status, note=reason.strip())
    return case


# --- joint cases (§4(4)) --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskDueRange:
    earliest: dt.date
    latest: dt.date | None  # None: the case's deadline has passed, so it no longer bounds its tasks
    default: dt.date


def task_due_range(case: Case, *, now: dt.datetime | None = None, cal: WorkCalendar | None = None) -> TaskDueRange:
    """The dates a joint task of `case` may be due on: from today to the case's deadline. Once the case is
    overdue its deadline is in the past, so its tasks are due from today on (the case stays late on record)."""
    now = now or timezone.now()
    cal = cal or _calendar()
    today = timezone.localtime(now).date()
    # The first working day whose office hours have not ended yet: a task can still be done by then.
    open_today = cal.is_workday(today) and end_of_working_day(today, cal, case.center.office_hours) > now
    first_workday = today if open_today else cal.next_workday(today)
    if case.due_at is None:
        return TaskDueRange(today, None, first_workday)
    if case.due_at < now:
        return TaskDueRange(today, None, first_workday)
    case_day = timezone.localtime(case.due_at).date()
    return TaskDueRange(today, case_day, case_day)


@transaction.atomic
def case_split(*, case: Case, actor: Any, tasks: Sequence[TaskInput]) -> list[JointTask]:
    """The director splits a joint case into department tasks, each due from today to the case's deadline (from
    today on when the case is already overdue)."""
    staff = _staff(actor)
    case = _lock(case)
    _require_director(staff, case, _("分派联办任务"))
    if case.mode != Mode.JOINT:
        raise ValidationError(_("只有联办件需要分派联办任务。"))
    if case.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能分派联办任务。") % {"status": case.get_status_display()}
        )
    if not tasks:
        raise ValidationError(_("请至少为一个部门分派任务。"))
    existing = set(JointTask.objects.filter(case=case).values_list("department_id", flat=True))
    cal = _calendar()
    hours = case.center.office_hours
    now = timezone.now()
    allowed = task_due_range(case, now=now, cal=cal)
    errors: list[str] = []
    created: list[JointTask] = []
    seen: set[int] = set()
    for task in tasks:
        dept = task.department
        if dept.pk in existing or dept.pk in seen:
            errors.append(_("%(dept)s已有联办任务。") % {"dept": dept.name})
            continue
        seen.add(dept.pk)
        if not cal.is_workday(task.due_date):
            errors.append(_("%(dept)s的完成期限不是工作日。") % {"dept": dept.name})
            continue
        due_at = end_of_working_day(task.due_date, cal, hours)
        if task.due_date < allowed.earliest:
            errors.append(_("%(dept)s的完成期限不能早于今天。") % {"dept": dept.name})
            continue
        if allowed.latest is not None and case.due_at is not None and due_at > case.due_at:
            errors.append(
                _("%(dept)s的完成期限不能晚于办件的办理期限（%(due)s）。")
                % {"dept": dept.name, "due": f"{allowed.latest:%Y-%m-%d}"}
            )
            continue
        if task.assignee is not None and task.assignee.department_id != dept.pk:
            errors.append(_("%(name)s不是%(dept)s的工作人员。") % {"name": task.assignee.name, "dept": dept.name})
            continue
        created.append(
            JointTask(
                case=case,
                department=dept,
                assignee=task.assignee,
                instructions=task.instructions.strip(),
                due_at=due_at,
                created_at=now,
            )
        )
    if errors:
        raise ValidationError(errors)
    JointTask.objects.bulk_create(created)
    previous = case.status
    if case.status == Status.ACCEPTED:
        move(case, Status.IN_PROGRESS, _("分派联办任务"))
        case.save()
    _event(
        case,
        actor,
        "split",
        from_state=previous,
        to_state=case.status,
        data={
            "tasks": [
                {"department": t.department.name, "due": f"{timezone.localtime(t.due_at):%Y-%m-%d}"} for t in created
            ],
            # Split after the case's deadline had passed: the case's lateness stays on record.
            "case_overdue": allowed.latest is None and case.due_at is not None,
        },
    )
    return created


def can_work_task(staff: Staff, task: JointTask) -> bool:
    if task.assignee_id is not None and task.assignee_id == staff.pk:
        return True
    if staff.role == Role.HANDLER and staff.department_id == task.department_id:
        return True
    return staff.role == Role.DIRECTOR and task.case.center.path.startswith(staff.org_unit.path)


@transaction.atomic
def task_complete(*, task: JointTask, actor: Any, result: str) -> JointTask:
    """A department finishes its part; when the last part is done, the case completes (if its materials are
    accounted for; otherwise the window completes it after disposing of them)."""
    staff = _staff(actor)
    case = _lock(task.case)  # the case lock serializes the last two departments finishing at once
    task = JointTask.objects.select_for_update(of=("self",)).select_related("department").get(pk=task.pk, case=case)
    task.case = case
    if not can_work_task(staff, task):
        raise ValidationError(_("只有承办部门的经办人或中心主任可以办理该任务。"), code="task_role")
    if task.state == JointTask.State.DONE:
        raise CaseStateError(_("该联办任务已完成，无需重复办理。"))
    if case.status != Status.IN_PROGRESS:
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能办理联办任务。") % {"status": case.get_status_display()}
        )
    if not result.strip():
        raise ValidationError({"result": [_("请填写办理意见。")]})
    now = timezone.now()
    task.state = JointTask.State.DONE
    task.result = result.strip()
    task.completed_by = staff
    task.completed_at = now
    task.save()
    _event(
        case,
        actor,
        "task_complete",
        note=task.result,
        data={"department": task.department.name, "on_time": now <= task.due_at},
    )
    remaining = JointTask.objects.filter(case=case, state=JointTask.State.OPEN).exists()
    if not remaining:
        summary = "；".join(
            f"{t.department.name}：{t.result}"
            for t in JointTask.objects.filter(case=case).select_related("department").order_by("id")
        )
        if unaccounted_materials(case):
            _event(case, actor, "task_complete", note=_("各承办部门均已完成；材料处置后由窗口办结。"))
        else:
            _complete(case, staff, actor, now, summary, note=_("各承办部门均已完成，办件办结"))
    return task


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
        "forward",
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
        "district_update",
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
        "district_result",
        note=result.strip(),
        data={"approved": approved, "reference": forwarding.district_reference},
    )
    verdict = _("准予办理") if approved else _("不予批准")
    _complete(case, staff, actor, now, f"{verdict}：{result.strip()}")
    return case


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
    _event(case, actor, "handover", note=note.strip(), data={"from": staff.name, "to": to_staff.name})
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
        "handover_acknowledge",
        data={"from": handover.from_staff.name, "to": staff.name, "materials": moved},
    )
    return handover


# --- the working calendar changed ----------------------------------------------------------------------------


def cases_recompute_due(*, changed_dates: Sequence[dt.date], actor: Any) -> int:
    """Listener for `settings.BIANMIN_CALENDAR_LISTENERS`: recompute the due moments of open cases whose
    deadline span covers a changed day. Runs inside the calendar service's transaction."""
    from bianmin.core.models import CalendarDay
    from bianmin.core.selectors import build_work_calendar

    if not changed_dates:
        return 0
    # The cached calendar is invalidated only after the listeners ran: read the changed table directly.
    cal = build_work_calendar(list(CalendarDay.objects.all()))
    tz = cal.tz
    first, last = min(changed_dates), max(changed_dates)
    span_start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    span_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = (
        Case.objects.filter(
            status__in=OPEN_CLOCK_STATUSES,
            accepted_at__lt=span_end,
            due_at__gte=span_start,
        )
        .select_related("center")
        .prefetch_related("pauses")
        .order_by("pk")
    )
    label = "、".join(f"{d:%Y-%m-%d}" for d in sorted(changed_dates)[:5])
    return _recompute_due_of(
        qs,
        cal,
        actor,
        verb="due_recomputed",
        note=lambda old, new: (
            _("工作日历调整（%(days)s），办理期限由 %(old)s 调整为 %(new)s") % {"days": label, "old": old, "new": new}
        ),
    )


OPEN_CLOCK_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING, Status.FORWARDED)


@transaction.atomic
def cases_recompute_open_due(*, actor: Any, center: OrgUnit | None = None) -> int:
    """Recompute the due moments of every open case (of `center` and below) under the current counting rule and
    calendar: run once after the rule itself changed (the acceptance day no longer counts when accepted before
    opening time). Cases whose due moment is unchanged are left alone."""
    qs = Case.objects.filter(status__in=OPEN_CLOCK_STATUSES, accepted_at__isnull=False)
    if center is not None:
        qs = qs.filter(center__path__startswith=center.path)
    qs = qs.select_related("center").prefetch_related("pauses").order_by("pk")
    return _recompute_due_of(
        qs,
        work_calendar(),
        actor,
        verb="due_rule_recomputed",
        note=lambda old, new: (
            _("期限计算规则调整（受理当日不计入），办理期限由 %(old)s 调整为 %(new)s") % {"old": old, "new": new}
        ),
    )


def _recompute_due_of(qs: Any, cal: WorkCalendar, actor: Any, *, verb: str, note: Callable[[str, str], str]) -> int:
    changed: list[Case] = []
    events: list[CaseEvent] = []
    by = actor if getattr(actor, "is_authenticated", False) else None
    for case in qs.iterator(chunk_size=500):
        pauses = [deadlines.Pause(p.started_at, p.ended_at) for p in case.pauses.all()]
        deadline = compute_deadline(case, cal, pauses)
        if deadline is None or deadline.due == case.due_at:
            continue
        old = case.due_at
        case.due_at = deadline.due
        changed.append(case)
        events.append(
            CaseEvent(
                case=case,
                actor=by,
                verb=verb,
                note=note(
                    f"{timezone.localtime(old):%Y-%m-%d %H:%M}" if old else "—",
                    f"{timezone.localtime(deadline.due):%Y-%m-%d %H:%M}",
                ),
                data={"old_due": old.isoformat() if old else None, "due_at": deadline.due.isoformat()},
            )
        )
    for start in range(0, len(changed), 500):
        Case.objects.bulk_update(changed[start : start + 500], ["due_at"])
    CaseEvent.objects.bulk_create(events, batch_size=500)
    # A department task may not end after its case.
    for case in changed:
        if case.due_at is not None:
            JointTask.objects.filter(case=case, state=JointTask.State.OPEN, due_at__gt=case.due_at).update(
                due_at=case.due_at
            )
    return len(changed)


# --- online applications (网上申报) and pre-review ------------------------------------------------------------


@dataclass(frozen=True)
class OnlineApplicant:
    id_number: str
    name: str = ""
    phone: str = ""


@transaction.atomic
def case_submit_online(
    *, center: OrgUnit, item: ServiceItem, applicant: OnlineApplicant, has: Iterable[int], actor: Any = None
) -> Case:
    """An application submitted online for pre-review: numbered at once, the materials the applicant says they have
    noted (not yet presented: originals are checked at the window)."""
    if not published_items(center=center).filter(pk=item.pk).exists():
        raise ValidationError({"service_code": [_("该事项未在本中心公开，不能申报。")]})
    version = ItemVersion.objects.get(item=item, number=item.version)
    errors: dict[str, list[str]] = {}
    id_number = ""
    try:
        id_number = clean_resident_id(applicant.id_number)
    except ValidationError as exc:
        errors["id_number"] = list(exc.messages)
    phone = ""
    if applicant.phone.strip():
        try:
            phone = clean_phone(applicant.phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    name = " ".join(applicant.name.split())
    if len(name) > 100:
        errors["name"] = [_("申请人姓名过长。")]
    checklist = version.materials
    has_ids = set(has)
    if has_ids - {m["id"] for m in checklist}:
        errors["materials"] = [_("勾选的材料不在本事项的材料清单中。")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    year, serial = _number(center, "case", now)
    snapshot = version.snapshot
    case = Case.objects.create(
        number=format_serial(prefix=f"{center.code}-", year=year, value=serial),
        year=year,
        serial=serial,
        center=center,
        item=item,
        item_version=version,
        item_name=snapshot.get("name", item.name),
        mode=snapshot.get("mode", item.default_mode),
        status=Status.SUBMITTED,
        applicant_kind=ApplicantKind.PERSON,
        applicant_name=name,
        applicant_id_number=id_number,
        applicant_id_index=applicant_index(id_number),
        applicant_phone=phone,
        phone_tail=phone[-4:],
        received_at=now,
        limit_days=int(snapshot.get("promised_limit") or 0),
        limit_unit=snapshot.get("limit_unit") or "working",
        public_token=secrets.token_urlsafe(16),
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case,
            material_id=m["id"],
            name=m["name"],
            kind=m["kind"],
            required_form=m.get("form", ""),
            sort_order=order,
        )
        for order, m in enumerate(checklist)
    )
    _event(
        case,
        actor,
        "submit_online",
        to_state=Status.SUBMITTED,
        data={
            "has": [m["name"] for m in checklist if m["id"] in has_ids],
            "to_bring": [m["name"] for m in checklist if m["id"] not in has_ids],
        },
    )
    return case


@transaction.atomic
def case_prereview(*, case: Case, actor: Any, window: Window, supplement: Sequence[str] = (), note: str = "") -> Case:
    """网上预审: tell the online applicant once which window to come to and what to bring (the originals, and any
    supplement named here); the case then waits at that window as a received case."""
    staff = _staff(actor)
    case = _lock(case)
    if not in_scope(actor, case.center):
        raise ValidationError(_("只能预审本人所在中心的网上申报。"))
    if window.center_id != case.center_id or not window.is_active:
        raise ValidationError({"window": [_("请选择本中心在用的窗口。")]})
    items = list(dict.fromkeys(" ".join(s.split())[:200] for s in supplement if s.strip()))
    note = note.strip()[:500]
    materials = _materials(case)
    listed = {m.name for m in materials}
    # What the reviewer adds beyond the catalog becomes part of the case's checklist, so the window can check it.
    added = [
        CaseMaterial(case=case, material_id=None, name=name, kind=Material.Kind.GENERAL, sort_order=len(materials) + n)
        for n, name in enumerate(i for i in items if i not in listed)
    ]
    CaseMaterial.objects.bulk_create(added)
    previous = move(case, Status.RECEIVED, _("预审"))
    post = Post.objects.active_on(timezone.localdate()).filter(window=window, kind=Post.Kind.A).first()
    case.window = window
    case.received_by = staff
    case.assignee = post.staff if post is not None else staff
    case.save()
    _event(
        case,
        actor,
        PREREVIEW_VERB,
        from_state=previous,
        to_state=case.status,
        note=note,
        data={
            "outcome": "supplement" if items else "complete",
            "window": window.number,
            "window_name": window.name,
            "supplement": items,
            # The one-time notification as the applicant read it: the first notice of this case.
            "notified": [{"material_id": m.material_id, "name": m.name} for m in [*materials, *added]],
        },
    )
    return case


@transaction.atomic
def case_materials_present(
    *,
    case: Case,
    actor: Any,
    presented: Mapping[int, str],
    location: str = "",
    extras: Mapping[int, str] | None = None,
) -> list[CaseMaterial]:
    """At the window: the originals of a received case checked and taken in (before it is accepted or refused).

    `presented` by catalog material id; `extras` by row id for what the online pre-review added to the list."""
    staff = _staff(actor)
    case = _lock(case)
    if case.status != Status.RECEIVED:
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能登记收取材料。") % {"status": case.get_status_display()},
            code="state",
        )
    extras = extras or {}
    if any(value not in CaseMaterial.Form.values for value in [*presented.values(), *extras.values()]):
        raise ValidationError(_("请为已提交的材料选择原件或复印件。"))
    now = timezone.now()
    where = location.strip() or (f"{case.window.number}号窗口资料柜" if case.window else _("中心资料室"))
    returns_original = _returns_original(case)
    taken = []
    rows = CaseMaterial.objects.select_for_update().filter(
        Q(material_id__in=list(presented)) | Q(pk__in=list(extras), material_id__isnull=True), case=case
    )
    for material in rows.order_by("sort_order", "id"):
        form = presented[material.material_id] if material.material_id is not None else extras[material.pk]
        _take_in(
            material,
            form,
            staff=staff,
            now=now,
            where=where,
            returns_original=material.material_id in returns_original,
        )
        material.save()
        taken.append(material)
    _event(
        case,
        actor,
        "materials_present",
        data={
            "presented": [m.name for m in taken],
            "returned": [m.name for m in taken if m.custody == Custody.RETURNED],
            "location": where,
        },
    )
    return taken


# --- facts the accountability sweep reads (§8(3)(3), §8(3)(4)) -------------------------------------------------


@transaction.atomic
def case_record_delay_reason(*, case: Case, actor: Any, reason: str) -> CaseEvent:
    """Record the special reason (特殊原因) why a case runs or ran past its deadline; a case late without one is
    raised for accountability. Recorded as an event, so the timeline shows it and the sweep reads it."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明超期的特殊原因。")]})
    return _event(case, actor, DELAY_REASON_VERB, note=reason[:1000])


@transaction.atomic
def case_overturn_refusal(*, case: Case, actor: Any, reason: str) -> CaseEvent:
    """The director records that a refusal (不予受理) was wrong — on review, complaint or appeal — so the applicant
    may apply again without a new refusal; the case stays closed and the refusal is raised for accountability."""
    staff = _staff(actor)
    case = _lock(case)
    _require_director(staff, case, _("撤销不予受理决定"))
    if case.status != Status.REFUSED:
        raise CaseStateError(_("只有不予受理的办件才能撤销不予受理决定。"), code="state")
    if CaseEvent.objects.filter(case=case, verb=REFUSAL_OVERTURNED_VERB).exists():
        raise CaseStateError(_("该办件的不予受理决定已撤销。"), code="state")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明撤销理由。")]})
    refused = CaseEvent.objects.filter(case=case, verb="refuse").select_related("actor__staff").last()
    refused_by = getattr(getattr(refused, "actor", None), "staff", None) if refused else None
    return _event(
        case,
        actor,
        REFUSAL_OVERTURNED_VERB,
        note=reason[:1000],
        data={"refused_by": refused_by.pk if refused_by is not None else None},
    )
