"""Letters and visits (来信来访, §8(2)4–5): list, detail, register, assign, reply and close — reads through
`bianmin.petitions.selectors`, writes through `bianmin.petitions.services`, with the pages' roles and scope."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from bianmin.api.access import READ_ROLES, require_role
from bianmin.api.errors import ERRORS, WRITE_ERRORS
from bianmin.api.pagination import newest_first_page
from bianmin.api.schemas import Id, Text
from bianmin.core.personal_data import mask_name
from bianmin.petitions import selectors, services
from bianmin.petitions.access import PETITION_MANAGERS, can_handle
from bianmin.petitions.models import Petition

router = Router(tags=["来信来访"])

# Spelled out so the OpenAPI schema lists them; a test keeps them equal to the models' choices.
StatusName = Literal["registered", "assigned", "closed"]
CategoryName = Literal["ordinary", "major"]
ChannelName = Literal["letter", "visit", "online", "phone"]
ReplyMethod = Literal["letter", "phone", "in_person", "online"]


class PetitionOut(Schema):
    id: int
    number: str
    center_code: str
    channel: str
    channel_label: str
    person: str
    person_org: str
    received_on: dt.date
    category: str
    category_label: str
    status: str
    status_label: str
    handler: str | None
    time_limit_days: int
    due_at: dt.datetime
    overdue: bool
    closed_at: dt.datetime | None


class PetitionPage(Schema):
    results: list[PetitionOut]
    next_cursor: str | None


class ReplyOut(Schema):
    id: int
    method: str
    text: str
    is_final: bool
    replied_at: dt.datetime
    replied_by: str


class PetitionDetailOut(PetitionOut):
    phone: str
    content: str
    closure: str
    outcome: str
    replies: list[ReplyOut]


def _petition(petition: Petition, now: dt.datetime | None = None) -> PetitionOut:
    return PetitionOut(
        id=petition.pk,
        number=petition.number,
        center_code=petition.center.code,
        channel=petition.channel,
        channel_label=str(petition.get_channel_display()),
        person=mask_name(petition.person_name),
        person_org=petition.person_org,
        received_on=petition.received_on,
        category=petition.category,
        category_label=str(petition.get_category_display()),
        status=petition.status,
        status_label=str(petition.get_status_display()),
        handler=petition.handler.name if petition.handler else None,
        time_limit_days=petition.time_limit_days,
        due_at=petition.due_at,
        overdue=petition.is_overdue(now),
        closed_at=petition.closed_at,
    )


def _detail(request: HttpRequest, pk: int) -> PetitionDetailOut:
    petition = selectors.petition_get(user=request.user, pk=pk)
    return PetitionDetailOut(
        **_petition(petition).dict(),
        phone=petition.phone_masked,
        content=petition.content,
        closure=petition.closure,
        outcome=petition.outcome,
        replies=[
            ReplyOut(
                id=r.pk,
                method=r.method,
                text=r.text,
                is_final=r.is_final,
                replied_at=r.replied_at,
                replied_by=r.replied_by.name,
            )
            for r in petition.replies.all()
        ],
    )


@router.get("/petitions", response={200: PetitionPage, **ERRORS}, summary="来信来访列表（可见范围内，按收到日期倒序）")
def petition_list(
    request: HttpRequest,
    status: StatusName | None = None,
    category: CategoryName | None = None,
    overdue: bool = False,
    cursor: Annotated[Text, Field(max_length=200)] | None = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 30,
) -> PetitionPage:
    """`overdue=true`: open past the deadline or closed after it. Cursor pagination: pass `next_cursor` of a page
    as `cursor` for the next one (a stale cursor restarts)."""
    require_role(request, READ_ROLES)
    now = timezone.now()
    qs = selectors.petition_list(
        user=request.user,
        filters=selectors.PetitionFilters(status=status or "", category=category or "", overdue=overdue),
        now=now,
    )
    rows, next_cursor = newest_first_page(qs, "received_on", cursor, limit)
    return PetitionPage(results=[_petition(p, now) for p in rows], next_cursor=next_cursor)


@router.get("/petitions/{petition_id}", response={200: PetitionDetailOut, **ERRORS}, summary="来信来访详情")
def petition_detail(request: HttpRequest, petition_id: Id) -> PetitionDetailOut:
    require_role(request, READ_ROLES)
    return _detail(request, petition_id)


class PetitionIn(Schema):
    channel: ChannelName
    person_name: Annotated[Text, Field(max_length=50)]
    person_org: Annotated[Text, Field(max_length=100)] = ""
    phone: Annotated[Text, Field(max_length=40)] = ""
    address: Annotated[Text, Field(max_length=200)] = ""
    received_on: dt.date | None = Field(None, description="收到日期，不填为今天")
    content: Annotated[Text, Field(max_length=10000)]
    category: CategoryName = "ordinary"


@router.post("/petitions", response={201: PetitionDetailOut, **WRITE_ERRORS}, summary="来信来访登记")
def petition_register(request: HttpRequest, payload: PetitionIn) -> Status[PetitionDetailOut]:
    user = require_role(request, READ_ROLES)
    petition = services.petition_register(
        actor=user,
        channel=payload.channel,
        person_name=payload.person_name,
        person_org=payload.person_org,
        phone=payload.phone,
        address=payload.address,
        received_on=payload.received_on or timezone.localdate(),
        content=payload.content,
        category=payload.category,
    )
    return Status(201, _detail(request, petition.pk))


class AssignIn(Schema):
    handler_id: Id
    note: Annotated[Text, Field(max_length=1000)] = ""


class ReplyIn(Schema):
    method: ReplyMethod
    text: Annotated[Text, Field(max_length=5000)]


class CloseIn(Schema):
    outcome: Annotated[Text, Field(max_length=5000)]
    reply_method: ReplyMethod
    reply_text: Annotated[Text, Field(max_length=5000)]


def _handled_by(request: HttpRequest, petition_id: int) -> Petition:
    """The matter (404 out of scope), or 403 when the user is neither its handler nor a manager."""
    require_role(request, READ_ROLES)
    petition = selectors.petition_get(user=request.user, pk=petition_id)
    if not can_handle(request.user, petition):
        raise PermissionDenied(_("只有承办人或中心负责人可以答复、办结该事项。"))
    return petition


@router.post("/petitions/{petition_id}/assign", response={200: PetitionDetailOut, **WRITE_ERRORS}, summary="分办")
def petition_assign(request: HttpRequest, petition_id: Id, payload: AssignIn) -> PetitionDetailOut:
    user = require_role(request, PETITION_MANAGERS)
    petition = selectors.petition_get(user=user, pk=petition_id)
    handler = selectors.eligible_handlers(center=petition.center).filter(pk=payload.handler_id).first()
    if handler is None:
        raise ValidationError({"handler_id": [_("承办人须为本中心在岗工作人员。")]})
    services.petition_assign(petition=petition, handler=handler, actor=user, note=payload.note)
    return _detail(request, petition_id)


@router.post(
    "/petitions/{petition_id}/reply", response={200: PetitionDetailOut, **WRITE_ERRORS}, summary="答复（阶段性）"
)
def petition_reply(request: HttpRequest, petition_id: Id, payload: ReplyIn) -> PetitionDetailOut:
    petition = _handled_by(request, petition_id)
    services.petition_reply(petition=petition, method=payload.method, text=payload.text, actor=request.user)
    return _detail(request, petition_id)


@router.post("/petitions/{petition_id}/close", response={200: PetitionDetailOut, **WRITE_ERRORS}, summary="办结并答复")
def petition_close(request: HttpRequest, petition_id: Id, payload: CloseIn) -> PetitionDetailOut:
    petition = _handled_by(request, petition_id)
    services.petition_close(
        petition=petition,
        outcome=payload.outcome,
        reply_method=payload.reply_method,
        reply_text=payload.reply_text,
        actor=request.user,
    )
    return _detail(request, petition_id)
