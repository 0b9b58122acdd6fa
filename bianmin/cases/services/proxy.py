"""Proxy authorization (代办) and cases received at home."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.access import check_holds
from bianmin.cases.models import (
    Case,
    CaseEvent,
    ProxyAuthorization,
)
from bianmin.cases.services._common import ProxyInput, _event, _event_row, _lock, _staff
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import CaseStateError
from bianmin.org.models import Staff

# --- proxy ----------------------------------------------------------------------------------------------------


def _record_proxy(
    case: Case,
    staff: Staff,
    actor: Any,
    proxy: ProxyInput,
    now: dt.datetime,
    *,
    events: list[CaseEvent] | None = None,
) -> ProxyAuthorization:
    """Record (or replace) the case's proxy authorization; its event is saved now, or joins `events` (the caller
    saves them in order)."""
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
    if not case.is_proxy:
        case.is_proxy = True
        case.save(update_fields=["is_proxy", "updated_at"])
    row = _event_row(
        case,
        actor,
        Verb.PROXY,
        note=record.scope,
        data={"agent": proxy.agent.name, "document": record.document, "authorized_on": proxy.authorized_on.isoformat()},
    )
    if events is None:
        row.save(force_insert=True)
    else:
        events.append(row)
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
    _event(case, actor, Verb.RECEIVED_AT_HOME, note=visit_number, data={"visit": visit_number})
    return case
