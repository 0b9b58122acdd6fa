"""First inquiries (首问登记, §8(1)): list, detail and the fast register — reads through
`bianmin.frontdesk.selectors`, the write through `bianmin.frontdesk.services`, with the pages' roles and scope."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from bianmin.api.access import READ_ROLES, REGISTER_ROLES, require_role
from bianmin.api.errors import ERRORS, WRITE_ERRORS
from bianmin.api.pagination import newest_first_page
from bianmin.api.schemas import Id, Moment, Text
from bianmin.core.personal_data import mask_name
from bianmin.frontdesk import selectors, services
from bianmin.frontdesk.models import Inquiry
from bianmin.org.models import Staff, Window
from bianmin.org.selectors import user_center

router = Router(tags=["首问登记"])

# Spelled out so the OpenAPI schema lists them; a test keeps them equal to the models' choices.
ChannelName = Literal["in_person", "phone"]
ResultName = Literal["answered", "handled", "referred", "outside_remit"]
ReferralContactName = Literal["present", "contacted", "handover"]
WindowNumber = Annotated[int, Field(ge=1, le=32767)]


class InquiryOut(Schema):
    id: int
    number: str
    center_code: str
    channel: str
    channel_label: str
    visitor: str
    visitor_org: str
    received_at: dt.datetime
    matter: str
    result: str
    result_label: str
    first_contact: str
    window_number: int | None
    referred_staff: str | None
    referred_window_number: int | None
    case_number: str


class InquiryPage(Schema):
    results: list[InquiryOut]
    next_cursor: str | None


class InquiryDetailOut(InquiryOut):
    visitor_phone: str
    result_note: str
    phone_given: str
    referral_contact: str


def _inquiry(inquiry: Inquiry) -> InquiryOut:
    return InquiryOut(
        id=inquiry.pk,
        number=inquiry.number,
        center_code=inquiry.center.code,
        channel=inquiry.channel,
        channel_label=str(inquiry.get_channel_display()),
        visitor=mask_name(inquiry.visitor_name) if inquiry.visitor_name else "",
        visitor_org=inquiry.visitor_org,
        received_at=inquiry.received_at,
        matter=inquiry.matter,
        result=inquiry.result,
        result_label=str(inquiry.get_result_display()),
        first_contact=inquiry.first_contact.name,
        window_number=inquiry.window.number if inquiry.window else None,
        referred_staff=inquiry.referred_staff.name if inquiry.referred_staff else None,
        referred_window_number=inquiry.referred_window.number if inquiry.referred_window else None,
        case_number=inquiry.case_number,
    )


def _detail(inquiry: Inquiry) -> InquiryDetailOut:
    return InquiryDetailOut(
        **_inquiry(inquiry).dict(),
        visitor_phone=inquiry.visitor_phone_masked,
        result_note=inquiry.result_note,
        phone_given=inquiry.phone_given,
        referral_contact=inquiry.referral_contact,
    )


@router.get("/inquiries", response={200: InquiryPage, **ERRORS}, summary="首问登记列表（可见范围内，按时间倒序）")
def inquiry_list(
    request: HttpRequest,
    start: dt.date | None = None,
    end: dt.date | None = None,
    staff: Id | None = None,
    result: ResultName | None = None,
    channel: ChannelName | None = None,
    cursor: Annotated[Text, Field(max_length=200)] | None = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 30,
) -> InquiryPage:
    """Period `start`–`end` (days, inclusive); `staff` is the first contact's id. Cursor pagination: pass
    `next_cursor` of a page as `cursor` for the next one (a stale cursor restarts)."""
    require_role(request, READ_ROLES)
    if start is not None and end is not None and start > end:
        raise ValidationError({"end": [_("结束日期不能早于开始日期。")]})
    qs = selectors.inquiry_list(
        user=request.user,
        filters=selectors.InquiryFilters(
            start=start, end=end, staff_id=staff, result=result or "", channel=channel or ""
        ),
    )
    rows, next_cursor = newest_first_page(qs, "received_at", cursor, limit)
    return InquiryPage(results=[_inquiry(i) for i in rows], next_cursor=next_cursor)


@router.get("/inquiries/{inquiry_id}", response={200: InquiryDetailOut, **ERRORS}, summary="首问登记详情")
def inquiry_detail(request: HttpRequest, inquiry_id: Id) -> InquiryDetailOut:
    require_role(request, READ_ROLES)
    return _detail(selectors.inquiry_get(user=request.user, pk=inquiry_id))


class InquiryIn(Schema):
    channel: ChannelName
    matter: Annotated[Text, Field(max_length=300)]
    result: ResultName
    visitor_name: Annotated[Text, Field(max_length=50)] = ""
    visitor_org: Annotated[Text, Field(max_length=100)] = ""
    visitor_phone: Annotated[Text, Field(max_length=40)] = ""
    result_note: Annotated[Text, Field(max_length=2000)] = ""
    phone_given: Annotated[Text, Field(max_length=40)] = ""
    window_number: WindowNumber | None = Field(None, description="接待窗口；不填则取本人当前岗位的窗口")
    referred_staff_id: Id | None = None
    referred_window_id: Id | None = None
    referral_contact: ReferralContactName | Literal[""] = ""
    materials: Annotated[Text, Field(max_length=2000)] = ""
    received_at: Moment | None = None


@router.post("/inquiries", response={201: InquiryDetailOut, **WRITE_ERRORS}, summary="首问登记（快速登记）")
def inquiry_register(request: HttpRequest, payload: InquiryIn) -> Status[InquiryDetailOut]:
    user = require_role(request, REGISTER_ROLES)
    center = user_center(user=user)
    if center is None:
        raise ValidationError(_("您所在单位没有服务中心（站），不能进行首问登记。"))
    window = None
    if payload.window_number is not None:
        window = Window.objects.filter(center=center, number=payload.window_number, is_active=True).first()
        if window is None:
            raise ValidationError({"window_number": [_("本中心没有该窗口。")]})
    referred_staff = referred_window = None
    if payload.referred_staff_id is not None:
        referred_staff = selectors.referral_staff(center=center).filter(pk=payload.referred_staff_id).first()
        if referred_staff is None:
            raise ValidationError({"referred_staff_id": [_("只能引荐给本中心在岗的工作人员。")]})
    if payload.referred_window_id is not None:
        referred_window = selectors.referral_windows(center=center).filter(pk=payload.referred_window_id).first()
        if referred_window is None:
            raise ValidationError({"referred_window_id": [_("引荐窗口不属于本中心。")]})
    try:
        inquiry = _register(user, payload, window, referred_window, referred_staff)
    except ValidationError as exc:
        raise _renamed(exc) from None
    return Status(201, _detail(selectors.inquiry_get(user=user, pk=inquiry.pk)))


# The service names model fields; the API names the inputs that carry them.
SERVICE_FIELDS = {
    "window": "window_number",
    "referred_staff": "referred_staff_id",
    "referred_window": "referred_window_id",
}


def _renamed(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({SERVICE_FIELDS.get(field, field): errors for field, errors in exc.error_dict.items()})


def _register(
    user: object,
    payload: InquiryIn,
    window: Window | None,
    referred_window: Window | None,
    referred_staff: Staff | None,
) -> Inquiry:
    return services.inquiry_register(
        actor=user,
        channel=payload.channel,
        matter=payload.matter,
        result=payload.result,
        visitor_name=payload.visitor_name,
        visitor_org=payload.visitor_org,
        visitor_phone=payload.visitor_phone,
        result_note=payload.result_note,
        phone_given=payload.phone_given,
        referred_window=referred_window,
        referred_staff=referred_staff,
        referral_contact=payload.referral_contact,
        materials=payload.materials,
        window=window,
        received_at=payload.received_at,
    )
