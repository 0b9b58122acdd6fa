"""Writes of the first-inquiry register (§8(1)) and of handovers (§8(1)4). Each writes its event row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.identifiers import clean_phone
from bianmin.core.numbering import format_serial, next_serial
from bianmin.frontdesk.models import Handover, HandoverEvent, Inquiry, InquiryEvent
from bianmin.frontdesk.notifications import notify
from bianmin.frontdesk.selectors import referral_units, windows_of
from bianmin.org.access import staff_of
from bianmin.org.models import OrgUnit, Staff, Window
from bianmin.org.selectors import center_of

# A clock a little ahead of the server's must not turn a just-received visitor into "in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def inquiry_number_prefix(center: OrgUnit) -> str:
    # Part of a stable identifier: not translated.
    return f"{center.short_name or center.code}首问"


def _desk_of(actor: Any) -> tuple[Staff, OrgUnit]:
    staff = staff_of(actor)
    if staff is None:
        raise ValidationError(_("您没有工作人员档案，不能进行首问登记。"))
    center = center_of(staff.org_unit)
    if center is None:
        raise ValidationError(_("您所在单位没有服务中心（站），不能进行首问登记。"))
    return staff, center


@transaction.atomic
def inquiry_register(
    *,
    actor: Any,
    channel: str,
    matter: str,
    result: str,
    visitor_name: str = "",
    visitor_org: str = "",
    visitor_phone: str = "",
    result_note: str = "",
    phone_given: str = "",
    referred_window: Window | None = None,
    referred_staff: Staff | None = None,
    referral_contact: str = "",
    materials: str = "",
    window: Window | None = None,
    received_at: dt.datetime | None = None,
) -> Inquiry:
    """Record one visitor or caller; the acting user is the first contact (首问责任人, §8(1)1–2).

    A referral whose handler cannot be reached records the materials received and hands them over (§8(1)4).
    """
    staff, center = _desk_of(actor)
    now = timezone.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    visitor_name, visitor_org, matter = visitor_name.strip(), visitor_org.strip(), matter.strip()
    result_note, phone_given, materials = result_note.strip(), phone_given.strip(), materials.strip()
    if channel not in Inquiry.Channel.values:
        error("channel", _("请选择来访或来电。"))
    if result not in Inquiry.Result.values:
        error("result", _("请选择办理结果。"))
    if not matter:
        error("matter", _("请填写咨询或办理事项。"))
    if channel == Inquiry.Channel.IN_PERSON and not visitor_name:
        error("visitor_name", _("请填写来访人姓名。"))
    if visitor_phone.strip():
        try:
            visitor_phone = clean_phone(visitor_phone)
        except ValidationError as exc:
            error("visitor_phone", exc.messages[0])
    else:
        visitor_phone = ""
    if timezone.is_naive(received_at):
        error("received_at", _("时间必须带时区。"))
    elif received_at > now + FUTURE_TOLERANCE:
        error("received_at", _("登记时间不能晚于当前时间。"))

    if window is not None and window.center_id != center.pk:
        error("window", _("接待窗口不属于本中心。"))
    if window is None:
        own = [w for w in windows_of(staff=staff) if w.center_id == center.pk]
        window = own[0] if own else None

    is_phone = channel == Inquiry.Channel.PHONE
    if result == Inquiry.Result.REFERRED:
        allowed = {unit.pk for unit in referral_units(center=center)}
        if referred_staff is None:
            error("referred_staff", _("请选择引荐的经办人。"))
        elif referred_staff.org_unit_id not in allowed or not referred_staff.is_active:
            error("referred_staff", _("只能引荐给本中心在岗的工作人员。"))
        elif referred_staff.pk == staff.pk:
            error("referred_staff", _("不能引荐给本人；属于本人职责的，请选择“当场解答”或“受理办理”。"))
        if referred_window is not None and referred_window.center_id not in allowed:
            error("referred_window", _("引荐窗口不属于本中心。"))
        if referral_contact not in Inquiry.ReferralContact.values:
            error("referral_contact", _("请说明经办人是否在岗、是否已联系。"))
        elif referral_contact == Inquiry.ReferralContact.HANDOVER:
            if is_phone:
                error("referral_contact", _("来电无法收下材料；经办人联系不上的，请告知来电人联系电话。"))
            elif not materials:
                error("materials", _("经办人联系不上的，请登记收下的材料，以便移交（第八条第一项第4目）。"))
        if is_phone and not phone_given:
            error("phone_given", _("来电属于中心其他岗位职责的，须将有关电话告知来电人（第八条第一项第5目）。"))
    else:
        referred_window = referred_staff = None
        referral_contact = materials = ""
    if result == Inquiry.Result.OUTSIDE_REMIT:
        if not result_note:
            error("result_note", _("不属于中心职能范围的，请填写所作的解释和指导（第八条第一项第4目）。"))
        if is_phone and not phone_given:
            error("phone_given", _("来电的，请填写告知来电人的有关电话（第八条第一项第5目）。"))
    if errors:
        raise ValidationError(errors)

    year = timezone.localtime(received_at).year
    number = format_serial(
        prefix=inquiry_number_prefix(center), year=year, value=next_serial(scope=center.code, kind="inquiry", year=year)
    )
    inquiry = Inquiry.objects.create(
        center=center,
        number=number,
        channel=channel,
        visitor_name=visitor_name,
        visitor_org=visitor_org,
        visitor_phone=visitor_phone,
        received_at=received_at,
        matter=matter,
        result=result,
        result_note=result_note,
        phone_given=phone_given,
        referred_window=referred_window,
        referred_staff=referred_staff,
        referral_contact=referral_contact,
        first_contact=staff,
        window=window,
    )
    InquiryEvent.objects.create(
        inquiry=inquiry,
        actor=actor,
        verb="inquiry_register",
        to_state=result,
        note=result_note,
        data={
            "channel": channel,
            "referred_staff": referred_staff.pk if referred_staff else None,
            "referral_contact": referral_contact,
        },
    )
    notify("inquiry_registered", inquiry=inquiry)
    if referral_contact == Inquiry.ReferralContact.HANDOVER and referred_staff is not None:
        handover_create(
            center=center,
            from_staff=staff,
            to_staff=referred_staff,
            subject=_("首问登记 %(number)s：%(visitor)s %(matter)s")
            % {"number": number, "visitor": inquiry.visitor_display, "matter": matter},
            materials=materials,
            received_at=received_at,
            target=inquiry,
            actor=actor,
        )
    return inquiry


@transaction.atomic
def inquiry_link_case(*, inquiry: Inquiry, case_number: str = "", actor: Any, case: Any = None) -> Inquiry:
    """The inquiry became a case: record which. Given a `case` (cases.Case) or a number; a number that is a case of
    the inquiry's center is linked to it, any other number is kept as text."""
    from bianmin.cases.models import Case

    if case is not None:
        case_number = case.number
    case_number = case_number.strip()
    if not case_number:
        raise ValidationError({"case_number": _("请填写办件编号。")})
    if len(case_number) > Inquiry._meta.get_field("case_number").max_length:  # type: ignore[operator]
        raise ValidationError({"case_number": _("办件编号过长。")})
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.result not in (Inquiry.Result.HANDLED, Inquiry.Result.REFERRED):
        raise ValidationError(_("只有“受理办理”或“引荐”的首问登记可以关联办件。"))
    if inquiry.case_number == case_number:
        return inquiry
    if inquiry.case_number:
        raise ValidationError(
            {"case_number": _("该登记已关联办件 %(number)s，不能重复关联。") % {"number": inquiry.case_number}}
        )
    if case is None:
        case = Case.objects.filter(number=case_number, center_id=inquiry.center_id).first()
    elif case.center_id != inquiry.center_id:
        raise ValidationError({"case_number": _("该办件不属于本服务中心（站），不能关联。")})
    inquiry.case_number = case_number
    inquiry.case = case
    inquiry.save(update_fields=["case_number", "case"])
    InquiryEvent.objects.create(
        inquiry=inquiry,
        actor=actor,
        verb="inquiry_link_case",
        from_state=inquiry.result,
        to_state=inquiry.result,
        data={"case_number": case_number, "case_id": case.pk if case else None},
    )
    return inquiry


# --- handovers ----------------------------------------------------------------------------------------------


@transaction.atomic
def handover_create(
    *,
    center: OrgUnit,
    from_staff: Staff,
    to_staff: Staff,
    subject: str,
    materials: str,
    actor: Any,
    received_at: dt.datetime | None = None,
    note: str = "",
    target: models.Model | None = None,
) -> Handover:
    """Record materials received for someone who could not be reached; they stay on both pages until acknowledged."""
    errors: dict[str, str] = {}
    if not materials.strip():
        errors["materials"] = _("请登记收下的材料。")
    if not subject.strip():
        errors["subject"] = _("请填写移交事由。")
    if from_staff.pk == to_staff.pk:
        errors["to_staff"] = _("移交人和接收人不能是同一人。")
    if errors:
        raise ValidationError(errors)
    handover = Handover.objects.create(
        center=center,
        from_staff=from_staff,
        to_staff=to_staff,
        subject=subject.strip()[:300],
        materials=materials.strip(),
        received_at=received_at or timezone.now(),
        note=note.strip(),
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
    )
    HandoverEvent.objects.create(
        handover=handover,
        actor=actor,
        verb="handover_create",
        to_state="pending",
        note=note,
        data={"from": from_staff.name, "to": to_staff.name},
    )
    notify("handover_created", handover=handover)
    return handover


@transaction.atomic
def handover_acknowledge(*, handover: Handover, actor: Any, note: str = "") -> Handover:
    """The receiver confirms they have the materials (交接清楚, §8(3)(6))."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    staff = staff_of(actor)
    if staff is None or staff.pk != handover.to_staff_id:
        raise ValidationError(_("只有接收人本人可以确认接收材料。"))
    if handover.acknowledged_at is not None:
        raise ValidationError(
            _("该移交已于 %(at)s 确认接收。") % {"at": f"{timezone.localtime(handover.acknowledged_at):%Y-%m-%d %H:%M}"}
        )
    handover.acknowledged_at = timezone.now()
    handover.acknowledge_note = note.strip()
    handover.save(update_fields=["acknowledged_at", "acknowledge_note"])
    HandoverEvent.objects.create(
        handover=handover,
        actor=actor,
        verb="handover_acknowledge",
        from_state="pending",
        to_state="acknowledged",
        note=note,
    )
    return handover


def handover_acknowledge_many(*, handovers: list[Handover], actor: Any, note: str = "") -> list[tuple[Handover, str]]:
    """Acknowledge several handovers at once, each on its own (each is a receipt of its own materials): those that
    can be acknowledged are, under the single action's rules and with its event; the others come back with the
    reason, in Chinese, for the page to say."""
    failed: list[tuple[Handover, str]] = []
    for handover in handovers:
        try:
            handover_acknowledge(handover=handover, actor=actor, note=note)
        except ValidationError as exc:
            failed.append((handover, "；".join(exc.messages)))
    return failed
