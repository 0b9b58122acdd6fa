"""Proxy cases (代办): a community worker carrying an application to the center."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog.models import ServiceItem
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import blind_index
from bianmin.hall.models import (
    ProxyCase,
    ProxyEvent,
)
from bianmin.hall.services.common import (
    case_of_center,
    clean_id_field,
    clean_person_name,
    clean_phone_field,
    event_actor,
    phone_blind_index,
    staff_in_center,
)
from bianmin.hall.workflow import PROXY
from bianmin.org.models import OrgUnit, Staff

# --- Proxy cases (代办) -----------------------------------------------------------------------------------------


def _proxy_event(proxy: ProxyCase, verb: str, actor: Any, frm: str, to: str, note: str = "", **data: Any) -> None:
    ProxyEvent.objects.create(
        proxy=proxy, actor=event_actor(actor), verb=verb, from_state=frm, to_state=to, note=note, data=data
    )


@transaction.atomic
def proxy_register(
    *,
    center: OrgUnit,
    applicant_name: str,
    applicant_phone: str,
    agent_kind: str,
    authorization: str,
    authorized_on: dt.date,
    authorization_note: str,
    actor: Any,
    applicant_id_number: str = "",
    agent_staff: Staff | None = None,
    agent_name: str = "",
    item: ServiceItem | None = None,
    item_name: str = "",
    case_number: str = "",
    community: OrgUnit | None = None,
) -> ProxyCase:
    """Register a 代办: who acts for whom, on what recorded authorization, for which item."""
    applicant_name = clean_person_name(applicant_name, "applicant_name")
    phone = clean_phone_field(applicant_phone, "applicant_phone")
    id_number = clean_id_field(applicant_id_number, "applicant_id_number")
    if agent_kind not in ProxyCase.AgentKind.values:
        raise ValidationError({"agent_kind": _("请选择代办人类别。")})
    if agent_kind == ProxyCase.AgentKind.STAFF:
        if agent_staff is None:
            raise ValidationError({"agent_staff": _("由中心工作人员代办的，请选择代办人员。")})
        if not staff_in_center(agent_staff, center):
            raise ValidationError({"agent_staff": _("代办人员不属于本中心。")})
        agent_name = agent_staff.name
    agent_name = " ".join((agent_name or "").split())
    if not agent_name:
        raise ValidationError({"agent_name": _("请填写代办人姓名。")})
    if authorization not in ProxyCase.Authorization.values:
        raise ValidationError({"authorization": _("请选择授权方式。")})
    if authorized_on > timezone.localdate():
        raise ValidationError({"authorized_on": _("授权日期不能晚于今天。")})
    if not authorization_note.strip():
        raise ValidationError({"authorization_note": _("请写明委托代办的事项、权限和期限。")})
    item_name = item.name if item is not None else " ".join((item_name or "").split())
    if not item_name:
        raise ValidationError({"item_name": _("请填写代办事项。")})
    if community is not None and not community.path.startswith(center.path):
        raise ValidationError({"community": _("所选社区（村）不在本中心辖区内。")})
    case = case_of_center(center, case_number) if case_number.strip() else None
    year = timezone.localdate().year
    proxy = ProxyCase.objects.create(
        center=center,
        community=community,
        number=format_serial(prefix="DB", year=year, value=next_serial(scope=center.code, kind="proxy", year=year)),
        applicant_name=applicant_name,
        applicant_phone=phone,
        applicant_phone_index=phone_blind_index(phone),
        applicant_id_number=id_number,
        applicant_id_index=blind_index(id_number, purpose="id") if id_number else "",
        agent_kind=agent_kind,
        agent_staff=agent_staff,
        agent_name=agent_name[:50],
        item=item,
        item_name=item_name[:200],
        mode=item.default_mode if item is not None else "",
        authorization=authorization,
        authorized_on=authorized_on,
        authorization_note=authorization_note.strip(),
        case=case,
        created_by=event_actor(actor),
    )
    _proxy_event(proxy, "register", actor, "", ProxyCase.Status.OPEN, agent=agent_name, authorization=authorization)
    return proxy


@transaction.atomic
def proxy_link_case(*, proxy: ProxyCase, case_number: str, actor: Any) -> ProxyCase:
    """Link the case the agent lodged for the applicant (found by its number), so the register follows it and
    the applicant can follow it on the progress page."""
    if not case_number.strip():
        raise ValidationError({"case_number": _("请填写办件编号。")})
    proxy = ProxyCase.objects.select_for_update(of=("self",)).select_related("center", "case").get(pk=proxy.pk)
    case = case_of_center(proxy.center, case_number)
    old = proxy.case.number if proxy.case else ""
    proxy.case = case
    proxy.save(update_fields=["case"])
    _proxy_event(proxy, "link_case", actor, proxy.status, proxy.status, old=old, case_number=case.number)
    return proxy


@transaction.atomic
def proxy_advance(*, proxy: ProxyCase, to_status: str, actor: Any, note: str = "") -> ProxyCase:
    proxy = ProxyCase.objects.select_for_update().get(pk=proxy.pk)
    if not PROXY.can(proxy.status, to_status):
        raise ValidationError(_("代办登记当前%(status)s，不能改为该状态。") % {"status": proxy.get_status_display()})
    if to_status == ProxyCase.Status.SUBMITTED and proxy.case_id is None:
        raise ValidationError({"case_number": _("递交受理后请先填写办件编号，以便申请人查询进度。")})
    if to_status == ProxyCase.Status.WITHDRAWN and not note.strip():
        raise ValidationError({"note": _("撤回代办须说明原因。")})
    previous = proxy.status
    PROXY.move(proxy, to_status, _("变更状态"))
    proxy.save(update_fields=["status"])
    _proxy_event(proxy, "advance", actor, previous, to_status, note=note.strip())
    return proxy
