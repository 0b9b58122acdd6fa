"""Handling: start, material disposal, completion, delivery, withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.cases.access import check_holds
from bianmin.cases.models import (
    Case,
    CaseMaterial,
    CasePause,
    Custody,
    JointTask,
    Outcome,
    Status,
)
from bianmin.cases.notifications import notify
from bianmin.cases.services._common import _check_custody, _event, _hand_back, _lock, _staff
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import CaseStateError, check_transition, move
from bianmin.catalog.models import Mode
from bianmin.org.models import Staff

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
    _event(case, actor, Verb.START, from_state=previous, to_state=case.status)
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
        Verb.CUSTODY,
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
        _event(case, actor, Verb.CUSTODY, note="；".join(done), data={"by_form": True})
    return done


def _complete(
    case: Case, staff: Staff, actor: Any, now: dt.datetime, result: str, *, note: str = "", outcome: str = ""
) -> None:
    _check_custody(case)
    previous = move(case, Status.COMPLETED, _("办结"))
    case.completed_at = now
    case.result = result.strip()
    case.outcome = outcome
    case.save()
    on_time = case.due_at is None or now <= case.due_at
    _event(
        case,
        actor,
        Verb.COMPLETE,
        from_state=previous,
        to_state=case.status,
        note=note or case.result,
        data={
            "on_time": on_time,
            "due_at": case.due_at.isoformat() if case.due_at else None,
            "outcome": outcome,
        },
    )
    notify("completed", case=case)


@transaction.atomic
def case_complete(*, case: Case, actor: Any, result: str, dispose_by_form: bool = False, outcome: str = "") -> Case:
    """`outcome` is the decision (准予 / 不予) the applicant sees on the progress page; `result` says what was done,
    or why not. Callers from before the decision was recorded may leave it empty."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    check_transition(case.status, Status.COMPLETED, _("办结"))
    if not result.strip():
        raise ValidationError({"result": [_("请填写办理结果。")]})
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("请选择办理结论：准予或不予。")]})
    if case.mode == Mode.FORWARDED:
        raise ValidationError(_("上报件由区行政服务中心登记办理结果后办结。"))
    if case.mode == Mode.JOINT:
        tasks = list(JointTask.objects.filter(case=case).values_list("state", flat=True))
        if not tasks or any(state != JointTask.State.DONE for state in tasks):
            raise ValidationError(_("联办件须各承办部门全部完成任务后方可办结。"))
    now = timezone.now()
    if dispose_by_form:
        _dispose_by_form(case, staff, actor, now)
    _complete(case, staff, actor, now, result, outcome=outcome)
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
        Verb.DELIVER,
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
    _event(case, actor, Verb.WITHDRAW, from_state=previous, to_state=case.status, note=reason.strip())
    return case
