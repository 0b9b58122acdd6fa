"""Intake (受理): a case is taken in, accepted or refused, or referred to another window."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases import deadlines
from bianmin.cases.access import check_holds
from bianmin.cases.checklists import Decision, Issue, assess, beyond_first_notice
from bianmin.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    Custody,
    Notice,
    ProxyAuthorization,
    Status,
    SupplementRequest,
    WindowReferral,
)
from bianmin.cases.notifications import notify, notify_in_transaction
from bianmin.cases.services._common import (
    ApplicantInput,
    ProxyInput,
    _calendar,
    _case_checklist,
    _check_supplement_due,
    _clean_items,
    _event,
    _event_row,
    _hand_back,
    _issue_notice,
    _lock,
    _materials,
    _notice_row,
    _recompute_due,
    _returns_original,
    _staff,
    _take_in,
    applicant_index,
    clean_applicant,
    compute_deadline,
    notice_counter,
)
from bianmin.cases.services.handover import _handover
from bianmin.cases.services.proxy import _record_proxy
from bianmin.cases.services.supplement import online_notice_items
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import check_transition, move
from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.inserts import insert_rows
from bianmin.core.numbering import format_serial, next_serials
from bianmin.org.access import in_scope
from bianmin.org.models import OrgUnit, Post, Staff, Window

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
    version: ItemVersion | None = None,
) -> Case:
    """Receive an applicant for an item at a window and decide at once (§4(1)); numbers the case and its notices.

    `not_applicable`: conditional materials (视情况提交) that do not apply to this applicant. `version`: the item's
    current version as the caller read it through `selectors.intake_version` (published at `center`); read here
    otherwise.

    An acceptance costs one statement per table, whatever the checklist's length: the numbers (case and notices
    together), the case (in its accepted state at once), its materials, its notices and its events; the applicant's
    text message is one outbox row after commit."""
    staff = _staff(actor)
    if not in_scope(actor, center):
        raise ValidationError(_("只能在本人所在中心受理办件。"))
    if window is not None and window.center_id != center.pk:
        raise ValidationError({"window": [_("受理窗口不属于本中心。")]})
    if version is None or version.item_id != item.pk or version.number != item.version:
        version = (
            ItemVersion.objects.filter(item__in=published_items(center=center).filter(pk=item.pk).values("pk"))
            .filter(number=item.version)
            .first()
        )
        if version is None:
            raise ValidationError({"item": [_("该事项未在本中心公开，不能受理。")]})
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
    year = timezone.localtime(now).year
    accepting = decision in (Decision.ACCEPT, Decision.ACCEPT_WITH_SUPPLEMENT)
    # Accepted at once: what the checklist lacks (the same list `_accept` derives from the case's rows) and the
    # corrections are the supplement notice's items.
    items = (
        [
            {"material_id": m["id"], "name": m["name"], "issue": Issue.MISSING, "detail": ""}
            for m in result.missing_general
        ]
        + _clean_items(corrections)
        if accepting
        else []
    )
    notice_kinds = [Notice.Kind.ACCEPTANCE, *([Notice.Kind.SUPPLEMENT] if items else [])] if accepting else []
    serials = next_serials(scope=center.code, kinds=["case", *map(notice_counter, notice_kinds)], year=year)
    snapshot = version.snapshot
    case = Case(
        number=format_serial(prefix=f"{center.code}-", year=year, value=serials["case"]),
        year=year,
        serial=serials["case"],
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
    events = [
        _event_row(
            case,
            actor,
            Verb.RECEIVE,
            to_state=Status.RECEIVED,
            data={
                "presented": [m.name for m in rows if m.presented],
                "missing": [m.name for m in rows if not m.presented and not m.not_applicable],
                "not_applicable": [m.name for m in rows if m.not_applicable],
                "returned": [m.name for m in rows if m.custody == Custody.RETURNED],
                "location": where,
            },
        )
    ]
    previous = ""
    due: dt.date | None = None
    if accepting:
        previous = move(case, Status.WAITING if items else Status.ACCEPTED, _("受理"))
        case.accepted_at = now
        case.accepted_by = staff
        pauses = []
        if items:
            due = _check_supplement_due(case, supplement_due, now)
            case.supplement_pending = True
            case.paused_at = now
            case.resume_status = Status.ACCEPTED
            pauses = [deadlines.Pause(now, None)]
        deadline = compute_deadline(case, _calendar(), pauses)
        case.due_at = deadline.due if deadline else None
    insert_rows([case])
    insert_rows(rows)
    record = _record_proxy(case, staff, actor, proxy, now, events=events) if proxy is not None else None
    if accepting:
        if items:
            CasePause.objects.create(case=case, started_at=now, reason=_("受理时一次性告知补报材料"))
        _accepted_at_intake(case, staff, actor, now, rows, events, serials, previous, items, due, record)
    insert_rows(events)
    if decision == Decision.REFUSE:
        _refuse(case, staff, actor, now, refusal_reason, note=_("所交材料已当面退还申请人"))
    elif decision == Decision.RECEIVE_ONLY:
        assert handover_to is not None  # noqa: S101 -- checked above
        _handover(case, staff, actor, handover_to, handover_note, now)
    return case


def _accepted_at_intake(
    case: Case,
    staff: Staff,
    actor: Any,
    now: dt.datetime,
    materials: Sequence[CaseMaterial],
    events: list[CaseEvent],
    serials: Mapping[str, int],
    previous: str,
    items: Sequence[Mapping[str, Any]],
    due: dt.date | None,
    proxy: ProxyAuthorization | None,
) -> None:
    """The notices (one statement), the supplement request and the acceptance event of a case accepted at intake;
    `_accept` for a case received earlier. The event joins `events`, saved by the caller in order."""
    year = case.year
    kind = Notice.Kind.ACCEPTANCE
    notices = [
        _notice_row(
            case,
            kind,
            staff,
            year=year,
            serial=serials[notice_counter(kind)],
            materials=materials,
            now=now,
            proxy=proxy,
        )
    ]
    data: dict[str, Any] = {"acceptance_notice": notices[0].number}
    if items and due is not None:
        kind = Notice.Kind.SUPPLEMENT
        notices.append(
            _notice_row(
                case,
                kind,
                staff,
                year=year,
                serial=serials[notice_counter(kind)],
                materials=materials,
                now=now,
                supplement_items=items,
                supplement_due=due,
                proxy=proxy,
            )
        )
    insert_rows(notices)
    if items and due is not None:
        supplement = SupplementRequest.objects.create(
            case=case,
            items=list(items),
            extra_items=[],  # a window intake had no online pre-review to go beyond
            due_date=due,
            reason=_("受理时一次性告知"),
            state=SupplementRequest.State.ISSUED,
            requested_by=staff,
            requested_at=now,
            notice=notices[1],
        )
        data["supplement_notice"] = notices[1].number
        data["items"] = [i["name"] for i in items]
        data["supplement_due"] = due.isoformat()
    data["due_at"] = case.due_at.isoformat() if case.due_at else None
    events.append(
        _event_row(
            case,
            actor,
            Verb.ACCEPT_WITH_SUPPLEMENT if items else Verb.ACCEPT,
            from_state=previous,
            to_state=case.status,
            data=data,
        )
    )
    # The case was created in this transaction: its messages are recorded with it (the outbox), not after commit.
    notify_in_transaction("accepted", case=case)
    if items and due is not None:
        notify_in_transaction("supplement_requested", case=case, request=supplement)


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
        Verb.ACCEPT_WITH_SUPPLEMENT if items else Verb.ACCEPT,
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
        case, actor, Verb.REFUSE, from_state=previous, to_state=case.status, note=reason, data={"notice": notice.number}
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
