"""Writes of the letters-and-visits register (§8(2)4–5). Each writes its event row; only these assign `status`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.core.identifiers import clean_phone
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import blind_index
from bianmin.core.selectors import work_calendar
from bianmin.org.access import staff_of
from bianmin.org.models import OrgUnit, Staff
from bianmin.org.selectors import center_of
from bianmin.petitions.deadlines import petition_deadline
from bianmin.petitions.models import (
    MAJOR_DAYS_MAX,
    ORDINARY_DAYS_MAX,
    ORDINARY_DAYS_MIN,
    Petition,
    PetitionEvent,
    PetitionReply,
    PetitionSettings,
)
from bianmin.petitions.notifications import notify
from bianmin.petitions.selectors import PHONE_INDEX_PURPOSE, eligible_handlers, settings_for
from bianmin.petitions.workflow import PETITION

S = Petition.Status


def petition_number_prefix(center: OrgUnit) -> str:
    # Part of a stable identifier: not translated.
    return f"{center.short_name or center.code}信访"


def can_transition(petition: Petition, to: str) -> bool:
    return PETITION.can(petition.status, to)


def _require_open(petition: Petition) -> None:
    if petition.status == S.CLOSED:
        raise ValidationError(_("该事项已办结，不能再修改。"))


def _staff(actor: Any) -> Staff:
    staff = staff_of(actor)
    if staff is None:
        raise ValidationError(_("您没有工作人员档案，不能办理来信来访。"))
    return staff


def _event(petition: Petition, actor: Any, verb: str, from_state: str, note: str = "", **data: Any) -> PetitionEvent:
    # Every change of a petition leaves an event; the apps above hear of it (statistics of its month).
    notify("petition_changed", petition=petition)
    return PetitionEvent.objects.create(
        petition=petition,
        actor=actor,
        verb=verb,
        from_state=from_state,
        to_state=petition.status,
        note=note,
        data=data,
    )


def _locked(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().select_related("center").get(pk=petition.pk)


def time_limit(center: OrgUnit, category: str) -> int:
    config = settings_for(center=center)
    return config.major_days if category == Petition.Category.MAJOR else config.ordinary_days


@transaction.atomic
def petition_settings_set(*, center: OrgUnit, ordinary_days: int, major_days: int, actor: Any) -> PetitionSettings:
    """The center sets its time limits: ordinary 7–10 days, major up to one month (30 days). Applies to new matters."""
    errors: dict[str, str] = {}
    if not ORDINARY_DAYS_MIN <= ordinary_days <= ORDINARY_DAYS_MAX:
        errors["ordinary_days"] = _("一般事项办理时限应为 %(low)s 至 %(high)s 日。") % {
            "low": ORDINARY_DAYS_MIN,
            "high": ORDINARY_DAYS_MAX,
        }
    if not ordinary_days <= major_days <= MAJOR_DAYS_MAX:
        errors["major_days"] = _("重大事项办理时限应不少于一般事项时限，且不超过 %(high)s 日（一个月）。") % {
            "high": MAJOR_DAYS_MAX
        }
    if errors:
        raise ValidationError(errors)
    row, created = PetitionSettings.objects.update_or_create(
        center=center, defaults={"ordinary_days": ordinary_days, "major_days": major_days, "updated_by": actor}
    )
    audit(
        actor=actor,
        target=row,
        verb="petition_settings_set",
        data={"ordinary_days": ordinary_days, "major_days": major_days, "created": created},
    )
    return row


@transaction.atomic
def petition_register(
    *,
    actor: Any,
    channel: str,
    person_name: str,
    received_on: dt.date,
    content: str,
    category: str = Petition.Category.ORDINARY,
    person_org: str = "",
    phone: str = "",
    address: str = "",
) -> Petition:
    """Register a letter, visit, online message or call (来信来访登记, §8(2)5); its deadline runs from receipt."""
    staff = _staff(actor)
    center = center_of(staff.org_unit)
    if center is None:
        raise ValidationError(_("您所在单位没有服务中心（站），不能登记来信来访。"))
    errors: dict[str, str] = {}
    person_name, person_org, address, content = (
        person_name.strip(),
        person_org.strip(),
        address.strip(),
        content.strip(),
    )
    if channel not in Petition.Channel.values:
        errors["channel"] = _("请选择来信、来访、网上留言或来电。")
    if category not in Petition.Category.values:
        errors["category"] = _("请选择一般事项或重大事项。")
    if not person_name:
        errors["person_name"] = _("请填写来信来访人姓名。")
    if not content:
        errors["content"] = _("请填写反映的内容。")
    if phone.strip():
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    else:
        phone = ""
    if not phone and not address and "phone" not in errors:
        errors["phone"] = _("请至少填写联系电话或通讯地址之一，以便答复。")
    if received_on > timezone.localdate():
        errors["received_on"] = _("收到日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)

    days = time_limit(center, category)
    deadline = petition_deadline(received_on, days, work_calendar())
    year = received_on.year
    number = format_serial(
        prefix=petition_number_prefix(center),
        year=year,
        value=next_serial(scope=center.code, kind="petition", year=year),
    )
    petition = Petition.objects.create(
        center=center,
        number=number,
        channel=channel,
        person_name=person_name,
        person_org=person_org,
        phone=phone,
        phone_index=blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone else "",
        address=address,
        received_on=received_on,
        content=content,
        category=category,
        time_limit_days=days,
        due_at=deadline.due,
        registered_by=staff,
    )
    _event(petition, actor, "petition_register", "", days=days, due_at=deadline.due.isoformat())
    return petition


@transaction.atomic
def petition_assign(*, petition: Petition, handler: Staff, actor: Any, note: str = "") -> Petition:
    """Assign (or reassign) the handler (承办人)."""
    petition = _locked(petition)
    _require_open(petition)
    if not eligible_handlers(center=petition.center).filter(pk=handler.pk).exists():
        raise ValidationError({"handler": _("承办人须为本中心在岗工作人员。")})
    if handler.pk == petition.handler_id:
        raise ValidationError({"handler": _("该事项已由 %(name)s 承办。") % {"name": handler.name}})
    before = petition.status
    previous = petition.handler.name if petition.handler else ""
    petition.handler = handler
    petition.assigned_at = timezone.now()
    PETITION.move(petition, S.ASSIGNED, _("分办"))
    petition.save(update_fields=["handler", "assigned_at", "status"])
    event = _event(petition, actor, "petition_assign", before, note.strip(), handler=handler.name, previous=previous)
    notify("petition_assigned", petition=petition, handler=handler, event=event)
    return petition


@transaction.atomic
def petition_classify(*, petition: Petition, category: str, reason: str, actor: Any) -> Petition:
    """Change ordinary ↔ major; the deadline is worked out again from the day received."""
    petition = _locked(petition)
    _require_open(petition)
    if category not in Petition.Category.values:
        raise ValidationError({"category": _("请选择一般事项或重大事项。")})
    if category == petition.category:
        raise ValidationError({"category": _("类别未改变。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调整类别的原因。")})
    days = time_limit(petition.center, category)
    deadline = petition_deadline(petition.received_on, days, work_calendar())
    old = {"category": petition.category, "days": petition.time_limit_days, "due_at": petition.due_at.isoformat()}
    petition.category, petition.time_limit_days, petition.due_at = category, days, deadline.due
    petition.save(update_fields=["category", "time_limit_days", "due_at"])
    _event(
        petition,
        actor,
        "petition_classify",
        petition.status,
        reason.strip(),
        old=old,
        category=category,
        days=days,
        due_at=deadline.due.isoformat(),
    )
    return petition


def _check_reply(method: str, text: str, *, method_field: str, text_field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if method not in PetitionReply.Method.values:
        errors[method_field] = _("请选择答复方式。")
    if not text.strip():
        errors[text_field] = _("请填写给来信来访人的答复内容。")
    return errors


@transaction.atomic
def petition_reply(*, petition: Petition, method: str, text: str, actor: Any) -> PetitionReply:
    """An interim reply (e.g. receipt acknowledged, progress); the matter stays open."""
    staff = _staff(actor)
    petition = _locked(petition)
    _require_open(petition)
    errors = _check_reply(method, text, method_field="method", text_field="text")
    if errors:
        raise ValidationError(errors)
    reply = PetitionReply.objects.create(
        petition=petition, method=method, text=text.strip(), replied_at=timezone.now(), replied_by=staff
    )
    _event(petition, actor, "petition_reply", petition.status, reply=reply.pk, method=method)
    return reply


def _close(
    petition: Petition, *, staff: Staff, closure: str, outcome: str, reply_method: str, reply_text: str
) -> PetitionReply:
    now = timezone.now()
    reply = PetitionReply.objects.create(
        petition=petition,
        method=reply_method,
        text=reply_text.strip(),
        is_final=True,
        replied_at=now,
        replied_by=staff,
    )
    PETITION.move(petition, S.CLOSED, _("办结"))
    petition.closure = closure
    petition.outcome = outcome.strip()
    petition.closed_at = now
    petition.closed_by = staff
    petition.save(update_fields=["status", "closure", "outcome", "closed_at", "closed_by"])
    return reply


@transaction.atomic
def petition_close(*, petition: Petition, outcome: str, reply_method: str, reply_text: str, actor: Any) -> Petition:
    """Close with the recorded outcome and the reply to the person, both required (件件有着落)."""
    staff = _staff(actor)
    petition = _locked(petition)
    _require_open(petition)
    if petition.handler_id is None:
        raise ValidationError(_("请先分办承办人，再办结。"))
    errors = _check_reply(reply_method, reply_text, method_field="reply_method", text_field="reply_text")
    if not outcome.strip():
        errors["outcome"] = _("请填写办理结果。")
    if errors:
        raise ValidationError(errors)
    before = petition.status
    reply = _close(
        petition,
        staff=staff,
        closure=Petition.Closure.HANDLED,
        outcome=outcome,
        reply_method=reply_method,
        reply_text=reply_text,
    )
    _event(
        petition,
        actor,
        "petition_close",
        before,
        outcome.strip(),
        reply=reply.pk,
        overdue=petition.is_overdue(),
    )
    return petition


@transaction.atomic
def petition_answer_outside_remit(
    *, petition: Petition, explanation: str, where_to_go: str, reply_method: str, actor: Any
) -> Petition:
    """Not within what the center handles: explain why and where to go; that answer closes the matter."""
    staff = _staff(actor)
    petition = _locked(petition)
    _require_open(petition)
    errors: dict[str, str] = {}
    if not explanation.strip():
        errors["explanation"] = _("请说明不属于办理范围的原因。")
    if not where_to_go.strip():
        errors["where_to_go"] = _("请告知应向何处反映或办理。")
    if reply_method not in PetitionReply.Method.values:
        errors["reply_method"] = _("请选择答复方式。")
    if errors:
        raise ValidationError(errors)
    before = petition.status
    if petition.handler_id is None:
        petition.handler = staff
        petition.assigned_at = timezone.now()
        petition.save(update_fields=["handler", "assigned_at"])
    text = _("经核实，您反映的事项不属于本中心办理范围。%(explanation)s\n建议您向%(where)s反映或办理。") % {
        "explanation": explanation.strip(),
        "where": where_to_go.strip(),
    }
    reply = _close(
        petition,
        staff=staff,
        closure=Petition.Closure.OUTSIDE_REMIT,
        outcome=_("不属于办理范围：%(explanation)s；已告知向%(where)s反映。")
        % {"explanation": explanation.strip(), "where": where_to_go.strip()},
        reply_method=reply_method,
        reply_text=text,
    )
    _event(
        petition,
        actor,
        "petition_outside_remit",
        before,
        explanation.strip(),
        reply=reply.pk,
        where_to_go=where_to_go.strip(),
        overdue=petition.is_overdue(),
    )
    return petition
