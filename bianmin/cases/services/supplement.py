"""Supplement requests (补报材料): asked, decided by the director, received."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.access import check_holds
from bianmin.cases.checklists import beyond_first_notice
from bianmin.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    Custody,
    Notice,
    OneTimeNotificationFailure,
    Status,
    SupplementRequest,
)
from bianmin.cases.notifications import notify
from bianmin.cases.services._common import (
    _check_supplement_due,
    _clean_items,
    _event,
    _issue_notice,
    _lock,
    _materials,
    _pause,
    _recompute_due,
    _require_director,
    _returns_original,
    _staff,
    _take_in,
)
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import SUPPLEMENT, CaseStateError, move
from bianmin.org.models import Staff

PREREVIEW_VERB = Verb.PREREVIEW


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
            Verb.SUPPLEMENT_REQUEST_PENDING,
            note=reason.strip(),
            data={"items": [i["name"] for i in cleaned], "beyond_first_notice": [i["name"] for i in extra]},
        )
        return request
    _issue_supplement(case, request, staff, actor, now, verb=Verb.SUPPLEMENT_REQUEST)
    return request


def _issue_supplement(
    case: Case, request: SupplementRequest, staff: Staff, actor: Any, now: dt.datetime, *, verb: Verb
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
    if request.state == SupplementRequest.State.PENDING:  # signed off; a request within the first notice is issued
        SUPPLEMENT.move(request, SupplementRequest.State.ISSUED, _("出具补报材料通知单"))
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
        SUPPLEMENT.move(request, SupplementRequest.State.REJECTED, _("不予签批"))
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _event(case, actor, Verb.SUPPLEMENT_REJECTED, note=note.strip())
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
    _issue_supplement(case, request, staff, actor, now, verb=Verb.SUPPLEMENT_SIGNED_OFF)
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
        Verb.SUPPLEMENT_RECEIVED,
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
