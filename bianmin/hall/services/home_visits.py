"""Home visits (上门服务): requested, assigned, recorded, linked to a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import Case
from bianmin.cases.services import case_mark_received_at_home
from bianmin.catalog.models import ServiceItem
from bianmin.core.numbering import format_serial, next_serial
from bianmin.hall.models import (
    HomeVisit,
    HomeVisitEvent,
)
from bianmin.hall.notifications import notify
from bianmin.hall.services.common import (
    case_of_center,
    clean_person_name,
    clean_phone_field,
    event_actor,
    phone_blind_index,
    staff_in_center,
)
from bianmin.hall.workflow import HOME_VISIT
from bianmin.org.models import OrgUnit, Staff

# --- Home visits ----------------------------------------------------------------------------------------------


def _visit_event(
    visit: HomeVisit, verb: str, actor: Any, frm: str, to: str, note: str = "", **data: Any
) -> HomeVisitEvent:
    return HomeVisitEvent.objects.create(
        visit=visit, actor=event_actor(actor), verb=verb, from_state=frm, to_state=to, note=note, data=data
    )


@transaction.atomic
def home_visit_request(
    *,
    center: OrgUnit,
    channel: str,
    name: str,
    phone: str,
    address: str,
    reason: str,
    item: ServiceItem | None = None,
    item_name: str = "",
    reason_detail: str = "",
    community: OrgUnit | None = None,
    actor: Any = None,
) -> HomeVisit:
    name = clean_person_name(name)
    phone = clean_phone_field(phone)
    address = " ".join((address or "").split())
    if not address:
        raise ValidationError({"address": _("请填写上门地址。")})
    if reason not in HomeVisit.Reason.values:
        raise ValidationError({"reason": _("请选择申请原因。")})
    if channel not in HomeVisit.Channel.values:
        raise ValidationError({"channel": _("申请方式无效。")})
    if community is not None and not community.path.startswith(center.path):
        raise ValidationError({"community": _("所选社区（村）不在本中心辖区内。")})
    item_name = item.name if item is not None else " ".join((item_name or "").split())
    if not item_name:
        raise ValidationError({"item_name": _("请填写需要办理的事项。")})
    year = timezone.localdate().year
    visit = HomeVisit.objects.create(
        center=center,
        community=community,
        number=format_serial(
            prefix="SM", year=year, value=next_serial(scope=center.code, kind="home_visit", year=year)
        ),
        channel=channel,
        name=name,
        phone=phone,
        phone_index=phone_blind_index(phone),
        phone_tail=phone[-4:],
        address=address[:200],
        item=item,
        item_name=item_name[:200],
        reason=reason,
        reason_detail=reason_detail.strip(),
    )
    event = _visit_event(visit, "request", actor, "", HomeVisit.Status.REQUESTED, channel=channel)
    # Whoever arranges visits (the center's directors) learns of a new request, from the public page or a desk.
    notify("home_visit_requested", visit=visit, event=event)
    return visit


@transaction.atomic
def home_visit_assign(
    *, visit: HomeVisit, assignees: list[Staff], scheduled_at: dt.datetime, actor: Any, note: str = ""
) -> HomeVisit:
    """The director assigns who goes and when (again, to reschedule)."""
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("center").get(pk=visit.pk)
    if visit.status not in (HomeVisit.Status.REQUESTED, HomeVisit.Status.SCHEDULED):
        raise ValidationError(_("该上门服务%(status)s，不能再安排。") % {"status": visit.get_status_display()})
    if not assignees:
        raise ValidationError({"assignees": _("请至少安排一名上门人员。")})
    outside = [s.name for s in assignees if not staff_in_center(s, visit.center)]
    if outside:
        raise ValidationError({"assignees": _("%(names)s 不属于本中心。") % {"names": "、".join(outside)}})
    if scheduled_at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError({"scheduled_at": _("上门时间不能早于当前时间。")})
    previous = visit.status
    HOME_VISIT.move(visit, HomeVisit.Status.SCHEDULED, _("安排上门"))
    visit.scheduled_at = scheduled_at
    visit.save(update_fields=["status", "scheduled_at"])
    visit.assignees.set(assignees)
    event = _visit_event(
        visit,
        "assign" if previous == HomeVisit.Status.REQUESTED else "reschedule",
        actor,
        previous,
        HomeVisit.Status.SCHEDULED,
        note=note,
        staff=[s.name for s in assignees],
        scheduled_at=scheduled_at.isoformat(),
    )
    # Each person sent is told where, when and for what; a new arrangement tells them again.
    notify("home_visit_assigned", visit=visit, assignees=list(assignees), event=event)
    return visit


@transaction.atomic
def home_visit_record(
    *,
    visit: HomeVisit,
    outcome: str,
    note: str,
    visited_at: dt.datetime,
    actor: Any,
    case_number: str = "",
) -> HomeVisit:
    """The visit's outcome; where it started a case, the case (found by the number staff type) is linked and
    records that it was received at home."""
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("center").get(pk=visit.pk)
    if visit.status != HomeVisit.Status.SCHEDULED:
        raise ValidationError(_("只有已安排的上门服务才能登记结果。"))
    if outcome not in HomeVisit.Outcome.values:
        raise ValidationError({"outcome": _("请选择办理结果。")})
    if not note.strip():
        raise ValidationError({"outcome_note": _("请填写结果说明。")})
    case = None
    if outcome == HomeVisit.Outcome.CASE_STARTED:
        if case_number.strip():
            case = case_of_center(visit.center, case_number)
        elif visit.case is not None:  # accepted from the visit ("受理" on its page): already linked
            case = visit.case
        else:
            raise ValidationError({"case_number": _("已受理转入办件的，请填写办件编号。")})
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("实际上门时间不能晚于当前时间。")})
    HOME_VISIT.move(visit, HomeVisit.Status.DONE, _("登记上门结果"))
    visit.outcome = outcome
    visit.outcome_note = note.strip()
    visit.visited_at = visited_at
    visit.case = case or visit.case  # a case accepted from the visit stays linked, whatever the outcome says
    visit.save(update_fields=["status", "outcome", "outcome_note", "visited_at", "case"])
    if case is not None:
        case_mark_received_at_home(case=case, actor=actor, visit_number=visit.number)
    _visit_event(
        visit,
        "record",
        actor,
        HomeVisit.Status.SCHEDULED,
        HomeVisit.Status.DONE,
        note=note,
        outcome=outcome,
        case_number=case.number if case else "",
    )
    return visit


@transaction.atomic
def home_visit_link_case(*, visit: HomeVisit, case: Case, actor: Any) -> HomeVisit:
    """The case accepted from the visit's "受理" (intake prefilled from the visit): the visit points at the case,
    and the case records it was received at home."""
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("center").get(pk=visit.pk)
    if visit.status != HomeVisit.Status.SCHEDULED:
        raise ValidationError(
            _("上门服务%(number)s%(status)s，未与办件关联。")
            % {"number": visit.number, "status": visit.get_status_display()}
        )
    if not case.center.path.startswith(visit.center.path):
        raise ValidationError(_("办件不属于本中心，未与上门服务关联。"))
    if visit.case_id is not None and visit.case_id != case.pk:
        raise ValidationError(
            _("上门服务%(number)s已关联办件，未再关联办件%(case)s。") % {"number": visit.number, "case": case.number}
        )
    visit.case = case
    visit.save(update_fields=["case"])
    case_mark_received_at_home(case=case, actor=actor, visit_number=visit.number)
    _visit_event(visit, "link_case", actor, visit.status, visit.status, case_number=case.number)
    return visit


@transaction.atomic
def home_visit_cancel(*, visit: HomeVisit, reason: str, actor: Any) -> HomeVisit:
    visit = HomeVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status not in (HomeVisit.Status.REQUESTED, HomeVisit.Status.SCHEDULED):
        raise ValidationError(_("该上门服务%(status)s，不能取消。") % {"status": visit.get_status_display()})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    previous = visit.status
    HOME_VISIT.move(visit, HomeVisit.Status.CANCELLED, _("取消"))
    visit.save(update_fields=["status"])
    _visit_event(visit, "cancel", actor, previous, HomeVisit.Status.CANCELLED, note=reason.strip())
    return visit
